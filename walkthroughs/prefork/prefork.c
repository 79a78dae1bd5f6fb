/*
 * prefork.c: a pre-fork server reduced to one worker and one connection,
 * small enough to follow in GDB (walkthroughs/prefork/prefork.gdb). The
 * runnable example walkthroughs/prefork-server/ is the full version (uv_spawn,
 * four workers, two hundred connections).
 *
 * The program forks first: the child is the worker, and an AF_UNIX socket pair
 * made before the fork is the IPC channel between the two. Then:
 *   parent   listens on 127.0.0.1 (the kernel picks the port), accepts one
 *            TCP connection, hands it to the worker with uv_write2() and
 *            closes its own copy;
 *   client   (in the parent's loop) connects, sends "hello" and waits for
 *            the reply;
 *   worker   receives the connection on its IPC pipe, uv_accept()s it into a
 *            uv_tcp_t, reads "hello" and answers "worker: hello".
 * The parent then closes the channel, the worker sees UV_EOF and exits, and
 * the parent checks its exit status.
 *
 * What would differ between machines is arranged here or never printed: the
 * program closes any descriptor it inherited above 2, and the port number
 * stays in a variable GDB is not asked to show.
 *
 * Written against libuv's API: it builds against Debian's libuv as well.
 */
#define _GNU_SOURCE /* close_range */
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

static uv_loop_t loop;
static uv_pipe_t channel;                /* both roles: the IPC pipe to the other process */
static uv_tcp_t server, conn, client;    /* parent: listener, accepted connection, client */
static uv_tcp_t served;                  /* worker: the connection it received */
static uv_write_t handoff_req, request_req, reply_req;
static uv_connect_t connect_req;
static char buffer[64];
static int failures;
static const char* role = "parent";
static pid_t worker_pid; /* a global: GDB prints a function's arguments, and pids differ per run */
static int copy_closed, request_sent;

static void expect(int ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "%s: FAILED: %s\n", role, what);
    failures++;
  }
}

static void on_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)h;
  (void)suggested;
  *buf = uv_buf_init(buffer, sizeof buffer);
}

/* ------------------------------------------------------------------ worker */

/* The worker's copy is closed too: the client sees the end of the stream. */
static void on_served_closed(uv_handle_t* h) {
  (void)h;
}

static void on_replied(uv_write_t* req, int status) {
  (void)req;
  expect(status == 0, "the reply");
  uv_close((uv_handle_t*)&served, on_served_closed);
}

static void on_request(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  static char reply[64];
  if (nread <= 0) return;
  expect(nread == 5 && memcmp(buf->base, "hello", 5) == 0, "the client's request");
  uv_read_stop(s);
  int len = snprintf(reply, sizeof reply, "worker: %.*s", (int)nread, buf->base);
  uv_buf_t out = uv_buf_init(reply, (unsigned)len);
  expect(uv_write(&reply_req, s, &out, 1, on_replied) == 0, "uv_write reply");
}

static void on_channel_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  (void)buf;
  if (nread == UV_EOF) { /* the parent closed the channel: no more connections */
    uv_close((uv_handle_t*)s, NULL);
    return;
  }
  if (nread <= 0) return;
  expect(uv_pipe_pending_count((uv_pipe_t*)s) == 1, "a connection came with the byte");
  expect(uv_pipe_pending_type((uv_pipe_t*)s) == UV_TCP, "it is a TCP socket");
  expect(uv_tcp_init(&loop, &served) == 0, "init served");
  expect(uv_accept(s, (uv_stream_t*)&served) == 0, "uv_accept");
  expect(uv_read_start((uv_stream_t*)&served, on_alloc, on_request) == 0, "read the request");
}

static int worker(int sock) {
  role = "worker";
  expect(uv_loop_init(&loop) == 0, "uv_loop_init");
  uv_pipe_init(&loop, &channel, 1);
  expect(uv_pipe_open(&channel, sock) == 0, "open the channel");
  uv_read_start((uv_stream_t*)&channel, on_alloc, on_channel_read);
  uv_run(&loop, UV_RUN_DEFAULT);
  expect(uv_loop_close(&loop) == 0, "uv_loop_close");
  return failures != 0;
}

