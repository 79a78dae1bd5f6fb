/**
 * @file sleep.cpp
 * @brief uv_sleep(): blocks the calling thread for a number of milliseconds.
 *
 * nanosleep(2), restarted with the remaining time when a signal handler
 * interrupts it, so the thread sleeps at least @p msec however many signals
 * arrive. It blocks everything on this thread, the loop included: use a
 * timer to wait inside a loop.
 *
 * libuv: src/unix/core.c uv_sleep
 *
 * Page: \docpage{api-system}
 */
#include "sys/sys.h"
#include "uv.h"

void uv_sleep(unsigned int msec) {
  timespec left;
  left.tv_sec = msec / 1000;
  left.tv_nsec = static_cast<long>(msec % 1000) * 1000000L;
  while (uvref::sys::nanosleep(&left, &left) == -EINTR) {
  }
}
