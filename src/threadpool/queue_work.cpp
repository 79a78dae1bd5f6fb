/**
 * @file queue_work.cpp
 * @brief uv_queue_work() and uv_cancel(): the public face of the thread pool.
 *
 * A uv_work_t is a request: from uv_queue_work() until its after_work_cb
 * runs, it counts as active and keeps uv_run() from returning.
 *
 * libuv: src/threadpool.c uv_queue_work, uv__queue_work, uv__queue_done, uv_cancel
 *
 * uv_cancel() also takes an asynchronous uv_fs_t still waiting for a pool thread.
 *
 * Page: \docpage{threadpool}
 */
#include "core/internal.h"
#include "threadpool/threadpool.h"

using namespace uvref::detail;

namespace {

uv_work_t* work_req_of(uv__work* w) noexcept {
  return reinterpret_cast<uv_work_t*>(reinterpret_cast<char*>(w) - offsetof(uv_work_t, work_req));
}

void queue_work_run(uv__work* w) noexcept {
  uv_work_t* req = work_req_of(w);
  req->work_cb(req);
}

void queue_work_done(uv__work* w, int status) noexcept {
  uv_work_t* req = work_req_of(w);
  req_unregister(req->loop);
  if (req->after_work_cb) req->after_work_cb(req, status);
}

}  // namespace

int uv_queue_work(uv_loop_t* loop, uv_work_t* req, uv_work_cb work_cb, uv_after_work_cb after_work_cb) {
  if (work_cb == nullptr) return UV_EINVAL;
  req_init(loop, reinterpret_cast<uv_req_t*>(req), UV_WORK);
  req->loop = loop;
  req->work_cb = work_cb;
  req->after_work_cb = after_work_cb;
  work_submit(loop, &req->work_req, queue_work_run, queue_work_done);
  return 0;
}

int uv_cancel(uv_req_t* req) {
  switch (req->type) {
    case UV_WORK: {
      auto* work = reinterpret_cast<uv_work_t*>(req);
      return work_cancel(work->loop, &work->work_req);
    }
    case UV_FS: {  // only the asynchronous form ever waits in the pool
      auto* fs = reinterpret_cast<uv_fs_t*>(req);
      if (fs->cb == nullptr) return UV_EBUSY;  // synchronous: finished when the call returned
      return work_cancel(fs->loop, &fs->work_req);
    }
    default: return UV_EINVAL;  // dns, random: not in uvref
  }
}