/* ------------------------------------------------------------------ parent */

/* The connection is in the worker's hands and the client's request is on its way. */
static void worker_may_serve(void) {}

static void check_handed_off(void) {
  if (copy_closed && request_sent) worker_may_serve();
}

static void on_copy_closed(uv_handle_t* h) {
  (void)h;
  copy_closed = 1;
  check_handed_off();
}

static void on_handed_off(uv_write_t* req, int status) {
  (void)req;
  expect(status == 0, "uv_write2 the connection");
  uv_close((uv_handle_t*)&conn, on_copy_closed); /* the parent's copy; the worker's stays open */
}

static void on_connection(uv_stream_t* s, int status) {
  expect(status == 0, "connection status");
  expect(uv_tcp_init(&loop, &conn) == 0, "init conn");
  expect(uv_accept(s, (uv_stream_t*)&conn) == 0, "uv_accept");
  uv_buf_t one = uv_buf_init("c", 1);
  expect(uv_write2(&handoff_req, (uv_stream_t*)&channel, &one, 1, (uv_stream_t*)&conn, on_handed_off) == 0,
         "uv_write2");
}

static void on_reply(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  if (nread > 0) {
    expect(nread == 13 && memcmp(buf->base, "worker: hello", 13) == 0, "the worker's reply");
    return;
  }
  if (nread < 0) { /* the worker closed the connection: done */
    expect(nread == UV_EOF, "end of the reply");
    uv_close((uv_handle_t*)s, NULL);
    uv_close((uv_handle_t*)&server, NULL);
    uv_close((uv_handle_t*)&channel, NULL); /* the worker's read will see UV_EOF */
  }
}

static void on_request_sent(uv_write_t* req, int status) {
  (void)req;
  expect(status == 0, "the request");
  request_sent = 1;
  check_handed_off();
}

static void on_connect(uv_connect_t* req, int status) {
  (void)req;
  expect(status == 0, "connect");
  uv_buf_t hello = uv_buf_init("hello", 5);
  expect(uv_write(&request_req, (uv_stream_t*)&client, &hello, 1, on_request_sent) == 0, "uv_write");
  expect(uv_read_start((uv_stream_t*)&client, on_alloc, on_reply) == 0, "read the reply");
}

static int wait_for_worker(void) {
  int status = 0;
  expect(waitpid(worker_pid, &status, 0) == worker_pid, "waitpid");
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int parent(int sock) {
  struct sockaddr_in addr;
  struct sockaddr_storage bound;
  int len = sizeof bound;
  expect(uv_loop_init(&loop) == 0, "uv_loop_init");
  uv_pipe_init(&loop, &channel, 1);
  expect(uv_pipe_open(&channel, sock) == 0, "open the channel");

  uv_tcp_init(&loop, &server);
  uv_ip4_addr("127.0.0.1", 0, &addr);
  expect(uv_tcp_bind(&server, (const struct sockaddr*)&addr, 0) == 0, "uv_tcp_bind");
  expect(uv_listen((uv_stream_t*)&server, 8, on_connection) == 0, "uv_listen");
  expect(uv_tcp_getsockname(&server, (struct sockaddr*)&bound, &len) == 0, "the port");

  uv_tcp_init(&loop, &client);
  expect(uv_tcp_connect(&connect_req, &client, (const struct sockaddr*)&bound, on_connect) == 0,
         "uv_tcp_connect");
  uv_run(&loop, UV_RUN_DEFAULT);

  expect(wait_for_worker(), "the worker served the connection and exited 0");
  expect(uv_loop_close(&loop) == 0, "uv_loop_close");
  printf("%s\n", failures ? "FAILED" : "done");
  return failures != 0;
}

int main(void) {
  uv_os_sock_t sv[2];
  close_range(3, ~0U, 0); /* descriptors inherited from the shell or GDB */
  expect(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0) == 0, "uv_socketpair");
  worker_pid = fork();
  if (worker_pid == 0) {
    close(sv[0]);
    return worker(sv[1]);
  }
  expect(worker_pid > 0, "fork");
  close(sv[1]);
  return parent(sv[0]);
}
