/*
 * loop_trace: the loop-init scenario of the tour, with nothing else in the process.
 *
 * One source, built twice (diagrams/CMakeLists.txt): against uvref, and
 * against Debian's libuv 1.44.2 (/usr/include/uv.h, -luv). Run under strace at
 * build time, the two traces appear side by side on the Part I pages. Unlike
 * the tour, it lists no /proc/self/fd, so every traced system call is the
 * library's own.
 *
 * Scenario: init a loop, run it once with a zero-delay timer (the first run
 * registers the queued signal-pipe and eventfd watchers with epoll_ctl), init
 * a second loop (no second lock pipe), close both.
 */
#include <stdio.h>

#include <uv.h>

static void on_timer(uv_timer_t* timer) { (void)timer; }

static int check(const char* what, int r) {
  if (r != 0) fprintf(stderr, "loop_trace: %s: %s\n", what, uv_strerror(r));
  return r;
}

int main(void) {
  uv_loop_t first, second;
  uv_timer_t timer;
  if (check("uv_loop_init", uv_loop_init(&first))) return 1;
  if (check("uv_timer_init", uv_timer_init(&first, &timer))) return 1;
  if (check("uv_timer_start", uv_timer_start(&timer, on_timer, 0, 0))) return 1;
  if (check("uv_run", uv_run(&first, UV_RUN_DEFAULT))) return 1;
  uv_close((uv_handle_t*)&timer, NULL);
  if (check("uv_run", uv_run(&first, UV_RUN_DEFAULT))) return 1;
  if (check("uv_loop_init", uv_loop_init(&second))) return 1;
  if (check("uv_loop_close", uv_loop_close(&second))) return 1;
  if (check("uv_loop_close", uv_loop_close(&first))) return 1;
  return 0;
}
