/*
 * Differential program: uv_run modes, timer order, loop phases.
 *
 * Prints the sequence of callbacks and return values for: uv_run on an empty
 * loop in each mode; timers with equal timeouts (run in start order) and with
 * different ones (run in due order); uv_timer_again/set_repeat/stop; a timer
 * that calls uv_stop; unref'd handles; uv_backend_timeout in each situation;
 * idle, prepare and check callbacks relative to timers (libuv's phase order:
 * timers, pending, idle, prepare, poll, check, closing); close callbacks of
 * several handles closed together; uv_walk; and uv_loop_close with a live
 * handle (UV_EBUSY), then after everything is closed.
 *
 * Times are never printed, only orders and comparisons, so the output is the
 * same on a loaded machine.
 */
#include "diff_common.h"

static uv_loop_t loop;

static const char* name_of(const void* h) { return (const char*)((const uv_handle_t*)h)->data; }

static void on_timer(uv_timer_t* t) { say("  timer %s", name_of(t)); }

static void on_close(uv_handle_t* h) { say("  close %s", name_of(h)); }

static int stop_after;
static void on_repeat(uv_timer_t* t) {
  say("  repeat %s (%d left)", name_of(t), --stop_after);
  if (stop_after == 0) {
    say("  uv_stop");
    uv_stop(t->loop);
  }
}

static int idle_left;
static uv_idle_t idle;
static uv_prepare_t prepare;
static uv_check_t check;
static void on_idle(uv_idle_t* h) {
  say("  idle");
  if (--idle_left == 0) uv_idle_stop(h);
}
static void on_prepare(uv_prepare_t* h) { (void)h; say("  prepare"); }
static void on_check(uv_check_t* h) { (void)h; say("  check"); }
static void on_phase_timer(uv_timer_t* t) { say("  timer %s (idle active %d)", name_of(t), uv_is_active((uv_handle_t*)&idle)); }

static void on_walk(uv_handle_t* h, void* arg) {
  (void)arg;
  say("  walk %s %s active=%d closing=%d ref=%d", uv_handle_type_name(h->type), name_of(h),
      uv_is_active(h), uv_is_closing(h), uv_has_ref(h));
}

static const char* mode_name(uv_run_mode m) {
  return m == UV_RUN_DEFAULT ? "DEFAULT" : m == UV_RUN_ONCE ? "ONCE" : "NOWAIT";
}

static void empty_loop(void) {
  say("empty loop:");
  say("  uv_loop_alive = %d", uv_loop_alive(&loop));
  say("  uv_backend_timeout = %d", uv_backend_timeout(&loop));
  uv_run_mode modes[] = {UV_RUN_DEFAULT, UV_RUN_ONCE, UV_RUN_NOWAIT};
  for (int i = 0; i < 3; i++) say("  uv_run(%s) = %d", mode_name(modes[i]), uv_run(&loop, modes[i]));
}

