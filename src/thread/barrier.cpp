/**
 * @file barrier.cpp
 * @brief uv_barrier_*: a pthread barrier; uv_barrier_wait() returns 1 in exactly one of the threads.
 *
 * Each of `count` threads calls uv_barrier_wait(); all block until the last
 * arrives, then all go on. pthreads returns PTHREAD_BARRIER_SERIAL_THREAD
 * to one of them, which libuv turns into 1 (0 for the others): that thread
 * may, say, destroy the barrier. uv_barrier_init() with a count of 0 is
 * UV_EINVAL.
 *
 * libuv: src/unix/thread.c uv_barrier_init, uv_barrier_wait
 *
 * Page: \docpage{api-thread}
 */
#include "thread/thread_check.h"
#include "uv.h"

using uvref::detail::thread_check;

int uv_barrier_init(uv_barrier_t* barrier, unsigned int count) {
  return -pthread_barrier_init(barrier, nullptr, count);
}

int uv_barrier_wait(uv_barrier_t* barrier) {
  int r = pthread_barrier_wait(barrier);
  if (r == PTHREAD_BARRIER_SERIAL_THREAD) return 1;
  thread_check(r, "uv_barrier_wait");
  return 0;
}

void uv_barrier_destroy(uv_barrier_t* barrier) {
  thread_check(pthread_barrier_destroy(barrier), "uv_barrier_destroy");
}
