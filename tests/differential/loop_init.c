/*
 * Differential program: what uv_loop_init opens and uv_loop_close returns.
 *
 * Scenarios (argv[1]):
 *   fds   (default) list the descriptors after each step: kind, access mode,
 *         O_NONBLOCK, FD_CLOEXEC and count, for two loops opened and closed;
 *   init  two loops initialised and closed, nothing else (for strace);
 *   run   one loop with one 1 ms timer run to completion, so the loop
 *         registers its internal watchers with epoll_ctl (for strace).
 *
 * Expected (Debian libuv 1.44.2, docs/libuv-facts.md): the first loop
 * opens epoll, the global signal lock pipe (blocking), the loop's signal pipe
 * (non-blocking) and an eventfd: 6 descriptors, all close-on-exec; a second
 * loop adds 4; closing both leaves only the lock pipe.
 */
#include "diff_common.h"

static void on_timer(uv_timer_t* timer) {
  say("timer fired, loop alive %d", uv_loop_alive(timer->loop));
}

static void scenario_fds(void) {
  uv_loop_t a, b;
  diff_list_fds("before uv_loop_init");
  say("uv_loop_init(a) = %s", diff_err(uv_loop_init(&a)));
  diff_list_fds("after the first uv_loop_init");
  say("uv_backend_fd(a) = fd:%d", uv_backend_fd(&a));
  say("uv_loop_init(b) = %s", diff_err(uv_loop_init(&b)));
  diff_list_fds("after the second uv_loop_init");
  say("uv_backend_fd(b) = fd:%d", uv_backend_fd(&b));
  say("uv_loop_close(a) = %s", diff_err(uv_loop_close(&a)));
  diff_list_fds("after uv_loop_close(a)");
  say("uv_loop_close(b) = %s", diff_err(uv_loop_close(&b)));
  diff_list_fds("after uv_loop_close(b)");
}

static void scenario_init(void) {
  uv_loop_t a, b;
  say("uv_loop_init(a) = %s", diff_err(uv_loop_init(&a)));
  say("uv_loop_init(b) = %s", diff_err(uv_loop_init(&b)));
  say("uv_loop_close(a) = %s", diff_err(uv_loop_close(&a)));
  say("uv_loop_close(b) = %s", diff_err(uv_loop_close(&b)));
  say("descriptors left %d", diff_count_fds());
}

static void scenario_run(void) {
  uv_loop_t loop;
  uv_timer_t timer;
  say("uv_loop_init = %s", diff_err(uv_loop_init(&loop)));
  say("uv_timer_init = %s", diff_err(uv_timer_init(&loop, &timer)));
  say("uv_timer_start = %s", diff_err(uv_timer_start(&timer, on_timer, 1, 0)));
  say("uv_run = %s", diff_err(uv_run(&loop, UV_RUN_DEFAULT)));
  uv_close((uv_handle_t*)&timer, NULL);
  say("uv_run after close = %s", diff_err(uv_run(&loop, UV_RUN_DEFAULT)));
  say("uv_loop_close = %s", diff_err(uv_loop_close(&loop)));
  say("descriptors left %d", diff_count_fds());
}

int main(int argc, char** argv) {
  const char* scenario = argc > 1 ? argv[1] : "fds";
  diff_start();
  if (strcmp(scenario, "fds") == 0)
    scenario_fds();
  else if (strcmp(scenario, "init") == 0)
    scenario_init();
  else if (strcmp(scenario, "run") == 0)
    scenario_run();
  else {
    fprintf(stderr, "unknown scenario %s\n", scenario);
    return 2;
  }
  diff_done();
  return 0;
}
