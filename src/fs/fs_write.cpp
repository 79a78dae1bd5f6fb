/**
 * @file fs_write.cpp
 * @brief uv_fs_write(): write every byte of one or more buffers, at an offset or at the file position.
 *
 * The system calls follow uv_fs_read()'s table: write(2) or writev(2) with
 * an offset < 0 (at, and advancing, the file position; O_APPEND files and
 * pipes), pwrite(2) or pwritev(2) with an offset >= 0.
 *
 * Unlike a read, a write is finished in one request: a short write (a full
 * disk, a signal after some bytes, a pipe with little room) is followed by
 * another call for the rest, at the advanced offset, until every buffer is
 * written or a call fails or writes nothing. EINTR is repeated. The result
 * is the total written; an error only when nothing was written (bytes
 * already in the file are reported, the error after them is not), as libuv.
 *
 * libuv: src/unix/fs.c uv_fs_write, uv__fs_write, uv__fs_write_all, uv__fs_buf_offset
 *
 * Page: \docpage{fs-read-write}
 */
#include <cerrno>
#include <climits>

#include "fs/fs.h"
#include "sys/sys.h"

namespace uvref::detail {
namespace {

/** One system call for req->nbufs buffers from req->bufs. */
ssize_t fs_write(const uv_fs_t* req) noexcept {
  const auto* iov = reinterpret_cast<const struct iovec*>(req->bufs);
  int n = static_cast<int>(req->nbufs);
  if (req->off < 0) {
    return n == 1 ? sys::write(req->file, iov[0].iov_base, iov[0].iov_len)
                  : sys::writev(req->file, iov, n);
  }
  return n == 1 ? sys::pwrite(req->file, iov[0].iov_base, iov[0].iov_len, req->off)
                : sys::pwritev(req->file, iov, n, req->off);
}

/** Skips the buffers @p done bytes covered, trims a partly written one; returns how many were skipped. */
unsigned int skip_written(uv_buf_t* bufs, size_t done) noexcept {
  unsigned int i = 0;
  for (; done > 0 && bufs[i].len <= done; ++i) done -= bufs[i].len;
  if (done > 0) {
    bufs[i].base += done;
    bufs[i].len -= done;
  }
  return i;
}

}  // namespace

// [docs:fs-write-all]
ssize_t fs_write_all(uv_fs_t* req) noexcept {
  uv_buf_t* const first = req->bufs;
  unsigned int left = req->nbufs;
  ssize_t total = 0;
  while (left > 0) {
    req->nbufs = left < IOV_MAX ? left : IOV_MAX;
    ssize_t r;
    do {
      r = fs_write(req);
    } while (r == -EINTR);
    if (r <= 0) {
      if (total == 0) total = r;  // an error (or 0) counts only if nothing was written
      break;
    }
    if (req->off >= 0) req->off += r;
    unsigned int skipped = skip_written(req->bufs, static_cast<size_t>(r));
    req->bufs += skipped;
    left -= skipped;
    total += r;
  }
  req->bufs = first;
  fs_free_bufs(req);
  return total;
}
// [/docs:fs-write-all]

}  // namespace uvref::detail

using namespace uvref::detail;

int uv_fs_write(uv_loop_t* loop, uv_fs_t* req, uv_file file, const uv_buf_t bufs[],
                unsigned int nbufs, int64_t offset, uv_fs_cb cb) {
  return fs_post_io(loop, req, UV_FS_WRITE, file, bufs, nbufs, offset, cb);
}
