/**
 * @file cond.cpp
 * @brief uv_cond_*: pthread condition variables on CLOCK_MONOTONIC, with a relative timed wait.
 *
 * uv_cond_timedwait() takes a timeout in nanoseconds from now; pthreads
 * wants an absolute deadline on the condition variable's clock. With the
 * default clock (CLOCK_REALTIME) a wall-clock change (NTP, an administrator)
 * would shorten or stretch the wait, so uv_cond_init() selects
 * CLOCK_MONOTONIC, the clock uv_hrtime() reads, and the deadline is
 * uv_hrtime() + timeout. Returns 0 when signalled (or woken spuriously: as
 * with any condition variable, the caller re-checks its predicate) and
 * UV_ETIMEDOUT when the deadline passed.
 *
 * libuv: src/unix/thread.c uv_cond_init, uv_cond_timedwait
 *
 * Page: \docpage{api-thread}
 */
#include <cerrno>
#include <ctime>

#include "thread/thread_check.h"
#include "uv.h"

using uvref::detail::thread_check;

int uv_cond_init(uv_cond_t* cond) {
  pthread_condattr_t attr;
  int err = pthread_condattr_init(&attr);
  if (err != 0) return -err;
  err = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  if (err == 0) err = pthread_cond_init(cond, &attr);
  pthread_condattr_destroy(&attr);
  return -err;
}

void uv_cond_destroy(uv_cond_t* cond) { thread_check(pthread_cond_destroy(cond), "uv_cond_destroy"); }
void uv_cond_signal(uv_cond_t* cond) { thread_check(pthread_cond_signal(cond), "uv_cond_signal"); }
void uv_cond_broadcast(uv_cond_t* cond) { thread_check(pthread_cond_broadcast(cond), "uv_cond_broadcast"); }
void uv_cond_wait(uv_cond_t* cond, uv_mutex_t* mutex) { thread_check(pthread_cond_wait(cond, mutex), "uv_cond_wait"); }

// [docs:cond-timedwait]
int uv_cond_timedwait(uv_cond_t* cond, uv_mutex_t* mutex, uint64_t timeout) {
  constexpr uint64_t kNanosPerSecond = 1000000000;
  uint64_t deadline = uv_hrtime() + timeout;
  timespec ts;
  ts.tv_sec = static_cast<time_t>(deadline / kNanosPerSecond);
  ts.tv_nsec = static_cast<long>(deadline % kNanosPerSecond);
  int err = pthread_cond_timedwait(cond, mutex, &ts);
  if (err == ETIMEDOUT) return UV_ETIMEDOUT;
  thread_check(err, "uv_cond_timedwait");
  return 0;
}
// [/docs:cond-timedwait]
