/*
 * Differential program: the rest of libuv 1.44's TCP API.
 *
 * uv_tcp_init_ex (socket now, or not; flag errors), uv_tcp_keepalive before
 * and after the socket exists (what getsockopt then reads),
 * uv_tcp_simultaneous_accepts, uv_send/recv_buffer_size on TCP, on pipes and
 * on a timer, and uv_tcp_close_reset (the peer reads UV_ECONNRESET).
 */
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "diff_common.h"

static uv_loop_t loop;

static void on_close(uv_handle_t* h) { (void)h; }
static void drain(void) { CHECK(uv_run(&loop, UV_RUN_DEFAULT) == 0); }

static int opt(int fd, int level, int name) {
  int v = -1;
  socklen_t len = sizeof v;
  CHECK(getsockopt(fd, level, name, &v, &len) == 0);
  return v;
}

static int fd_of(uv_tcp_t* t) {
  uv_os_fd_t fd = -1;
  int r = uv_fileno((uv_handle_t*)t, &fd);
  return r == 0 ? fd : r;
}

static void init_ex(void) {
  uv_tcp_t t;
  int r = uv_tcp_init_ex(&loop, &t, AF_INET6);
  struct sockaddr_storage ss;
  int len = sizeof ss;
  CHECK(uv_tcp_getsockname(&t, (struct sockaddr*)&ss, &len) == 0);
  say("uv_tcp_init_ex(AF_INET6) = %s, socket family is AF_INET6 %d", diff_err(r), ss.ss_family == AF_INET6);
  uv_close((uv_handle_t*)&t, on_close);
  drain();
  r = uv_tcp_init_ex(&loop, &t, AF_UNSPEC);
  say("uv_tcp_init_ex(AF_UNSPEC) = %s, uv_fileno = %s", diff_err(r), diff_err(fd_of(&t) < 0 ? fd_of(&t) : 0));
  uv_close((uv_handle_t*)&t, on_close);
  drain();
  say("uv_tcp_init_ex(AF_UNIX) = %s", diff_err(uv_tcp_init_ex(&loop, &t, AF_UNIX)));
  say("uv_tcp_init_ex(AF_INET | 0x100) = %s", diff_err(uv_tcp_init_ex(&loop, &t, AF_INET | 0x100)));
}

static void keepalive(void) {
  struct sockaddr_in addr;
  CHECK(uv_ip4_addr("127.0.0.1", 0, &addr) == 0);
  uv_tcp_t early, late;
  CHECK(uv_tcp_init(&loop, &early) == 0);
  say("keepalive(1, 5) before the socket = %s", diff_err(uv_tcp_keepalive(&early, 1, 5)));  /* one call per line: C leaves the order of arguments open */
  CHECK(uv_tcp_bind(&early, (const struct sockaddr*)&addr, 0) == 0);
  int fd = fd_of(&early);
  say("  after bind: SO_KEEPALIVE %d, TCP_KEEPIDLE %d", opt(fd, SOL_SOCKET, SO_KEEPALIVE),
      opt(fd, IPPROTO_TCP, TCP_KEEPIDLE));
  CHECK(uv_tcp_init_ex(&loop, &late, AF_INET) == 0);
  say("keepalive(1, 7) on a socket = %s", diff_err(uv_tcp_keepalive(&late, 1, 7)));
  fd = fd_of(&late);
  say("  SO_KEEPALIVE %d, TCP_KEEPIDLE %d, TCP_KEEPINTVL %d, TCP_KEEPCNT %d", opt(fd, SOL_SOCKET, SO_KEEPALIVE),
      opt(fd, IPPROTO_TCP, TCP_KEEPIDLE), opt(fd, IPPROTO_TCP, TCP_KEEPINTVL), opt(fd, IPPROTO_TCP, TCP_KEEPCNT));
  int r = uv_tcp_keepalive(&late, 0, 0);
  say("keepalive(0) = %s, SO_KEEPALIVE %d", diff_err(r), opt(fd, SOL_SOCKET, SO_KEEPALIVE));
  say("simultaneous_accepts(0) = %s, (1) = %s", diff_err(uv_tcp_simultaneous_accepts(&late, 0)),
      diff_err(uv_tcp_simultaneous_accepts(&late, 1)));
  uv_close((uv_handle_t*)&early, on_close);
  uv_close((uv_handle_t*)&late, on_close);
  drain();
}

