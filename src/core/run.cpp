/**
 * @file run.cpp
 * @brief uv_run(): one loop iteration is seven phases, always in the same order.
 *
 *     timers → pending → idle → prepare → poll (I/O) → check → closing
 *
 *  - timers: callbacks of timers whose time has come;
 *  - pending: I/O callbacks deferred from the previous iteration (io_feed);
 *  - idle, prepare: user hooks; an active idle handle makes poll not block;
 *  - poll: epoll_wait() for at most uv_backend_timeout() ms, then I/O callbacks,
 *    then up to 8 more pending passes for what those callbacks deferred;
 *  - check: user hooks, right after I/O;
 *  - closing: close callbacks of handles passed to uv_close().
 *
 * The pending passes after the poll are libuv 1.44's (they came in 1.44.0,
 * libuv PR 3598): a write that completes inside an I/O callback defers its
 * write_cb with io_feed(); running it in the same iteration lets that
 * callback submit the next write at once, instead of costing one more
 * epoll_wait(timeout 0) per batch of completed writes (pump: an epoll_wait
 * every 4 writes without them, every ~30 with them). The bound of 8 keeps a
 * callback that always writes again from starving the other phases.
 *
 * Whether UV_RUN_ONCE may sleep in the poll is decided *before* the pending
 * and idle phases run, as libuv 1.44 does: if either had work, the poll does
 * not block, even when an idle callback stopped the last idle handle. This
 * is what makes "UV_RUN_ONCE returns after at least one callback" cheap: the
 * idle callback was that callback, so waiting for I/O or a far-away timer
 * would only delay the return (and with nothing else to wait for, block for
 * ever). UV_RUN_DEFAULT asks backend_timeout() after the phases instead: it
 * loops anyway, so sleeping until the next event is right. UV_RUN_NOWAIT
 * never sleeps.
 *
 * UV_RUN_ONCE also runs due timers after the poll, so that a loop that slept
 * until a timer fires it in the same call.
 *
 * libuv: src/unix/core.c uv_run, uv_backend_timeout, uv__run_closing_handles
 *
 * Page: \docpage{core-run}
 */
#include <climits>

#include "core/hooks.h"
#include "core/internal.h"

namespace uvref::detail {
namespace {

constexpr int kPendingPassesAfterPoll = 8;  // libuv 1.44's bound; see the file comment

/** Runs the watchers that io_feed() deferred. Returns true if there were any. */
bool run_pending(uv_loop_t* loop) noexcept {
  if (queue_empty(&loop->pending_queue)) return false;
  uv__queue pq;
  queue_move(&loop->pending_queue, &pq);
  while (!queue_empty(&pq)) {
    uv__queue* q = queue_head(&pq);
    queue_remove(q);
    auto* w = entry<uv__io_t, offsetof(uv__io_t, pending_queue)>(q);
    w->cb(loop, w, kPollOut);
  }
  return true;
}

void finish_close(uv_handle_t* h) noexcept {
  h->flags |= kClosed;
  finish_close_by_type(h);
  handle_unref(h);
  queue_remove(&h->handle_queue);
  if (h->close_cb) h->close_cb(h);
}

void run_closing_handles(uv_loop_t* loop) noexcept {
  uv_handle_t* p = loop->closing_handles;
  loop->closing_handles = nullptr;
  while (p) {
    uv_handle_t* next = p->next_closing;
    finish_close(p);
    p = next;
  }
}

bool has_active_handles(const uv_loop_t* loop) noexcept { return loop->active_handles > 0; }
bool has_active_reqs(const uv_loop_t* loop) noexcept { return loop->active_reqs.count > 0; }

}  // namespace
}  // namespace uvref::detail

using namespace uvref::detail;

int uv_backend_fd(const uv_loop_t* loop) { return loop->backend_fd; }

namespace uvref::detail {

/** How long the poll may sleep: 0 if anything is due now, -1 forever, else ms to the next timer. */
// [docs:run-backend-timeout]
int backend_timeout(const uv_loop_t* loop) noexcept {
  if (loop->stop_flag != 0) return 0;
  if (!has_active_handles(loop) && !has_active_reqs(loop)) return 0;
  if (!queue_empty(&loop->pending_queue)) return 0;
  if (!queue_empty(&loop->idle_handles)) return 0;
  if (loop->closing_handles) return 0;
  return next_timeout(loop);
}
// [/docs:run-backend-timeout]

}  // namespace uvref::detail

int uv_backend_timeout(const uv_loop_t* loop) {
  // A program that polls uv_backend_fd() itself must call uv_run() first if
  // registrations are still queued: only uv_run() applies them to epoll.
  if (!queue_empty(&loop->watcher_queue)) return 0;
  return backend_timeout(loop);
}

// [docs:uv-run]
int uv_run(uv_loop_t* loop, uv_run_mode mode) {
  int alive = uv_loop_alive(loop);
  if (!alive) update_time(loop);

  while (alive && loop->stop_flag == 0) {
    update_time(loop);
    run_timers(loop);
    // [docs:run-poll-timeout]
    // Decided before the callbacks run: see the file comment.
    bool can_sleep = queue_empty(&loop->pending_queue) && queue_empty(&loop->idle_handles);
    run_pending(loop);
    run_idle(loop);
    run_prepare(loop);

    int timeout = 0;  // UV_RUN_NOWAIT never blocks
    if ((mode == UV_RUN_ONCE && can_sleep) || mode == UV_RUN_DEFAULT)
      timeout = backend_timeout(loop);
    // [/docs:run-poll-timeout]
    io_poll(loop, timeout);

    // [docs:run-pending-passes]
    // Callbacks deferred during the poll (write_cb of a write that finished
    // at once), a bounded number of times. libuv: uv_run (since 1.44.0)
    for (int pass = 0; pass < kPendingPassesAfterPoll; ++pass) {
      if (!run_pending(loop)) break;
    }
    // [/docs:run-pending-passes]

    run_check(loop);
    run_closing_handles(loop);

    // [docs:run-once-timers]
    if (mode == UV_RUN_ONCE) {
      update_time(loop);  // the poll may have slept until a timer was due
      run_timers(loop);
    }
    // [/docs:run-once-timers]
    alive = uv_loop_alive(loop);
    if (mode == UV_RUN_ONCE || mode == UV_RUN_NOWAIT) break;
  }

  loop->stop_flag = 0;  // uv_stop() affects one uv_run() call
  return alive;
}
// [/docs:uv-run]

void uv_stop(uv_loop_t* loop) { loop->stop_flag = 1; }
