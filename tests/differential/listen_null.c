/*
 * Differential program: uv_listen() with a NULL connection callback.
 *
 * libuv 1.44 accepts it (a program may listen before it knows what to do
 * with connections) and starts watching the socket. The program never runs
 * the loop while a connection waits: libuv would call the NULL callback.
 * It checks what a program can see without that: the return value, the
 * handle being active, a second uv_listen() on the listening handle, a
 * client connecting into the backlog and uv_accept() with nothing parked.
 */
#include <netinet/in.h>

#include "diff_common.h"

static uv_loop_t loop;

static void on_close(uv_handle_t* h) { (void)h; }

static void pipe_case(void) {
  uv_pipe_t server;
  CHECK(uv_pipe_init(&loop, &server, 0) == 0);
  CHECK(uv_pipe_bind(&server, "listen.sock") == 0);
  int r = uv_listen((uv_stream_t*)&server, 4, NULL);
  say("pipe: uv_listen(NULL cb) = %s, active %d", diff_err(r), uv_is_active((uv_handle_t*)&server));

  int c = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(c >= 0);
  struct sockaddr_un sun = {.sun_family = AF_UNIX};
  strcpy(sun.sun_path, "listen.sock");
  say("pipe: a client connects into the backlog: %d", connect(c, (struct sockaddr*)&sun, sizeof sun));
  uv_pipe_t client;
  CHECK(uv_pipe_init(&loop, &client, 0) == 0);
  say("pipe: uv_accept before the loop ran = %s", diff_err(uv_accept((uv_stream_t*)&server, (uv_stream_t*)&client)));
  close(c);
  uv_close((uv_handle_t*)&server, on_close);
  uv_close((uv_handle_t*)&client, on_close);
  CHECK(uv_run(&loop, UV_RUN_DEFAULT) == 0);
}

static void tcp_case(void) {
  uv_tcp_t server;
  struct sockaddr_in addr;
  CHECK(uv_ip4_addr("127.0.0.1", 0, &addr) == 0);
  CHECK(uv_tcp_init(&loop, &server) == 0);
  CHECK(uv_tcp_bind(&server, (const struct sockaddr*)&addr, 0) == 0);
  int r = uv_listen((uv_stream_t*)&server, 4, NULL);
  say("tcp: uv_listen(NULL cb) = %s, active %d", diff_err(r), uv_is_active((uv_handle_t*)&server));
  uv_close((uv_handle_t*)&server, on_close);
  CHECK(uv_run(&loop, UV_RUN_DEFAULT) == 0);

  uv_tcp_t unbound;
  CHECK(uv_tcp_init(&loop, &unbound) == 0);
  say("tcp: uv_listen(NULL cb) unbound = %s", diff_err(uv_listen((uv_stream_t*)&unbound, 4, NULL)));
  uv_close((uv_handle_t*)&unbound, on_close);
  CHECK(uv_run(&loop, UV_RUN_DEFAULT) == 0);
}

int main(void) {
  diff_start();
  CHECK(uv_loop_init(&loop) == 0);
  pipe_case();
  tcp_case();
  CHECK(uv_loop_close(&loop) == 0);
  diff_done();
  return 0;
}
