/**
 * @file async.cpp
 * @brief uv_async_t: wake the loop from another thread; many sends, one callback.
 *
 * All async handles of a loop share the loop's eventfd (stage 4,
 * loop_init/async_eventfd.cpp). A send marks its handle pending and, if it
 * was not pending already, writes to the eventfd; the loop wakes, reads the
 * eventfd once, and runs the callback of every pending handle.
 *
 * `pending` is a small state machine, changed only with atomic
 * compare-and-exchange:
 *
 *     0 idle  --send-->  1 busy (sender is writing the eventfd)
 *     1 busy  --the same sender, eventfd written-->  2 sent
 *     2 sent  --loop dispatches-->  0 idle  (then the callback runs)
 *
 * The busy state exists for uv_close(): the loop must not finish closing a
 * handle (and the program free it) while another thread is still inside
 * uv_async_send() touching it, so closing waits for "busy" to pass.
 *
 * Coalescing and no loss: a send that finds the handle already pending does
 * nothing, because the callback has not run yet and will see the sender's
 * effects. The loop resets the state to 0 *before* calling the callback, so a
 * send that happens during or after the callback makes the handle pending
 * again: the last send is always followed by a callback.
 *
 * libuv: src/unix/async.c uv_async_init, uv_async_send, uv__async_io, uv__async_spin,
 * uv__async_close
 *
 * Page: \docpage{async}
 */
#include <sched.h>

#include <atomic>

#include "async/async.h"
#include "core/internal.h"
#include "loop_init/stages.h"

namespace uvref::detail {
namespace {

constexpr int kIdle = 0;
constexpr int kBusy = 1;
constexpr int kSent = 2;

std::atomic_ref<int> pending_of(uv_async_t* h) noexcept { return std::atomic_ref<int>(h->pending); }

/**
 * Takes a "sent" handle back to idle. Waits while a sender is busy.
 * Returns the state found: kSent (dispatch the callback) or kIdle (nothing).
 */
int async_spin(uv_async_t* h) noexcept {
  auto pending = pending_of(h);
  for (;;) {
    // A sender sits in the busy state only for one write(): spin briefly, then yield.
    for (int i = 0; i < 1000; ++i) {
      int expected = kSent;
      if (pending.compare_exchange_strong(expected, kIdle, std::memory_order_acq_rel)) return kSent;
      if (expected == kIdle) return kIdle;
    }
    sched_yield();
  }
}

}  // namespace

// [docs:async-io]
void async_io(uv_loop_t* loop, uv__io_t* /*w*/, unsigned int /*events*/) noexcept {
  async_drain(loop);  // one read resets the eventfd however many sends there were

  uv__queue queue;
  queue_move(&loop->async_handles, &queue);
  while (!queue_empty(&queue)) {
    uv__queue* q = queue_head(&queue);
    auto* h = entry<uv_async_t, offsetof(uv_async_t, queue)>(q);
    queue_remove(q);
    queue_insert_tail(&loop->async_handles, q);
    if (async_spin(h) != kSent) continue;  // not pending
    if (h->async_cb) h->async_cb(h);
  }
}
// [/docs:async-io]

void async_close(uv_async_t* h) noexcept {
  async_spin(h);  // no sender may still be inside uv_async_send(h)
  queue_remove(&h->queue);
  handle_stop(reinterpret_cast<uv_handle_t*>(h));
}

}  // namespace uvref::detail

using namespace uvref::detail;

int uv_async_init(uv_loop_t* loop, uv_async_t* handle, uv_async_cb async_cb) {
  int r = async_start(loop);  // the loop's eventfd, made once
  if (r < 0) return r;
  handle_init(loop, reinterpret_cast<uv_handle_t*>(handle), UV_ASYNC);
  handle->async_cb = async_cb;
  handle->pending = kIdle;
  queue_insert_tail(&loop->async_handles, &handle->queue);
  handle_start(reinterpret_cast<uv_handle_t*>(handle));  // active from birth until closed
  return 0;
}

// [docs:async-send]
int uv_async_send(uv_async_t* handle) {
  auto pending = pending_of(handle);
  if (pending.load(std::memory_order_relaxed) != kIdle) return 0;  // cheap check: already pending

  int expected = kIdle;
  if (!pending.compare_exchange_strong(expected, kBusy, std::memory_order_acq_rel)) return 0;

  async_wakeup(handle->loop);  // write 1 to the eventfd

  pending.store(kSent, std::memory_order_release);  // done touching the handle
  return 0;
}
// [/docs:async-send]
