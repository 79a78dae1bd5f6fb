/*
 * run_tour.c: what each phase of uv_run() runs, over three iterations, and
 * how the poll timeout is chosen; small enough to follow in GDB
 * (walkthroughs/run-iteration/run-iteration.gdb).
 *
 * Before uv_run(): a 0 ms timer, an idle, a prepare and a check handle, a
 * socket pair as two pipe handles (`right` reads), and a uv_write of "ping"
 * on `left`, which completes at once: its callback waits in the pending queue.
 *
 *   iteration 1: the timer fires; the pending phase runs the ping's write
 *     callback; the idle handle makes the poll timeout 0; the poll finds
 *     `right` readable; the check callback stops the idle handle;
 *   iteration 2: the prepare callback writes "pong", which completes at
 *     once: the pending queue makes the timeout 0, the poll reads "pong",
 *     and the pong's write callback runs in a pending pass after the poll;
 *   iteration 3: the prepare callback starts a 20 ms timer: nothing else is
 *     due, so the poll may sleep exactly 20 ms (the timer was started at the
 *     loop time of this same iteration);
 *   later: the timer fires and closes every handle; uv_run() returns.
 *
 * Written against libuv's API: it builds against Debian's libuv as well, and
 * both print the same trace.
 */
#include <stdio.h>
#include <uv.h>

static uv_loop_t loop;
static uv_timer_t first, last;
static uv_idle_t idle;
static uv_prepare_t prepare;
static uv_check_t check;
static uv_pipe_t left, right;
static uv_write_t ping_req, pong_req;
static char buffer[64];
static int iteration;

static void on_first_timer(uv_timer_t* t) { (void)t; }

static void on_write(uv_write_t* req, int status) {
  printf("write callback for %s: %d\n", (const char*)req->data, status);
}

static void on_idle(uv_idle_t* h) { (void)h; }

static void on_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)h;
  (void)suggested;
  *buf = uv_buf_init(buffer, sizeof buffer);
}

static void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  (void)s;
  if (n > 0) printf("read \"%.*s\"\n", (int)n, buf->base);
}

static void on_last_timer(uv_timer_t* t) {
  (void)t;
  uv_handle_t* all[] = {(uv_handle_t*)&first, (uv_handle_t*)&last,  (uv_handle_t*)&idle,
                        (uv_handle_t*)&prepare, (uv_handle_t*)&check, (uv_handle_t*)&left,
                        (uv_handle_t*)&right};
  for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) uv_close(all[i], NULL);
}

static void on_prepare(uv_prepare_t* h) {
  (void)h;
  iteration++;
  if (iteration == 2) {
    uv_buf_t pong = uv_buf_init("pong", 4);
    pong_req.data = "pong";
    uv_write(&pong_req, (uv_stream_t*)&left, &pong, 1, on_write);
  }
  if (iteration == 3) uv_timer_start(&last, on_last_timer, 20, 0);
}

static void on_check(uv_check_t* h) {
  (void)h;
  if (iteration == 1) uv_idle_stop(&idle);
}

int main(void) {
  uv_os_sock_t sv[2];
  if (uv_loop_init(&loop) != 0) return 1;
  uv_socketpair(SOCK_STREAM, 0, sv, UV_NONBLOCK_PIPE, UV_NONBLOCK_PIPE);
  uv_pipe_init(&loop, &left, 0);
  uv_pipe_init(&loop, &right, 0);
  uv_pipe_open(&left, sv[0]);
  uv_pipe_open(&right, sv[1]);
  uv_read_start((uv_stream_t*)&right, on_alloc, on_read);

  uv_timer_init(&loop, &first);
  uv_timer_init(&loop, &last);
  uv_timer_start(&first, on_first_timer, 0, 0);
  uv_idle_init(&loop, &idle);
  uv_idle_start(&idle, on_idle);
  uv_prepare_init(&loop, &prepare);
  uv_prepare_start(&prepare, on_prepare);
  uv_check_init(&loop, &check);
  uv_check_start(&check, on_check);

  uv_buf_t ping = uv_buf_init("ping", 4);
  ping_req.data = "ping";
  uv_write(&ping_req, (uv_stream_t*)&left, &ping, 1, on_write);

  uv_run(&loop, UV_RUN_DEFAULT);
  int closed = uv_loop_close(&loop);
  printf("uv_loop_close %d\n", closed);
  return closed == 0 ? 0 : 1;
}
