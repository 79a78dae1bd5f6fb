/* A C program written for libuv, unchanged: it must build against an installed
 * uvref with `cc hello_loop.c $(pkg-config --cflags --libs uvref)` and run. */
#include <stdio.h>
#include <uv.h>

static int ticks;

static void on_timer(uv_timer_t* t) {
  if (++ticks == 3) uv_close((uv_handle_t*)t, NULL);
}

int main(void) {
  uv_loop_t loop;
  uv_timer_t timer;
  if (uv_loop_init(&loop) != 0) return 1;
  uv_timer_init(&loop, &timer);
  uv_timer_start(&timer, on_timer, 1, 1);
  uv_run(&loop, UV_RUN_DEFAULT);
  int closed = uv_loop_close(&loop);
  printf("ticks=%d uv_loop_close=%d version=%s\n", ticks, closed, uv_version_string());
  return ticks == 3 && closed == 0 ? 0 : 1;
}
