/*
 * streams_probe.c: one pass through Part II's units (pipes, streams, TCP) and
 * uv_spawn(), run under strace at build time so each unit page can show the
 * system calls the current code made (diagrams/CMakeLists.txt, {unit-trace}).
 *
 * Each part starts with a marker: write(-1, "## NAME", n), which fails with
 * EBADF and does nothing else; strace_capture.py turns it into a "## NAME"
 * line and the pages select the part by NAME. Everything is deterministic:
 * one thread, a relative socket name in the working directory, 127.0.0.1 with
 * a kernel-chosen port (normalised by the capture), no timers.
 *
 * Written against libuv's API: it builds against Debian's libuv as well.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

#define NAME "probe.sock"

static uv_loop_t loop;
static uv_pipe_t server, client, conn, opened;
static uv_tcp_t tserver, tclient, tconn;
static uv_connect_t connect_req, tconnect_req;
static uv_write_t write_req;
static uv_shutdown_t shutdown_req;
static uv_process_t child;
static uv_pipe_t child_out;
static char buffer[64];
static int failures;
static int connected, accepted, written, got_data, got_eof, shut, exited;

static void check(int ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "streams_probe: FAILED: %s\n", what);
    failures++;
  }
}

/* The marker: a system call that fails and changes nothing, visible in the trace. */
static void part(const char* name) {
  char text[64];
  int n = snprintf(text, sizeof text, "## %s", name);
  check(write(-1, text, (size_t)n) == -1, "marker write fails");
}

static void on_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)h;
  (void)suggested;
  *buf = uv_buf_init(buffer, sizeof buffer);
}

static void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  (void)buf;
  if (n > 0) got_data = 1;
  if (n == UV_EOF) {
    got_eof = 1;
    uv_read_stop(s);
  }
}

static void on_connect(uv_connect_t* req, int status) {
  (void)req;
  check(status == 0, "connect");
  connected = 1;
}

static void on_connection(uv_stream_t* s, int status) {
  check(status == 0, "connection");
  uv_stream_t* into = s == (uv_stream_t*)&server ? (uv_stream_t*)&conn : (uv_stream_t*)&tconn;
  check(uv_accept(s, into) == 0, "accept");
  accepted = 1;
}

static void on_written(uv_write_t* req, int status) {
  (void)req;
  check(status == 0, "write");
  written = 1;
}

static void on_shutdown(uv_shutdown_t* req, int status) {
  (void)req;
  check(status == 0, "shutdown");
  shut = 1;
}

static void on_exit_cb(uv_process_t* p, int64_t status, int signal) {
  check(status == 0 && signal == 0, "child exit status 0");
  uv_close((uv_handle_t*)p, NULL);
  exited = 1;
}

/* Runs the loop until the flags are set (a callback sets each). */
static void run_until(const int* a, const int* b) {
  while (!(*a && *b) && !failures) uv_run(&loop, UV_RUN_ONCE);
}
static void reset(void) { connected = accepted = written = got_data = got_eof = shut = exited = 0; }

static void pipes(void) {
  part("pipe-init-open");
  int fds[2];
  check(pipe(fds) == 0, "pipe");
  uv_pipe_init(&loop, &opened, 0);
  check(uv_pipe_open(&opened, fds[0]) == 0, "uv_pipe_open");
  close(fds[1]);

  part("pipe-bind");
  uv_pipe_init(&loop, &server, 0);
  check(uv_pipe_bind(&server, NAME) == 0, "uv_pipe_bind");
  check(uv_pipe_chmod(&server, UV_READABLE | UV_WRITABLE) == 0, "uv_pipe_chmod");

  part("listen");
  check(uv_listen((uv_stream_t*)&server, 8, on_connection) == 0, "uv_listen");

  part("pipe-connect");
  uv_pipe_init(&loop, &client, 0);
  uv_pipe_init(&loop, &conn, 0);
  uv_pipe_connect(&connect_req, &client, NAME, on_connect);
  run_until(&connected, &accepted); /* one loop iteration sees both ends */

  part("pipe-names");
  char name[128];
  size_t len = sizeof name;
  check(uv_pipe_getsockname(&server, name, &len) == 0, "getsockname");
  len = sizeof name;
  check(uv_pipe_getpeername(&client, name, &len) == 0, "getpeername");

  part("write");
  uv_buf_t hello = uv_buf_init("hello", 5);
  check(uv_write(&write_req, (uv_stream_t*)&client, &hello, 1, on_written) == 0, "uv_write");
  run_until(&written, &written);

  part("read");
  check(uv_read_start((uv_stream_t*)&conn, on_alloc, on_read) == 0, "uv_read_start");
  run_until(&got_data, &got_data);

  part("shutdown");
  check(uv_shutdown(&shutdown_req, (uv_stream_t*)&client, on_shutdown) == 0, "uv_shutdown");
  run_until(&shut, &got_eof); /* the shutdown callback and the reader's UV_EOF */

  part("close");
  uv_close((uv_handle_t*)&opened, NULL);
  uv_close((uv_handle_t*)&conn, NULL);
  uv_close((uv_handle_t*)&client, NULL);
  uv_close((uv_handle_t*)&server, NULL);
  uv_run(&loop, UV_RUN_NOWAIT);

  part("pipe-vs-socketpair");
  uv_file p[2];
  uv_os_sock_t sv[2];
  check(uv_pipe(p, UV_NONBLOCK_PIPE, 0) == 0, "uv_pipe");
  check(uv_socketpair(SOCK_STREAM, 0, sv, UV_NONBLOCK_PIPE, UV_NONBLOCK_PIPE) == 0, "uv_socketpair");
  close(p[0]);
  close(p[1]);
  close(sv[0]);
  close(sv[1]);
}

