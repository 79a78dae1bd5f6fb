/**
 * @file fs_request.cpp
 * @brief How a uv_fs_t runs: in the caller's thread (cb == NULL) or on the thread pool.
 *
 * Synchronous form: the operation runs at once, the result is stored in
 * req->result and returned. The request borrows the caller's path, is not
 * counted by the loop, and @p loop may even be NULL.
 *
 * Asynchronous form: the path is copied (the caller's string may be gone
 * when a pool thread reads it), the request counts as active (uv_run()
 * keeps going until its callback has run), and uvref::detail::work_submit()
 * hands it to the pool. fs_work() runs there; fs_done() runs on the loop
 * thread, woken through the loop's async eventfd, and calls the callback.
 *
 * EINTR: fs_work() repeats an interrupted operation, except close (the
 * descriptor is gone anyway) and read (libuv reports UV_EINTR to the caller;
 * a read may already have consumed bytes from a pipe or terminal).
 *
 * libuv: src/unix/fs.c uv__fs_work, uv__fs_done, uv_fs_req_cleanup
 *
 * Page: \docpage{fs-request}
 */
#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/internal.h"
#include "fs/fs.h"
#include "threadpool/threadpool.h"

namespace uvref::detail {
namespace {

uv_fs_t* fs_req_of(uv__work* w) noexcept {
  return reinterpret_cast<uv_fs_t*>(reinterpret_cast<char*>(w) - offsetof(uv_fs_t, work_req));
}

// [docs:fs-work]
/** Runs the operation, on a pool thread or in the caller's; stores the result. */
void fs_work(uv__work* w) noexcept {
  uv_fs_t* req = fs_req_of(w);
  bool retry_on_eintr = req->fs_type != UV_FS_CLOSE && req->fs_type != UV_FS_READ;
  ssize_t r;
  do {
    switch (req->fs_type) {
      case UV_FS_OPEN: r = fs_open(req); break;
      case UV_FS_CLOSE: r = fs_close(req); break;
      case UV_FS_READ: r = fs_read(req); break;
      case UV_FS_WRITE: r = fs_write_all(req); break;
      case UV_FS_UNLINK: r = fs_unlink(req); break;
      case UV_FS_STAT:
      case UV_FS_LSTAT:
      case UV_FS_FSTAT: r = fs_stat(req); break;
      default: r = UV_ENOSYS; break;  // not reachable: only the functions above post requests
    }
  } while (r == -EINTR && retry_on_eintr);
  req->result = r;
  bool is_stat = req->fs_type == UV_FS_STAT || req->fs_type == UV_FS_LSTAT ||
                 req->fs_type == UV_FS_FSTAT;
  if (r == 0 && is_stat) req->ptr = &req->statbuf;
}

/** Back on the loop thread: the request is done (or was cancelled); call the callback. */
void fs_done(uv__work* w, int status) noexcept {
  uv_fs_t* req = fs_req_of(w);
  req_unregister(req->loop);
  if (status == UV_ECANCELED) req->result = UV_ECANCELED;
  req->cb(req);
}
// [/docs:fs-work]

}  // namespace

int fs_init(uv_loop_t* loop, uv_fs_t* req, uv_fs_type type, uv_fs_cb cb) noexcept {
  if (req == nullptr) return UV_EINVAL;
  req->type = UV_FS;
  req->fs_type = type;
  req->result = 0;
  req->ptr = nullptr;
  req->loop = loop;
  req->path = nullptr;
  req->new_path = nullptr;
  req->bufs = nullptr;
  req->nbufs = 0;
  req->cb = cb;
  // Not on any queue: uv_cancel() of a synchronous or finished request answers UV_EBUSY.
  req->work_req.work = nullptr;
  queue_init(&req->work_req.wq);
  return 0;
}

int fs_path(uv_fs_t* req, const char* path) noexcept {
  if (path == nullptr) return UV_EINVAL;  // libuv asserts
  if (req->cb == nullptr) {
    req->path = path;
    return 0;
  }
  req->path = strdup(path);
  return req->path == nullptr ? UV_ENOMEM : 0;
}

int fs_bufs(uv_fs_t* req, const uv_buf_t bufs[], unsigned int nbufs) noexcept {
  if (bufs == nullptr || nbufs == 0) return UV_EINVAL;
  req->bufs = req->bufsml;
  if (nbufs > sizeof req->bufsml / sizeof req->bufsml[0]) {
    req->bufs = static_cast<uv_buf_t*>(std::malloc(nbufs * sizeof(uv_buf_t)));
    if (req->bufs == nullptr) return UV_ENOMEM;
  }
  std::memcpy(req->bufs, bufs, nbufs * sizeof(uv_buf_t));
  req->nbufs = nbufs;
  return 0;
}

void fs_free_bufs(uv_fs_t* req) noexcept {
  if (req->bufs != req->bufsml) std::free(req->bufs);
  req->bufs = nullptr;
  req->nbufs = 0;
}

// [docs:fs-post]
int fs_post(uv_loop_t* loop, uv_fs_t* req) noexcept {
  if (req->cb != nullptr) {
    if (loop == nullptr) return UV_EINVAL;  // libuv would crash: no loop to call back on
    req_init(loop, reinterpret_cast<uv_req_t*>(req), UV_FS);  // counts as active
    work_submit(loop, &req->work_req, fs_work, fs_done);
    return 0;
  }
  fs_work(&req->work_req);
  return static_cast<int>(req->result);
}
// [/docs:fs-post]

int fs_post_path(uv_loop_t* loop, uv_fs_t* req, uv_fs_type type, const char* path, uv_fs_cb cb) noexcept {
  int r = fs_init(loop, req, type, cb);
  if (r == 0) r = fs_path(req, path);
  return r < 0 ? r : fs_post(loop, req);
}

int fs_post_file(uv_loop_t* loop, uv_fs_t* req, uv_fs_type type, uv_file file, uv_fs_cb cb) noexcept {
  int r = fs_init(loop, req, type, cb);
  if (r < 0) return r;
  req->file = file;
  return fs_post(loop, req);
}

int fs_post_io(uv_loop_t* loop, uv_fs_t* req, uv_fs_type type, uv_file file, const uv_buf_t bufs[],
               unsigned int nbufs, int64_t off, uv_fs_cb cb) noexcept {
  int r = fs_init(loop, req, type, cb);
  if (r == 0) r = fs_bufs(req, bufs, nbufs);
  if (r < 0) return r;
  req->file = file;
  req->off = off;
  return fs_post(loop, req);
}

}  // namespace uvref::detail

void uv_fs_req_cleanup(uv_fs_t* req) {
  if (req == nullptr) return;
  // Only the asynchronous form copied the path.
  if (req->path != nullptr && req->cb != nullptr) std::free(const_cast<char*>(req->path));
  req->path = nullptr;
  req->new_path = nullptr;
  if (req->bufs != nullptr) uvref::detail::fs_free_bufs(req);
  req->ptr = nullptr;  // statbuf, the only thing ptr points to in uvref, is part of the request
}
