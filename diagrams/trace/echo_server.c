/*
 * echo_server.c: a named-pipe echo server and its one client, in one process,
 * run with UVREF_TRACE at build time for the page "Watching a program run"
 * (diagrams/CMakeLists.txt). The server binds "echo.sock" in the working
 * directory and listens; the client connects and writes "hello"; the server
 * accepts, reads it and writes it back; the client reads the echo, and both
 * close. It checks the echo and exits 0 only if it came back whole.
 *
 * Written against libuv's API: it builds against Debian's libuv as well.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#define NAME "echo.sock"
#define TEXT "hello"

static uv_loop_t loop;
static uv_pipe_t server, client, conn;
static uv_connect_t connect_req;
static uv_write_t client_write, echo_write;
static char echo_buf[64], reply_buf[64];
static int echoed;

static void on_alloc_conn(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)h;
  (void)suggested;
  *buf = uv_buf_init(echo_buf, sizeof echo_buf);
}

static void on_alloc_client(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)h;
  (void)suggested;
  *buf = uv_buf_init(reply_buf, sizeof reply_buf);
}

static void on_echo_written(uv_write_t* req, int status) {
  (void)req;
  (void)status;
}

/* The server's side of the connection: write back what arrives. */
static void on_conn_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  if (n > 0) {
    uv_buf_t out = uv_buf_init(buf->base, (unsigned)n);
    uv_write(&echo_write, s, &out, 1, on_echo_written);
  } else if (n < 0) {
    uv_close((uv_handle_t*)s, NULL);
  }
}

static void on_connection(uv_stream_t* s, int status) {
  if (status < 0) return;
  uv_pipe_init(&loop, &conn, 0);
  if (uv_accept(s, (uv_stream_t*)&conn) == 0) uv_read_start((uv_stream_t*)&conn, on_alloc_conn, on_conn_read);
  uv_close((uv_handle_t*)s, NULL); /* one client is all this server takes */
}

/* The client's side: the echo comes back, and the client hangs up. */
static void on_client_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  if (n == (ssize_t)strlen(TEXT) && memcmp(buf->base, TEXT, (size_t)n) == 0) echoed = 1;
  uv_close((uv_handle_t*)s, NULL);
}

static void on_written(uv_write_t* req, int status) {
  if (status == 0) uv_read_start(req->handle, on_alloc_client, on_client_read);
}

static void on_connect(uv_connect_t* req, int status) {
  static char text[] = TEXT;
  if (status < 0) return;
  uv_buf_t out = uv_buf_init(text, sizeof text - 1);
  uv_write(&client_write, req->handle, &out, 1, on_written);
}

int main(void) {
  unlink(NAME);
  uv_loop_init(&loop);
  uv_pipe_init(&loop, &server, 0);
  if (uv_pipe_bind(&server, NAME) != 0 || uv_listen((uv_stream_t*)&server, 8, on_connection) != 0) {
    fprintf(stderr, "echo_server: cannot listen on %s\n", NAME);
    return 1;
  }
  uv_pipe_init(&loop, &client, 0);
  uv_pipe_connect(&connect_req, &client, NAME, on_connect);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
  printf("echo_server: %s\n", echoed ? "echoed" : "FAILED");
  return echoed ? 0 : 1;
}
