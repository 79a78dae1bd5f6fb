/*
 * inflight.c: a descriptor in flight between two processes, small enough to
 * follow in GDB (walkthroughs/inflight/inflight.gdb).
 *
 * The program forks: the parent is the sender, the child the receiver, and an
 * AF_UNIX socket pair made before the fork is their IPC channel.
 *   1. the sender fills a pipe with "hello", wraps its read end in `cargo`
 *      and sends it with uv_write2() (sendmsg with SCM_RIGHTS);
 *   2. in the write callback it closes cargo: the descriptor is now in
 *      neither process, only in the message queued on the receiver's socket;
 *   3. only then does it let the receiver start (one byte on a plain pipe,
 *      `go`): the receiver reads the message, uv_accept()s the descriptor into
 *      `arrived` and reads "hello" through it;
 *   4. the sender waits for the receiver to exit and exits with its verdict.
 *
 * What would differ between machines is arranged here: the program closes any
 * descriptor it inherited above 2, so that both processes number their
 * descriptors the same way wherever they run.
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
static uv_pipe_t channel, cargo, arrived;
static uv_write_t write_req;
static char buffer[64];
static int failures;
static const char* role = "sender";
static pid_t receiver_pid; /* a global: GDB prints a function's arguments, and pids differ per run */

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

/* ---------------------------------------------------------------- receiver */

static void on_cargo_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  if (nread > 0)
    expect(nread == 5 && memcmp(buf->base, "hello", 5) == 0, "the bytes written before the send");
  if (nread < 0) {
    expect(nread == UV_EOF, "end of stream after hello");
    uv_close((uv_handle_t*)s, NULL);
    uv_close((uv_handle_t*)&channel, NULL);
  }
}

static void on_message(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  (void)buf;
  if (nread <= 0) return;
  expect(uv_pipe_pending_count((uv_pipe_t*)s) == 1, "one descriptor came with the byte");
  uv_read_stop(s);
  expect(uv_pipe_init(&loop, &arrived, 0) == 0, "init arrived");
  expect(uv_accept(s, (uv_stream_t*)&arrived) == 0, "uv_accept");
  expect(uv_read_start((uv_stream_t*)&arrived, on_alloc, on_cargo_read) == 0, "read arrived");
}

/* Blocks until the sender has closed its copy of the cargo. */
static void wait_for_go(int go) {
  char byte;
  expect(read(go, &byte, 1) == 1, "the sender's go-ahead");
  close(go);
}

static int receiver(int sock, int go) {
  wait_for_go(go);
  expect(uv_loop_init(&loop) == 0, "uv_loop_init");
  uv_pipe_init(&loop, &channel, 1);
  expect(uv_pipe_open(&channel, sock) == 0, "open the channel");
  uv_read_start((uv_stream_t*)&channel, on_alloc, on_message);
  uv_run(&loop, UV_RUN_DEFAULT);
  expect(uv_loop_close(&loop) == 0, "uv_loop_close");
  return failures != 0;
}

/* ------------------------------------------------------------------ sender */

static void on_sent(uv_write_t* req, int status) {
  (void)req;
  expect(status == 0, "uv_write2");
  uv_close((uv_handle_t*)&cargo, NULL); /* our copy goes; the one in the message stays open */
}

/* The cargo is closed: let the receiver read. */
static void let_receiver_read(int go) {
  expect(write(go, "g", 1) == 1, "go-ahead");
  close(go);
}

static int wait_for_receiver(void) {
  int status = 0;
  expect(waitpid(receiver_pid, &status, 0) == receiver_pid, "waitpid");
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static int sender(int sock, int go) {
  int fds[2];
  expect(uv_loop_init(&loop) == 0, "uv_loop_init");
  uv_pipe_init(&loop, &channel, 1);
  expect(uv_pipe_open(&channel, sock) == 0, "open the channel");

  expect(pipe(fds) == 0, "pipe");
  expect(write(fds[1], "hello", 5) == 5, "write hello");
  close(fds[1]); /* the reader will see "hello", then end of file */
  uv_pipe_init(&loop, &cargo, 0);
  expect(uv_pipe_open(&cargo, fds[0]) == 0, "open cargo");

  uv_buf_t one = uv_buf_init("x", 1); /* a descriptor needs at least one byte to ride with */
  expect(uv_write2(&write_req, (uv_stream_t*)&channel, &one, 1, (uv_stream_t*)&cargo, on_sent) == 0,
         "uv_write2");
  uv_run(&loop, UV_RUN_DEFAULT); /* sendmsg, then on_sent closes cargo */
  let_receiver_read(go);

  expect(wait_for_receiver(), "the receiver got hello through the descriptor");
  uv_close((uv_handle_t*)&channel, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  expect(uv_loop_close(&loop) == 0, "uv_loop_close");
  printf("%s\n", failures ? "FAILED" : "done");
  return failures != 0;
}

int main(void) {
  uv_os_sock_t sv[2];
  int go[2];
  close_range(3, ~0U, 0); /* descriptors inherited from the shell or GDB */
  expect(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0) == 0, "uv_socketpair");
  expect(pipe(go) == 0, "the go-ahead pipe");

  receiver_pid = fork();
  if (receiver_pid == 0) {
    role = "receiver";
    close(sv[0]);
    close(go[1]);
    return receiver(sv[1], go[0]);
  }
  expect(receiver_pid > 0, "fork");
  close(sv[1]);
  close(go[0]);
  return sender(sv[0], go[1]);
}
