/**
 * @file fs_sync.cpp
 * @brief uv_fs_open(), uv_fs_close(), uv_fs_unlink(), uv_fs_req_cleanup(): the synchronous form only.
 *
 * libuv's file operations run on the thread pool when given a callback and
 * in the calling thread when the callback is NULL; either way the result is
 * stored in req->result and, in the synchronous form, also returned. uvref
 * implements only the synchronous form, which is what the classic pipe and
 * process examples need (open a file to hand to a child as its stdout, say).
 * With a callback the functions return UV_ENOSYS and store it in
 * req->result; nothing is queued, so the loop is not kept alive.
 *
 * Synchronous requests are not registered with the loop (libuv does not
 * count them either), so @p loop may be NULL.
 *
 *  - open: `open(path, flags | O_CLOEXEC, mode)`. libuv adds O_CLOEXEC
 *    itself so that a descriptor opened on one thread cannot leak into a
 *    child that another thread is spawning; pass it to a child with
 *    UV_INHERIT_FD, which makes a non-CLOEXEC copy in the child only.
 *    Retried on EINTR (opening a FIFO can block and be interrupted).
 *  - close: `close(fd)`, never retried: on Linux the descriptor is gone even
 *    when close() reports EINTR (see sys::close_fd).
 *  - unlink: `unlink(path)`, retried on EINTR.
 *  - req_cleanup: the synchronous form holds no memory (the path is not
 *    copied); it forgets the path, as libuv does.
 *
 * libuv: src/unix/fs.c uv_fs_open, uv_fs_close, uv_fs_unlink, uv_fs_req_cleanup, uv__fs_work
 *
 * Page: \docpage{process-misc}
 */
#include "sys/sys.h"
#include "uv.h"

namespace {

/** The common head of every uv_fs_* call: fill in the request; UV_ENOSYS for the async form. */
int fs_req_init(uv_loop_t* loop, uv_fs_t* req, uv_fs_type type, const char* path, uv_fs_cb cb) {
  req->type = UV_FS;
  req->fs_type = type;
  req->loop = loop;
  req->cb = cb;
  req->ptr = nullptr;
  req->path = path;
  req->result = 0;
  if (cb != nullptr) {
    req->result = UV_ENOSYS;  // uvref: no thread-pool file operations
    return UV_ENOSYS;
  }
  return 0;
}

/** Stores @p r as the request's result and returns it, as libuv's synchronous path does. */
int finish(uv_fs_t* req, ssize_t r) {
  req->result = r;
  return static_cast<int>(r);
}

}  // namespace

// [docs:fs-open]
int uv_fs_open(uv_loop_t* loop, uv_fs_t* req, const char* path, int flags, int mode, uv_fs_cb cb) {
  if (req == nullptr) return UV_EINVAL;
  int r = fs_req_init(loop, req, UV_FS_OPEN, path, cb);
  if (r < 0) return r;
  if (path == nullptr) return finish(req, UV_EINVAL);
  do {
    r = uvref::sys::open(path, flags | O_CLOEXEC, static_cast<mode_t>(mode));
  } while (r == -EINTR);
  return finish(req, r);
}
// [/docs:fs-open]

int uv_fs_close(uv_loop_t* loop, uv_fs_t* req, uv_file file, uv_fs_cb cb) {
  if (req == nullptr) return UV_EINVAL;
  int r = fs_req_init(loop, req, UV_FS_CLOSE, nullptr, cb);
  if (r < 0) return r;
  return finish(req, uvref::sys::close_fd(file));
}

int uv_fs_unlink(uv_loop_t* loop, uv_fs_t* req, const char* path, uv_fs_cb cb) {
  if (req == nullptr) return UV_EINVAL;
  int r = fs_req_init(loop, req, UV_FS_UNLINK, path, cb);
  if (r < 0) return r;
  if (path == nullptr) return finish(req, UV_EINVAL);
  do {
    r = uvref::sys::unlink(path);
  } while (r == -EINTR);
  return finish(req, r);
}

void uv_fs_req_cleanup(uv_fs_t* req) {
  if (req == nullptr) return;
  req->path = nullptr;
  req->ptr = nullptr;
}
