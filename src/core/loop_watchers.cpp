/**
 * @file loop_watchers.cpp
 * @brief Idle, prepare and check handles: callbacks at fixed points of every loop iteration.
 *
 * The three types are the same mechanism at three places in uv_run():
 * idle and prepare run before the poll, check right after it. Each active
 * handle sits on a list of the loop (loop->idle_handles...). libuv stamps
 * the code out three times with a macro; here one template does it, given
 * the type, its callback field and its list.
 *
 * As in libuv, start inserts at the head of the list, so handles run newest
 * first. An active idle handle also makes the poll not block (uv_backend_timeout).
 *
 * libuv: src/unix/loop-watcher.c UV_LOOP_WATCHER_DEFINE
 *
 * Page: \docpage{core-run}
 */
#include "core/internal.h"

namespace uvref::detail {
namespace {

/** One watcher kind: T is the handle struct, Cb its callback type. */
template <typename T, typename Cb, uv_handle_type Type, Cb T::*Callback, uv__queue uv_loop_t::*List>
struct LoopWatcher {
  static int init(uv_loop_t* loop, T* h) noexcept {
    handle_init(loop, reinterpret_cast<uv_handle_t*>(h), Type);
    h->*Callback = nullptr;
    queue_init(&h->queue);
    return 0;
  }

  static int start(T* h, Cb cb) noexcept {
    if (handle_is_active(reinterpret_cast<uv_handle_t*>(h))) return 0;
    if (cb == nullptr) return UV_EINVAL;
    queue_insert_head(&(h->loop->*List), &h->queue);
    h->*Callback = cb;
    handle_start(reinterpret_cast<uv_handle_t*>(h));
    return 0;
  }

  static int stop(T* h) noexcept {
    if (!handle_is_active(reinterpret_cast<uv_handle_t*>(h))) return 0;
    queue_remove(&h->queue);
    handle_stop(reinterpret_cast<uv_handle_t*>(h));
    return 0;
  }

  // [docs:loop-watcher-run]
  static void run(uv_loop_t* loop) noexcept {
    // Move the list aside: a callback may stop itself or start another handle.
    uv__queue queue;
    queue_move(&(loop->*List), &queue);
    while (!queue_empty(&queue)) {
      uv__queue* q = queue_head(&queue);
      T* h = entry<T, offsetof(T, queue)>(q);
      queue_remove(q);
      queue_insert_tail(&(loop->*List), q);
      (h->*Callback)(h);
    }
  }
  // [/docs:loop-watcher-run]
};

using Idle = LoopWatcher<uv_idle_t, uv_idle_cb, UV_IDLE, &uv_idle_t::idle_cb, &uv_loop_t::idle_handles>;
using Prepare = LoopWatcher<uv_prepare_t, uv_prepare_cb, UV_PREPARE, &uv_prepare_t::prepare_cb,
                            &uv_loop_t::prepare_handles>;
using Check = LoopWatcher<uv_check_t, uv_check_cb, UV_CHECK, &uv_check_t::check_cb,
                          &uv_loop_t::check_handles>;

}  // namespace

void run_idle(uv_loop_t* loop) noexcept { Idle::run(loop); }
void run_prepare(uv_loop_t* loop) noexcept { Prepare::run(loop); }
void run_check(uv_loop_t* loop) noexcept { Check::run(loop); }
void idle_close(uv_idle_t* h) noexcept { Idle::stop(h); }
void prepare_close(uv_prepare_t* h) noexcept { Prepare::stop(h); }
void check_close(uv_check_t* h) noexcept { Check::stop(h); }

}  // namespace uvref::detail

using namespace uvref::detail;

int uv_idle_init(uv_loop_t* loop, uv_idle_t* h) { return Idle::init(loop, h); }
int uv_idle_start(uv_idle_t* h, uv_idle_cb cb) { return Idle::start(h, cb); }
int uv_idle_stop(uv_idle_t* h) { return Idle::stop(h); }
int uv_prepare_init(uv_loop_t* loop, uv_prepare_t* h) { return Prepare::init(loop, h); }
int uv_prepare_start(uv_prepare_t* h, uv_prepare_cb cb) { return Prepare::start(h, cb); }
int uv_prepare_stop(uv_prepare_t* h) { return Prepare::stop(h); }
int uv_check_init(uv_loop_t* loop, uv_check_t* h) { return Check::init(loop, h); }
int uv_check_start(uv_check_t* h, uv_check_cb cb) { return Check::start(h, cb); }
int uv_check_stop(uv_check_t* h) { return Check::stop(h); }
