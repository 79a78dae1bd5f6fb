/*
 * pipe_server.c: a named pipe server and one client in one process, small
 * enough to step through in GDB (walkthroughs/pipe-server/pipe-server.gdb).
 *
 *   1. uv_pipe_bind() creates an AF_UNIX socket and its socket file, the name
 *      "uvref-walkthrough.sock" in a fresh temporary directory;
 *   2. uv_listen() turns it into a server: the kernel now queues connections;
 *   3. uv_pipe_connect() connects a client: the kernel makes the server's end
 *      of the connection at once and parks it in the listening socket's queue;
 *   4. the loop sees the listening socket readable, accepts, and the
 *      connection callback's uv_accept() gives that end a handle;
 *   5. the client writes "ping", the server's end reads it, and closing the
 *      server unlinks the socket file.
 *
 * The program arranges what would differ between machines: it closes any
 * descriptor it inherited above 2 (so the loop's start at 3 wherever it runs),
 * and binds a relative name after changing into its own temporary directory
 * (so the name GDB and /proc/net/unix show is the same everywhere). It removes
 * the directory before it exits.
 *
 * Written against libuv's API: it builds against Debian's libuv as well.
 */
#define _GNU_SOURCE /* close_range */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#define SOCKET_NAME "uvref-walkthrough.sock"

static uv_loop_t loop;
static uv_pipe_t server, client, conn;
static uv_connect_t connect_req;
static uv_write_t write_req;
static char buffer[64];
static int failures;

static void expect(int ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "FAILED: %s\n", what);
    failures++;
  }
}

static void on_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)h;
  (void)suggested;
  *buf = uv_buf_init(buffer, sizeof buffer);
}

/* The server's end of the connection reads what the client wrote. */
static void on_conn_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  if (nread == 0) return;
  expect(nread == 4 && memcmp(buf->base, "ping", 4) == 0, "the server reads the client's ping");
  printf("server read \"%.*s\"\n", (int)nread, buf->base);
  uv_close((uv_handle_t*)s, NULL);
  uv_close((uv_handle_t*)&client, NULL);
  uv_close((uv_handle_t*)&server, NULL); /* unlinks the socket file */
}

/* The listening socket was readable: the loop accepted one connection for us. */
static void on_connection(uv_stream_t* s, int status) {
  expect(status == 0, "connection status");
  expect(uv_pipe_init(&loop, &conn, 0) == 0, "init conn");
  expect(uv_accept(s, (uv_stream_t*)&conn) == 0, "uv_accept");
  expect(uv_read_start((uv_stream_t*)&conn, on_alloc, on_conn_read) == 0, "read conn");
}

static void on_written(uv_write_t* req, int status) {
  (void)req;
  expect(status == 0, "the client's write");
}

static void on_connect(uv_connect_t* req, int status) {
  (void)req;
  expect(status == 0, "connect status");
  uv_buf_t ping = uv_buf_init("ping", 4);
  expect(uv_write(&write_req, (uv_stream_t*)&client, &ping, 1, on_written) == 0, "uv_write");
}

int main(void) {
  char dir[] = "/tmp/uvref-pipe-server-XXXXXX";
  close_range(3, ~0U, 0); /* descriptors inherited from the shell or GDB */
  expect(mkdtemp(dir) != NULL && chdir(dir) == 0, "a temporary directory to work in");

  expect(uv_loop_init(&loop) == 0, "uv_loop_init");
  uv_pipe_init(&loop, &server, 0);
  expect(uv_pipe_bind(&server, SOCKET_NAME) == 0, "uv_pipe_bind");
  expect(uv_listen((uv_stream_t*)&server, 8, on_connection) == 0, "uv_listen");

  uv_pipe_init(&loop, &client, 0);
  uv_pipe_connect(&connect_req, &client, SOCKET_NAME, on_connect);
  uv_run(&loop, UV_RUN_DEFAULT);
  expect(uv_loop_close(&loop) == 0, "uv_loop_close");

  expect(access(SOCKET_NAME, F_OK) != 0, "uv_close unlinked the socket file");
  expect(chdir("/") == 0 && rmdir(dir) == 0, "remove the temporary directory");
  printf("%s\n", failures ? "FAILED" : "done");
  return failures != 0;
}
