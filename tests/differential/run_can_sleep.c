/*
 * Differential program: when may uv_run() block in the poll?
 *
 * libuv 1.44 decides it for UV_RUN_ONCE *before* the pending and idle phases
 * run: if an I/O callback was pending or an idle handle was active, the poll
 * does not block, even when that idle callback stopped the last idle handle.
 * UV_RUN_DEFAULT asks again after the phases (it loops anyway); UV_RUN_NOWAIT
 * never blocks. Each case prints the callbacks that ran and uv_run's return
 * value; a far-away timer (500 ms) is closed without ever firing when the
 * poll did not block, so no time is ever printed.
 *
 *   once-idle-timer    UV_RUN_ONCE, an idle handle that stops itself, a 500 ms timer
 *   once-idle-check    UV_RUN_ONCE, an idle handle that stops itself, a check handle
 *                      (nothing to wait for: blocking would be for ever)
 *   once-pending       UV_RUN_ONCE, a write whose callback is pending, a 500 ms timer
 *   once-timer         UV_RUN_ONCE, only a 10 ms timer: the poll sleeps until it
 *   nowait-idle-timer  UV_RUN_NOWAIT, as once-idle-timer
 *   default-idle-timer UV_RUN_DEFAULT, an idle handle that stops itself, a 10 ms timer
 *
 * Two more cases of the same iteration, also taught by the run-iteration exercise:
 *
 *   nowait-write-chain UV_RUN_NOWAIT; a read callback writes, and each write callback
 *                      writes again (20 in all), each write completing at once: how many
 *                      write callbacks ran, in pending passes after the poll, before the
 *                      check phase (libuv 1.44 bounds the passes)
 *   backend-timeout    uv_backend_timeout with a 500 ms timer, after uv_stop, and with a
 *                      write callback pending
 */
#include "diff_common.h"

static uv_loop_t loop;
static uv_idle_t idle;
static uv_check_t check;
static uv_timer_t timer;
static int idle_calls, check_calls, timer_calls, write_calls;

static void on_idle(uv_idle_t* h) {
  idle_calls++;
  uv_idle_stop(h);
}
static void on_check(uv_check_t* h) { (void)h; check_calls++; }
static void on_timer(uv_timer_t* t) { (void)t; timer_calls++; }
static void on_write(uv_write_t* req, int status) { (void)req; write_calls++; say("  write_cb status %s", diff_err(status)); }
static void on_close(uv_handle_t* h) { (void)h; }

static void reset(void) { idle_calls = check_calls = timer_calls = write_calls = 0; }


static void report(const char* name, int r) {
  say("%s: uv_run = %d; idle %d, check %d, timer %d, write_cb %d", name, r, idle_calls, check_calls,
      timer_calls, write_calls);
}

static void close_and_drain(uv_handle_t** hs, int n) {
  for (int i = 0; i < n; i++) uv_close(hs[i], on_close);
  CHECK(uv_run(&loop, UV_RUN_DEFAULT) == 0);
}

static void idle_and_timer(const char* name, uv_run_mode mode, uint64_t ms, int with_idle) {
  reset();
  CHECK(uv_idle_init(&loop, &idle) == 0);
  if (with_idle) CHECK(uv_idle_start(&idle, on_idle) == 0);
  CHECK(uv_timer_init(&loop, &timer) == 0);
  CHECK(uv_timer_start(&timer, on_timer, ms, 0) == 0);
  int r = uv_run(&loop, mode);
  report(name, r);
  uv_handle_t* hs[] = {(uv_handle_t*)&idle, (uv_handle_t*)&timer};
  close_and_drain(hs, 2);
}

static void once_idle_check(void) {
  reset();
  CHECK(uv_idle_init(&loop, &idle) == 0);
  CHECK(uv_idle_start(&idle, on_idle) == 0);
  CHECK(uv_check_init(&loop, &check) == 0);
  CHECK(uv_check_start(&check, on_check) == 0);
  int r = uv_run(&loop, UV_RUN_ONCE);
  report("once-idle-check", r);
  uv_handle_t* hs[] = {(uv_handle_t*)&idle, (uv_handle_t*)&check};
  close_and_drain(hs, 2);
}

