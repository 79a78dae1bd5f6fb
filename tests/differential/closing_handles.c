/*
 * Differential program: entry points called on a handle that is closing.
 *
 * uv_close() closes a stream's descriptor at once; the handle lives on until
 * its close callback. libuv 1.44 refuses these calls in that window (checked
 * in its source: uv_tcp_bind, uv_pipe_bind, uv_listen, uv_read_start,
 * uv_shutdown, and uv_write2's handle to send), and lets the TCP option
 * setters succeed without a descriptor (uv_tcp_close_reset, which needs one,
 * is UV_EBADF). Each line is one call on a handle
 * that was opened, then passed to uv_close() without running the loop.
 */
#include <netinet/in.h>

#include "diff_common.h"

static uv_loop_t loop;
static int closes;

static void on_close(uv_handle_t* h) { (void)h; closes++; }
static void on_alloc(uv_handle_t* h, size_t n, uv_buf_t* b) { (void)h; (void)n; (void)b; }
static void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* b) { (void)s; (void)n; (void)b; }
static void on_write(uv_write_t* r, int status) { (void)r; say("  write_cb %s", diff_err(status)); }
static void on_shutdown(uv_shutdown_t* r, int status) { (void)r; say("  shutdown_cb %s", diff_err(status)); }

static void drain(void) { CHECK(uv_run(&loop, UV_RUN_DEFAULT) == 0); }

static void tcp_cases(void) {
  struct sockaddr_in addr;
  CHECK(uv_ip4_addr("127.0.0.1", 0, &addr) == 0);
  uv_tcp_t t;
  CHECK(uv_tcp_init(&loop, &t) == 0);
  uv_close((uv_handle_t*)&t, on_close);
  say("tcp never opened, closing: uv_tcp_bind = %s", diff_err(uv_tcp_bind(&t, (const struct sockaddr*)&addr, 0)));
  say("  uv_listen = %s", diff_err(uv_listen((uv_stream_t*)&t, 1, NULL)));
  say("  uv_tcp_nodelay = %s", diff_err(uv_tcp_nodelay(&t, 1)));
  say("  uv_tcp_keepalive = %s", diff_err(uv_tcp_keepalive(&t, 1, 60)));
  say("  uv_tcp_simultaneous_accepts = %s", diff_err(uv_tcp_simultaneous_accepts(&t, 1)));
  drain();

  CHECK(uv_tcp_init(&loop, &t) == 0);
  CHECK(uv_tcp_bind(&t, (const struct sockaddr*)&addr, 0) == 0);
  uv_close((uv_handle_t*)&t, on_close);
  say("tcp bound, closing: uv_tcp_bind = %s", diff_err(uv_tcp_bind(&t, (const struct sockaddr*)&addr, 0)));
  say("  uv_listen = %s", diff_err(uv_listen((uv_stream_t*)&t, 1, NULL)));
  say("  uv_tcp_close_reset = %s", diff_err(uv_tcp_close_reset(&t, on_close)));
  drain();
}

static void pipe_cases(void) {
  uv_pipe_t p;
  CHECK(uv_pipe_init(&loop, &p, 0) == 0);
  uv_close((uv_handle_t*)&p, on_close);
  say("pipe never opened, closing: uv_pipe_bind = %s", diff_err(uv_pipe_bind(&p, "closing.sock")));
  say("  uv_listen = %s", diff_err(uv_listen((uv_stream_t*)&p, 1, NULL)));
  drain();

  uv_os_sock_t sv[2];
  uv_pipe_t a, b, c;
  CHECK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0) == 0);
  CHECK(uv_pipe_init(&loop, &a, 1) == 0);
  CHECK(uv_pipe_open(&a, sv[0]) == 0);
  CHECK(uv_pipe_init(&loop, &b, 1) == 0);
  CHECK(uv_pipe_open(&b, sv[1]) == 0);
  int pv[2];
  CHECK(uv_pipe(pv, 0, 0) == 0);
  CHECK(uv_pipe_init(&loop, &c, 0) == 0);
  CHECK(uv_pipe_open(&c, pv[0]) == 0);
  close(pv[1]);

  uv_close((uv_handle_t*)&c, on_close);
  uv_write_t w;
  uv_buf_t buf = uv_buf_init("x", 1);
  say("ipc pipe, the handle to send is closing: uv_write2 = %s",
      diff_err(uv_write2(&w, (uv_stream_t*)&a, &buf, 1, (uv_stream_t*)&c, on_write)));

  uv_close((uv_handle_t*)&a, on_close);
  say("pipe open, closing: uv_read_start = %s", diff_err(uv_read_start((uv_stream_t*)&a, on_alloc, on_read)));
  uv_shutdown_t sreq;
  say("  uv_shutdown = %s", diff_err(uv_shutdown(&sreq, (uv_stream_t*)&a, on_shutdown)));
  say("  uv_pipe_bind = %s", diff_err(uv_pipe_bind(&a, "closing2.sock")));
  say("  uv_listen = %s", diff_err(uv_listen((uv_stream_t*)&a, 1, NULL)));
  say("  uv_is_readable %d, uv_is_writable %d", uv_is_readable((uv_stream_t*)&a), uv_is_writable((uv_stream_t*)&a));
  uv_close((uv_handle_t*)&b, on_close);
  drain();
}

int main(void) {
  diff_start();
  CHECK(uv_loop_init(&loop) == 0);
  tcp_cases();
  pipe_cases();
  say("close callbacks %d", closes);
  CHECK(uv_loop_close(&loop) == 0);
  diff_done();
  return 0;
}
