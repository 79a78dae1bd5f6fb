/*
 * fdpass_tour.c: one descriptor's trip through an IPC pipe, in one process,
 * small enough to step through in GDB (walkthroughs/fdpass/fdpass.gdb).
 *
 *   1. a socket pair becomes two IPC pipe handles, `sender` and `receiver`;
 *   2. a plain pipe carries "hello" into its read end, which `cargo` wraps;
 *   3. uv_write2(sender, "x", cargo) sends cargo's descriptor (SCM_RIGHTS);
 *   4. cargo is closed right away: the descriptor is in flight, and the
 *      kernel's reference in the socket keeps the pipe open;
 *   5. the receiver reads the byte, uv_accept() opens the received
 *      descriptor into `arrived`, and reading it yields "hello".
 *
 * It first closes every descriptor above 2 it inherited (a terminal, an IDE or a
 * shell may leave some open), so the numbers GDB shows are the same on every
 * machine: the loop's start at 3.
 *
 * Written against libuv's API: it builds against Debian's libuv as well.
 */
#define _GNU_SOURCE /* close_range() */
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

static uv_loop_t loop;
static uv_pipe_t sender, receiver, cargo, arrived;
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

static void on_cargo_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  if (n > 0) {
    printf("read through the received descriptor: \"%.*s\"\n", (int)n, buf->base);
    expect(n == 5 && memcmp(buf->base, "hello", 5) == 0, "the data written before sending");
  }
  if (n < 0) {
    printf("then %s: the write end was closed before sending\n", uv_err_name((int)n));
    expect(n == UV_EOF, "end of stream");
    uv_close((uv_handle_t*)s, NULL);
    uv_close((uv_handle_t*)&receiver, NULL);
    uv_close((uv_handle_t*)&sender, NULL);
  }
}

static void on_receive(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  (void)buf;
  if (n <= 0) return;
  int pending = uv_pipe_pending_count((uv_pipe_t*)s);
  printf("received %zd byte(s) and %d descriptor(s), type %s\n", n, pending,
         uv_handle_type_name(uv_pipe_pending_type((uv_pipe_t*)s)));
  expect(pending == 1, "one pending descriptor");
  uv_read_stop(s);
  expect(uv_pipe_init(&loop, &arrived, 0) == 0, "init arrived");
  expect(uv_accept(s, (uv_stream_t*)&arrived) == 0, "uv_accept");
  expect(uv_read_start((uv_stream_t*)&arrived, on_alloc, on_cargo_read) == 0, "read arrived");
}

static void on_written(uv_write_t* req, int status) {
  (void)req;
  printf("write callback: %s\n", status == 0 ? "sent" : uv_strerror(status));
  expect(status == 0, "uv_write2 completes");
}

int main(void) {
  uv_os_sock_t sv[2];
  int fds[2];
  close_range(3, ~0U, 0); /* inherited descriptors would shift every number below */
  expect(uv_loop_init(&loop) == 0, "uv_loop_init");
  expect(uv_socketpair(SOCK_STREAM, 0, sv, UV_NONBLOCK_PIPE, UV_NONBLOCK_PIPE) == 0, "uv_socketpair");
  uv_pipe_init(&loop, &sender, 1);
  uv_pipe_init(&loop, &receiver, 1);
  uv_pipe_open(&sender, sv[0]);
  uv_pipe_open(&receiver, sv[1]);

  expect(pipe(fds) == 0, "pipe");
  expect(write(fds[1], "hello", 5) == 5, "write hello");
  close(fds[1]);  /* the only writer is gone: the reader will see "hello", then EOF */
  uv_pipe_init(&loop, &cargo, 0);
  uv_pipe_open(&cargo, fds[0]);

  uv_buf_t one = uv_buf_init("x", 1); /* at least one byte travels with the descriptor */
  expect(uv_write2(&write_req, (uv_stream_t*)&sender, &one, 1, (uv_stream_t*)&cargo, on_written) == 0,
         "uv_write2");
  uv_run(&loop, UV_RUN_NOWAIT); /* the sendmsg() happens here */
  uv_close((uv_handle_t*)&cargo, NULL); /* our copy goes; the one in flight stays open */

  uv_read_start((uv_stream_t*)&receiver, on_alloc, on_receive);
  uv_run(&loop, UV_RUN_DEFAULT);
  expect(uv_loop_close(&loop) == 0, "uv_loop_close");
  printf("%s\n", failures ? "FAILED" : "done");
  return failures != 0;
}
