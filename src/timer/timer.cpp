/**
 * @file timer.cpp
 * @brief Timers: uv_timer_start/stop/again and the timer phase of uv_run().
 *
 * A timer is due when `loop->time >= timeout`. uv_timer_start() turns the
 * relative timeout into an absolute one against the cached loop time
 * (uv_now(), not the clock), and stamps it with a start order for ties. The
 * timer phase pops every due timer; a repeating timer is restarted before its
 * callback runs, from the loop time of this iteration, so it does not drift
 * by the callback's duration. The next poll sleeps until the earliest timer.
 *
 * libuv: src/timer.c uv_timer_start, uv_timer_stop, uv_timer_again, uv__run_timers,
 * uv__next_timeout
 *
 * Page: \docpage{core-timers}
 */
#include <climits>

#include "core/hooks.h"
#include "core/internal.h"
#include "timer/timer.h"
#include "timer/timer_heap.h"

using namespace uvref::detail;

int uv_timer_init(uv_loop_t* loop, uv_timer_t* handle) {
  handle_init(loop, reinterpret_cast<uv_handle_t*>(handle), UV_TIMER);
  handle->timer_cb = nullptr;
  handle->timeout = 0;
  handle->repeat = 0;
  handle->start_id = 0;
  handle->heap_index = 0;
  return 0;
}

// [docs:timer-start]
int uv_timer_start(uv_timer_t* handle, uv_timer_cb cb, uint64_t timeout, uint64_t repeat) {
  if (uv_is_closing(reinterpret_cast<uv_handle_t*>(handle)) || cb == nullptr) return UV_EINVAL;
  if (handle_is_active(reinterpret_cast<uv_handle_t*>(handle))) uv_timer_stop(handle);

  uint64_t due = handle->loop->time + timeout;
  if (due < timeout) due = UINT64_MAX;  // saturate instead of wrapping into the past

  handle->timer_cb = cb;
  handle->timeout = due;
  handle->repeat = repeat;
  handle->start_id = handle->loop->timer_counter++;  // tie-breaker: start order

  int r = timer_heap_insert(handle->loop, handle);
  if (r < 0) return r;
  handle_start(reinterpret_cast<uv_handle_t*>(handle));
  return 0;
}
// [/docs:timer-start]

int uv_timer_stop(uv_timer_t* handle) {
  if (!handle_is_active(reinterpret_cast<uv_handle_t*>(handle))) return 0;
  timer_heap_remove(handle->loop, handle);
  handle_stop(reinterpret_cast<uv_handle_t*>(handle));
  return 0;
}

int uv_timer_again(uv_timer_t* handle) {
  if (handle->timer_cb == nullptr) return UV_EINVAL;  // never started
  if (handle->repeat) {
    uv_timer_stop(handle);
    return uv_timer_start(handle, handle->timer_cb, handle->repeat, handle->repeat);
  }
  return 0;
}

void uv_timer_set_repeat(uv_timer_t* handle, uint64_t repeat) { handle->repeat = repeat; }
uint64_t uv_timer_get_repeat(const uv_timer_t* handle) { return handle->repeat; }

uint64_t uv_timer_get_due_in(const uv_timer_t* handle) {
  if (handle->loop->time >= handle->timeout) return 0;
  return handle->timeout - handle->loop->time;
}

namespace uvref::detail {

// [docs:run-timers]
void run_timers(uv_loop_t* loop) noexcept {
  // Timers (re)started by a callback of this phase wait for the next
  // iteration: otherwise a callback that restarts its timer with timeout 0
  // would keep this loop spinning forever (libuv 1.44 does; later libuv
  // collects the due timers first for the same reason). Such a timer has a
  // start_id >= limit, and it can only reach the heap's top once every
  // older due timer has fired, because ties go to the smaller start_id.
  const uint64_t limit = loop->timer_counter;
  for (;;) {
    uv_timer_t* t = timer_heap_min(loop);
    if (t == nullptr || t->timeout > loop->time || t->start_id >= limit) break;
    uv_timer_stop(t);
    uv_timer_again(t);  // a repeating timer goes back into the heap before its callback
    t->timer_cb(t);
  }
}
// [/docs:run-timers]

int next_timeout(const uv_loop_t* loop) noexcept {
  const uv_timer_t* t = timer_heap_min(loop);
  if (t == nullptr) return -1;  // no timer: block until I/O
  if (t->timeout <= loop->time) return 0;
  uint64_t diff = t->timeout - loop->time;
  return diff > INT_MAX ? INT_MAX : static_cast<int>(diff);
}

void timer_close(uv_timer_t* h) noexcept { uv_timer_stop(h); }

}  // namespace uvref::detail
