/**
 * @file time.cpp
 * @brief Loop time: a cached millisecond clock, refreshed once per iteration.
 *
 * Timers compare against `loop->time`, not the clock, so that every callback
 * of one iteration sees the same "now" and a burst of timer starts does not
 * cost a clock read each. CLOCK_MONOTONIC never jumps when the wall clock is
 * set; clock_gettime() is served by the vDSO, so it makes no syscall.
 *
 * libuv: src/unix/core.c uv_hrtime, uv_update_time; src/uv-common.c uv_now,
 * src/unix/linux-core.c uv__hrtime
 */
#include <time.h>

#include "core/internal.h"

namespace uvref::detail {

uint64_t hrtime_ns() noexcept {
  timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<uint64_t>(t.tv_sec) * 1000000000u + static_cast<uint64_t>(t.tv_nsec);
}

}  // namespace uvref::detail

uint64_t uv_hrtime(void) { return uvref::detail::hrtime_ns(); }
uint64_t uv_now(const uv_loop_t* loop) { return loop->time; }
void uv_update_time(uv_loop_t* loop) { uvref::detail::update_time(loop); }