static void buffer_sizes(void) {
  uv_tcp_t t;
  CHECK(uv_tcp_init_ex(&loop, &t, AF_INET) == 0);
  int v = 0;
  int r = uv_send_buffer_size((uv_handle_t*)&t, &v);
  say("tcp: send buffer size get = %s, > 0 %d", diff_err(r), v > 0);
  v = 32768;
  say("tcp: recv buffer size set 32768 = %s", diff_err(uv_recv_buffer_size((uv_handle_t*)&t, &v)));
  v = 0;
  r = uv_recv_buffer_size((uv_handle_t*)&t, &v);
  say("  get = %s, %d", diff_err(r), v);
  say("  NULL value = %s", diff_err(uv_send_buffer_size((uv_handle_t*)&t, NULL)));

  uv_os_sock_t sv[2];
  CHECK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0) == 0);
  uv_pipe_t sp;
  CHECK(uv_pipe_init(&loop, &sp, 0) == 0);
  CHECK(uv_pipe_open(&sp, sv[0]) == 0);
  close(sv[1]);
  v = 0;
  r = uv_send_buffer_size((uv_handle_t*)&sp, &v);
  say("socketpair pipe: send buffer size get = %s, > 0 %d", diff_err(r), v > 0);

  uv_file pv[2];
  CHECK(uv_pipe(pv, 0, 0) == 0);
  uv_pipe_t pp;
  CHECK(uv_pipe_init(&loop, &pp, 0) == 0);
  CHECK(uv_pipe_open(&pp, pv[0]) == 0);
  close(pv[1]);
  v = 0;
  say("pipe(2) end: send buffer size get = %s", diff_err(uv_send_buffer_size((uv_handle_t*)&pp, &v)));

  uv_timer_t timer;
  CHECK(uv_timer_init(&loop, &timer) == 0);
  v = 0;
  say("timer: send buffer size = %s", diff_err(uv_send_buffer_size((uv_handle_t*)&timer, &v)));
  uv_close((uv_handle_t*)&t, on_close);
  uv_close((uv_handle_t*)&sp, on_close);
  uv_close((uv_handle_t*)&pp, on_close);
  uv_close((uv_handle_t*)&timer, on_close);
  drain();
}

static uv_tcp_t conn, client;
static int connected, read_status, reset_closed;
static char rbuf[64];
static void on_connect(uv_connect_t* req, int status) { (void)req; CHECK(status == 0); connected = 1; }
static void on_alloc(uv_handle_t* h, size_t n, uv_buf_t* b) { (void)h; (void)n; *b = uv_buf_init(rbuf, sizeof rbuf); }
static void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* b) {
  (void)b;
  if (n < 0) {
    read_status = (int)n;
    uv_read_stop(s);
  }
}
static void on_reset_close(uv_handle_t* h) { (void)h; reset_closed++; }

static void close_reset(void) {
  /* A plain listening socket: only the connection is a uv handle. */
  int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK(lfd >= 0);
  struct sockaddr_in addr;
  CHECK(uv_ip4_addr("127.0.0.1", 0, &addr) == 0);
  CHECK(bind(lfd, (struct sockaddr*)&addr, sizeof addr) == 0);
  CHECK(listen(lfd, 1) == 0);
  socklen_t len = sizeof addr;
  CHECK(getsockname(lfd, (struct sockaddr*)&addr, &len) == 0);
  CHECK(uv_tcp_init(&loop, &conn) == 0);
  CHECK(uv_tcp_init(&loop, &client) == 0);
  uv_connect_t req;
  CHECK(uv_tcp_connect(&req, &client, (const struct sockaddr*)&addr, on_connect) == 0);
  while (!connected) uv_run(&loop, UV_RUN_ONCE);
  int fd = accept(lfd, NULL, NULL);
  CHECK(fd >= 0);
  close(lfd);
  CHECK(uv_tcp_open(&conn, fd) == 0);
  CHECK(uv_read_start((uv_stream_t*)&conn, on_alloc, on_read) == 0);
  int r = uv_tcp_close_reset(&client, on_reset_close);
  say("uv_tcp_close_reset = %s, closing %d", diff_err(r), uv_is_closing((uv_handle_t*)&client));
  while (read_status == 0) uv_run(&loop, UV_RUN_ONCE);
  say("  peer read_cb %s", diff_err(read_status));
  uv_close((uv_handle_t*)&conn, on_close);
  drain();
  say("  close_cb of the reset handle %d", reset_closed);
}

int main(void) {
  diff_start();
  CHECK(uv_loop_init(&loop) == 0);
  init_ex();
  keepalive();
  buffer_sizes();
  close_reset();
  CHECK(uv_loop_close(&loop) == 0);
  diff_done();
  return 0;
}