static void tcp(void) {
  part("tcp");
  reset();
  struct sockaddr_in addr;
  struct sockaddr_storage bound;
  int len = sizeof bound;
  check(uv_ip4_addr("127.0.0.1", 0, &addr) == 0, "uv_ip4_addr");
  uv_tcp_init(&loop, &tserver);
  uv_tcp_init(&loop, &tclient);
  uv_tcp_init(&loop, &tconn);
  check(uv_tcp_bind(&tserver, (const struct sockaddr*)&addr, 0) == 0, "uv_tcp_bind");
  check(uv_listen((uv_stream_t*)&tserver, 8, on_connection) == 0, "uv_listen (tcp)");
  check(uv_tcp_getsockname(&tserver, (struct sockaddr*)&bound, &len) == 0, "uv_tcp_getsockname");
  check(uv_tcp_connect(&tconnect_req, &tclient, (const struct sockaddr*)&bound, on_connect) == 0,
        "uv_tcp_connect");
  run_until(&connected, &accepted);
  uv_close((uv_handle_t*)&tconn, NULL);
  uv_close((uv_handle_t*)&tclient, NULL);
  uv_close((uv_handle_t*)&tserver, NULL);
  uv_run(&loop, UV_RUN_NOWAIT);
}

static void spawn(const char* self) {
  part("spawn");
  reset();
  char* args[] = {(char*)self, "child", NULL};
  uv_stdio_container_t stdio[3];
  uv_pipe_init(&loop, &child_out, 0);
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE;
  stdio[1].data.stream = (uv_stream_t*)&child_out;
  stdio[2].flags = UV_INHERIT_FD;
  stdio[2].data.fd = 2;
  uv_process_options_t options;
  memset(&options, 0, sizeof options);
  options.file = self;
  options.args = args;
  options.stdio = stdio;
  options.stdio_count = 3;
  options.exit_cb = on_exit_cb;
  check(uv_spawn(&loop, &child, &options) == 0, "uv_spawn");
  /* Wait (without reaping) until the child has written its line and exited:
     then its output, its EOF and the SIGCHLD message are all ready before the
     loop looks, and the trace is the same on every build. */
  siginfo_t info;
  check(waitid(P_PID, (id_t)child.pid, &info, WEXITED | WNOWAIT) == 0, "waitid");
  part("reap");
  check(uv_read_start((uv_stream_t*)&child_out, on_alloc, on_read) == 0, "read the child");
  run_until(&got_eof, &exited); /* its line, its EOF, its exit status */
  uv_close((uv_handle_t*)&child_out, NULL);
  uv_run(&loop, UV_RUN_NOWAIT);
}

int main(int argc, char** argv) {
  if (argc == 2 && strcmp(argv[1], "child") == 0) {
    fputs("child\n", stdout); /* the spawned copy: one line on the pipe, then exit 0 */
    return 0;
  }
  unlink(NAME); /* a socket left by an interrupted earlier build */
  check(uv_loop_init(&loop) == 0, "uv_loop_init");
  pipes();
  tcp();
  spawn(argv[0]);
  part("end");
  check(uv_loop_close(&loop) == 0, "uv_loop_close");
  return failures != 0;
}
