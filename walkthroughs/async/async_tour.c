/*
 * async_tour.c: three uv_async_send() calls from another thread, one eventfd
 * write, one callback; small enough to step through in GDB
 * (walkthroughs/async/async.gdb).
 *
 *   1. a loop and an async handle (the loop's eventfd was made by uv_loop_init);
 *   2. a thread calls uv_async_send() three times, then ends. Only the first
 *      send writes to the eventfd: the other two find the handle already
 *      pending and return at once;
 *   3. uv_run(): epoll reports the eventfd readable, the loop reads its
 *      counter (1) and runs on_async once for the three sends.
 *
 * The thread is joined before uv_run(), so all three sends happen before the
 * loop looks: the coalescing is certain, not a race that usually goes one way.
 * Descriptors inherited from the shell or the debugger are closed first, so
 * the loop's descriptors get the same numbers on every machine (3 to 8).
 * Written against libuv's API: it builds against Debian's libuv as well.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#include <uv.h>

static uv_loop_t loop;
static uv_async_t wakeup;
static int callbacks;

static void* sender(void* arg) {
  (void)arg;
  for (int i = 0; i < 3; i++) uv_async_send(&wakeup);
  return NULL;
}

static void on_async(uv_async_t* handle) {
  callbacks++;
  printf("on_async: callback %d\n", callbacks);
  uv_close((uv_handle_t*)handle, NULL);
}

int main(void) {
  pthread_t thread;
  close_range(3, ~0U, 0); /* numbering starts at 3 wherever the program runs */
  if (uv_loop_init(&loop) != 0) return 1;
  uv_async_init(&loop, &wakeup, on_async);

  pthread_create(&thread, NULL, sender, NULL);
  pthread_join(thread, NULL); /* three sends done, none seen by the loop yet */

  uv_run(&loop, UV_RUN_DEFAULT);
  int closed = uv_loop_close(&loop);
  printf("%d callback(s) for 3 sends, uv_loop_close %d\n", callbacks, closed);
  return callbacks == 1 && closed == 0 ? 0 : 1;
}
