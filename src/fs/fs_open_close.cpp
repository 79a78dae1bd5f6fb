/**
 * @file fs_open_close.cpp
 * @brief uv_fs_open(), uv_fs_close(), uv_fs_unlink(): a descriptor's beginning and end, a name's removal.
 *
 *  - open: `open(path, flags | O_CLOEXEC, mode)`. libuv adds O_CLOEXEC
 *    itself so that a descriptor opened on one thread cannot leak into a
 *    child that another thread is spawning; pass it to a child with
 *    UV_INHERIT_FD, which makes a non-CLOEXEC copy in the child only.
 *    Repeated on EINTR by fs_work() (opening a FIFO can block and be
 *    interrupted).
 *  - close: `close(fd)`, never repeated: on Linux the descriptor is gone even
 *    when close() reports EINTR (see sys::close_fd).
 *  - unlink: `unlink(path)`, repeated on EINTR.
 *
 * Each runs in the caller's thread when @p cb is NULL, on the thread pool
 * otherwise (fs_request.cpp).
 *
 * libuv: src/unix/fs.c uv_fs_open, uv__fs_open, uv_fs_close, uv__fs_close, uv_fs_unlink
 *
 * Page: \docpage{fs-request}
 */
#include "fs/fs.h"
#include "sys/sys.h"

namespace uvref::detail {

// [docs:fs-open]
ssize_t fs_open(uv_fs_t* req) noexcept {
  return sys::open(req->path, req->flags | O_CLOEXEC, req->mode);
}
// [/docs:fs-open]

ssize_t fs_close(uv_fs_t* req) noexcept { return sys::close_fd(req->file); }

ssize_t fs_unlink(uv_fs_t* req) noexcept { return sys::unlink(req->path); }

}  // namespace uvref::detail

using namespace uvref::detail;

int uv_fs_open(uv_loop_t* loop, uv_fs_t* req, const char* path, int flags, int mode, uv_fs_cb cb) {
  int r = fs_init(loop, req, UV_FS_OPEN, cb);
  if (r == 0) r = fs_path(req, path);
  if (r < 0) return r;
  req->flags = flags;
  req->mode = static_cast<mode_t>(mode);
  return fs_post(loop, req);
}

int uv_fs_close(uv_loop_t* loop, uv_fs_t* req, uv_file file, uv_fs_cb cb) {
  return fs_post_file(loop, req, UV_FS_CLOSE, file, cb);
}

int uv_fs_unlink(uv_loop_t* loop, uv_fs_t* req, const char* path, uv_fs_cb cb) {
  return fs_post_path(loop, req, UV_FS_UNLINK, path, cb);
}