static void once_pending(void) {
  reset();
  uv_pipe_t a, b;
  diff_pipe_pair(&loop, &a, &b);
  CHECK(uv_timer_init(&loop, &timer) == 0);
  CHECK(uv_timer_start(&timer, on_timer, 500, 0) == 0);
  uv_write_t req;
  uv_buf_t buf = uv_buf_init("x", 1);
  CHECK(uv_write(&req, (uv_stream_t*)&a, &buf, 1, on_write) == 0);
  say("once-pending: write_cb before uv_run %d", write_calls);
  int r = uv_run(&loop, UV_RUN_ONCE);
  report("once-pending", r);
  uv_handle_t* hs[] = {(uv_handle_t*)&a, (uv_handle_t*)&b, (uv_handle_t*)&timer};
  close_and_drain(hs, 3);
}

enum { kChain = 20 };
static uv_pipe_t chain_a, chain_b;
static uv_write_t chain_reqs[kChain];
static char chain_buf[64];
static int chain_started;

static void chain_write(void);
static void on_chain_write(uv_write_t* req, int status) {
  (void)req;
  CHECK(status == 0);
  write_calls++;
  if (write_calls < kChain) chain_write();
}
static void chain_write(void) {
  uv_buf_t buf = uv_buf_init("y", 1);
  CHECK(uv_write(&chain_reqs[write_calls], (uv_stream_t*)&chain_a, &buf, 1, on_chain_write) == 0);
}
static void on_chain_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)h;
  (void)suggested;
  *buf = uv_buf_init(chain_buf, sizeof chain_buf);
}
static void on_chain_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  (void)s;
  (void)buf;
  if (n > 0 && !chain_started) {
    chain_started = 1;
    chain_write(); /* completes at once: its callback is deferred, inside the poll */
  }
}
static void on_chain_check(uv_check_t* h) {
  check_calls++;
  say("nowait-write-chain: write_cb before the check phase %d", write_calls);
  uv_check_stop(h);
}

static void nowait_write_chain(void) {
  reset();
  diff_pipe_pair(&loop, &chain_a, &chain_b);
  CHECK(uv_check_init(&loop, &check) == 0);
  CHECK(uv_check_start(&check, on_chain_check) == 0);
  uv_buf_t x = uv_buf_init("x", 1);
  CHECK(uv_try_write((uv_stream_t*)&chain_b, &x, 1) == 1); /* chain_a is readable; no write callback */
  CHECK(uv_read_start((uv_stream_t*)&chain_a, on_chain_alloc, on_chain_read) == 0);
  int r = uv_run(&loop, UV_RUN_NOWAIT);
  say("nowait-write-chain: uv_run = %d", r);
  while (write_calls < kChain) CHECK(uv_run(&loop, UV_RUN_NOWAIT) == 1);
  say("nowait-write-chain: write_cb %d in all, check %d", write_calls, check_calls);
  uv_handle_t* hs[] = {(uv_handle_t*)&chain_a, (uv_handle_t*)&chain_b, (uv_handle_t*)&check};
  close_and_drain(hs, 3);
}

static void backend_timeout_case(void) {
  reset();
  uv_pipe_t a, b;
  diff_pipe_pair(&loop, &a, &b);
  CHECK(uv_timer_init(&loop, &timer) == 0);
  CHECK(uv_timer_start(&timer, on_timer, 500, 0) == 0);
  say("backend-timeout: a 500 ms timer: %d", uv_backend_timeout(&loop));
  uv_stop(&loop);
  say("backend-timeout: after uv_stop: %d", uv_backend_timeout(&loop));
  CHECK(uv_run(&loop, UV_RUN_NOWAIT) == 1); /* returns at once, the stop is forgotten */
  uv_write_t req;
  uv_buf_t buf = uv_buf_init("x", 1);
  CHECK(uv_write(&req, (uv_stream_t*)&a, &buf, 1, on_write) == 0);
  say("backend-timeout: a write callback pending: %d", uv_backend_timeout(&loop));
  uv_handle_t* hs[] = {(uv_handle_t*)&a, (uv_handle_t*)&b, (uv_handle_t*)&timer};
  close_and_drain(hs, 3);
}

int main(int argc, char** argv) {
  (void)argc;
  (void)argv;
  diff_start();
  CHECK(uv_loop_init(&loop) == 0);
  idle_and_timer("once-idle-timer", UV_RUN_ONCE, 500, 1);
  once_idle_check();
  once_pending();
  idle_and_timer("once-timer", UV_RUN_ONCE, 10, 0);
  idle_and_timer("nowait-idle-timer", UV_RUN_NOWAIT, 500, 1);
  idle_and_timer("default-idle-timer", UV_RUN_DEFAULT, 10, 1);
  nowait_write_chain();
  backend_timeout_case();
  CHECK(uv_loop_close(&loop) == 0);
  diff_done();
  return 0;
}