static void timer_order(void) {
  uv_timer_t t[6];
  const char* names[] = {"a", "b", "c", "d", "e", "f"};
  const uint64_t timeouts[] = {5, 5, 5, 0, 10, 1};
  for (int i = 0; i < 6; i++) {
    CHECK(uv_timer_init(&loop, &t[i]) == 0);
    t[i].data = (void*)names[i];
  }
  /* libuv answers 0 while watchers wait to be registered with epoll (the
   * loop's own signal pipe and eventfd, until the first poll). */
  say("one 50 ms timer, before the loop has ever polled:");
  uint64_t started = uv_now(&loop);
  CHECK(uv_timer_start(&t[4], on_timer, 50, 0) == 0);
  say("  uv_backend_timeout = %d", uv_backend_timeout(&loop));
  say("  uv_timer_get_due_in = %llu", (unsigned long long)uv_timer_get_due_in(&t[4]));
  say("  uv_run(NOWAIT) = %d", uv_run(&loop, UV_RUN_NOWAIT));
  /* Both answers come from the loop's cached time, so this holds exactly
   * however long the poll took on a loaded machine. */
  int64_t left = 50 - (int64_t)(uv_now(&loop) - started);
  int bt = uv_backend_timeout(&loop);
  say("  after one poll: uv_backend_timeout == 50 - (uv_now advance): %d", bt == (left > 0 ? left : 0));
  say("timer order (started a..f with 5, 5, 5, 0, 10, 1 ms):");
  for (int i = 0; i < 6; i++) CHECK(uv_timer_start(&t[i], on_timer, timeouts[i], 0) == 0);
  say("  uv_backend_timeout = %d", uv_backend_timeout(&loop));
  say("  uv_loop_alive = %d", uv_loop_alive(&loop));
  say("  uv_run(DEFAULT) = %d", uv_run(&loop, UV_RUN_DEFAULT));
  say("  uv_loop_alive = %d", uv_loop_alive(&loop));
  say("  uv_backend_timeout = %d", uv_backend_timeout(&loop));

  say("equal timeouts, restarted in order c, a, b (2 ms):");
  uv_timer_start(&t[2], on_timer, 2, 0);
  uv_timer_start(&t[0], on_timer, 2, 0);
  uv_timer_start(&t[1], on_timer, 2, 0);
  say("  uv_run(DEFAULT) = %d", uv_run(&loop, UV_RUN_DEFAULT));

  say("a, b, then a again (2 ms):");
  uv_timer_start(&t[0], on_timer, 2, 0);
  uv_timer_start(&t[1], on_timer, 2, 0);
  uv_timer_start(&t[0], on_timer, 2, 0);
  say("  uv_run(DEFAULT) = %d", uv_run(&loop, UV_RUN_DEFAULT));

  /* a must not be due before the poll, or ONCE would block until b (both
     libraries poll with the next timer's distance even after running timers):
     refresh the loop time and give a enough slack for a loaded machine. */
  say("uv_run(ONCE) with timers a of 200 ms and b of 1 hour:");
  uv_update_time(&loop);
  uv_timer_start(&t[0], on_timer, 200, 0);
  uv_timer_start(&t[1], on_timer, 3600 * 1000, 0);
  say("  uv_run(ONCE) = %d", uv_run(&loop, UV_RUN_ONCE));
  say("  uv_is_active(b) = %d", uv_is_active((uv_handle_t*)&t[1]));
  say("  uv_run(NOWAIT) = %d", uv_run(&loop, UV_RUN_NOWAIT));
  say("  uv_timer_stop(b) = %d", uv_timer_stop(&t[1]));
  say("  uv_timer_stop(b) again = %d", uv_timer_stop(&t[1]));
  say("  uv_run(NOWAIT) = %d", uv_run(&loop, UV_RUN_NOWAIT));

  say("timer API edges:");
  say("  uv_timer_again(never repeating a) = %s", diff_err(uv_timer_again(&t[0])));
  say("  uv_timer_start(a, NULL cb) = %s", diff_err(uv_timer_start(&t[0], NULL, 1, 0)));
  uv_timer_set_repeat(&t[0], 7);
  say("  uv_timer_get_repeat(a) = %llu", (unsigned long long)uv_timer_get_repeat(&t[0]));
  say("  uv_timer_again(a, repeat 7, not started) = %s", diff_err(uv_timer_again(&t[0])));
  say("  uv_is_active(a) = %d", uv_is_active((uv_handle_t*)&t[0]));
  say("  uv_timer_get_due_in(a) = %llu", (unsigned long long)uv_timer_get_due_in(&t[0]));
  uv_timer_stop(&t[0]);
  say("  uv_timer_get_due_in(stopped a) = %llu", (unsigned long long)uv_timer_get_due_in(&t[0]));
  uv_timer_set_repeat(&t[0], 0);

  say("repeating timer that calls uv_stop on its third run:");
  stop_after = 3;
  uv_timer_start(&t[0], on_repeat, 1, 1);
  say("  uv_run(DEFAULT) = %d", uv_run(&loop, UV_RUN_DEFAULT));
  say("  uv_loop_alive = %d", uv_loop_alive(&loop));
  uv_timer_stop(&t[0]);

  say("unref'd timer:");
  uv_timer_start(&t[0], on_timer, 1, 0);
  uv_unref((uv_handle_t*)&t[0]);
  say("  uv_has_ref = %d uv_loop_alive = %d", uv_has_ref((uv_handle_t*)&t[0]), uv_loop_alive(&loop));
  say("  uv_run(DEFAULT) = %d", uv_run(&loop, UV_RUN_DEFAULT));
  uv_ref((uv_handle_t*)&t[0]);
  say("  uv_has_ref after uv_ref = %d uv_loop_alive = %d", uv_has_ref((uv_handle_t*)&t[0]),
      uv_loop_alive(&loop));
  say("  uv_run(DEFAULT) = %d", uv_run(&loop, UV_RUN_DEFAULT));

  say("uv_walk:");
  uv_timer_start(&t[1], on_timer, 1000, 0);
  uv_unref((uv_handle_t*)&t[2]);
  uv_walk(&loop, on_walk, NULL);

  say("uv_loop_close with an active timer = %s", diff_err(uv_loop_close(&loop)));
  say("closing all six:");
  for (int i = 0; i < 6; i++) uv_close((uv_handle_t*)&t[i], on_close);
  say("  uv_is_closing(a) = %d uv_is_active(b) = %d", uv_is_closing((uv_handle_t*)&t[0]),
      uv_is_active((uv_handle_t*)&t[1]));
  say("  uv_loop_alive = %d", uv_loop_alive(&loop));
  say("  uv_backend_timeout = %d", uv_backend_timeout(&loop));
  uv_walk(&loop, on_walk, NULL);
  say("  uv_run(NOWAIT) = %d", uv_run(&loop, UV_RUN_NOWAIT));
  say("  uv_loop_alive = %d", uv_loop_alive(&loop));
}

