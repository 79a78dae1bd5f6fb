/**
 * @file fs_read.cpp
 * @brief uv_fs_read(): read into one or more buffers, at an offset or at the file position.
 *
 * Four system calls, chosen as libuv chooses them:
 *
 * | offset   | one buffer | several buffers |
 * |----------|------------|-----------------|
 * | `< 0`    | read(2)    | readv(2)        |
 * | `>= 0`   | pread(2)   | preadv(2)       |
 *
 * An offset of -1 reads from, and advances, the descriptor's file position
 * (the only way to read a pipe or a terminal); an offset >= 0 leaves the
 * position alone, so threads can read different parts of one file at once.
 *
 * One call, one system call: the result is the byte count, which may be
 * short (0 at end of file), or -errno. A read interrupted by a signal is
 * not repeated (fs_request.cpp): libuv reports UV_EINTR and so does uvref.
 * More than IOV_MAX buffers: only the first IOV_MAX are filled, as in libuv.
 *
 * libuv: src/unix/fs.c uv_fs_read, uv__fs_read
 *
 * Page: \docpage{fs-read-write}
 */
#include <climits>

#include "fs/fs.h"
#include "sys/sys.h"

namespace uvref::detail {

// [docs:fs-read]
ssize_t fs_read(uv_fs_t* req) noexcept {
  if (req->nbufs > IOV_MAX) req->nbufs = IOV_MAX;
  const auto* iov = reinterpret_cast<const struct iovec*>(req->bufs);
  int n = static_cast<int>(req->nbufs);
  ssize_t r;
  if (req->off < 0) {
    r = n == 1 ? sys::read(req->file, iov[0].iov_base, iov[0].iov_len)
               : sys::readv(req->file, iov, n);
  } else {
    r = n == 1 ? sys::pread(req->file, iov[0].iov_base, iov[0].iov_len, req->off)
               : sys::preadv(req->file, iov, n, req->off);
  }
  fs_free_bufs(req);  // done with them: free the heap copy now, as libuv does
  return r;
}
// [/docs:fs-read]

}  // namespace uvref::detail

using namespace uvref::detail;

int uv_fs_read(uv_loop_t* loop, uv_fs_t* req, uv_file file, const uv_buf_t bufs[],
               unsigned int nbufs, int64_t offset, uv_fs_cb cb) {
  return fs_post_io(loop, req, UV_FS_READ, file, bufs, nbufs, offset, cb);
}