static void phases(void) {
  uv_timer_t t;
  say("phases (idle runs 3 times, prepare and check always, a 0 ms timer):");
  CHECK(uv_idle_init(&loop, &idle) == 0);
  CHECK(uv_prepare_init(&loop, &prepare) == 0);
  CHECK(uv_check_init(&loop, &check) == 0);
  CHECK(uv_timer_init(&loop, &t) == 0);
  idle.data = (void*)"idle";
  prepare.data = (void*)"prepare";
  check.data = (void*)"check";
  t.data = (void*)"t";
  say("  uv_idle_start(NULL cb) = %s", diff_err(uv_idle_start(&idle, NULL)));
  idle_left = 3;
  uv_idle_start(&idle, on_idle);
  uv_prepare_start(&prepare, on_prepare);
  uv_check_start(&check, on_check);
  say("  uv_idle_start again = %s", diff_err(uv_idle_start(&idle, on_idle)));
  uv_unref((uv_handle_t*)&prepare);
  uv_unref((uv_handle_t*)&check);
  uv_timer_start(&t, on_phase_timer, 0, 0);
  say("  uv_backend_timeout (idle active) = %d", uv_backend_timeout(&loop));
  for (int i = 0; i < 4; i++) say("  uv_run(NOWAIT) = %d", uv_run(&loop, UV_RUN_NOWAIT));
  say("  uv_run(DEFAULT) = %d", uv_run(&loop, UV_RUN_DEFAULT));
  say("  uv_backend_timeout (only unref'd handles) = %d", uv_backend_timeout(&loop));
  uv_prepare_stop(&prepare);
  uv_check_stop(&check);
  say("  uv_prepare_stop twice = %d", uv_prepare_stop(&prepare));
  uv_close((uv_handle_t*)&idle, on_close);
  uv_close((uv_handle_t*)&prepare, on_close);
  uv_close((uv_handle_t*)&check, on_close);
  uv_close((uv_handle_t*)&t, on_close);
  say("  uv_run(ONCE) = %d", uv_run(&loop, UV_RUN_ONCE));
}

int main(void) {
  diff_start();
  CHECK(uv_loop_init(&loop) == 0);
  empty_loop();
  timer_order();
  phases();
  say("uv_loop_close = %s", diff_err(uv_loop_close(&loop)));
  say("descriptors left %d", diff_count_fds());
  diff_done();
  return 0;
}
