/*
 * trace_demo.c: a small program that makes uvref use every place the trace
 * must be safe in, for the tests in tests/trace/ (run with UVREF_TRACE set):
 *   - a signal handler: uv_kill() sends SIGUSR1 to this process; the handler
 *     takes the signal lock (read, write on the lock pipe) and writes to the
 *     signal pipe;
 *   - a thread-pool thread: the work callback calls uv_async_send(), a write
 *     to the loop's eventfd from another thread;
 *   - descriptor passing: one end of an IPC socket pair sends the read end of
 *     a pipe (sendmsg with SCM_RIGHTS), the other receives and accepts it.
 * It checks its own outcome and exits 0 only if every step happened.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

#define CHECK(call)                                                     \
  do {                                                                  \
    int r_ = (call);                                                    \
    if (r_ < 0) {                                                       \
      fprintf(stderr, "line %d: %s: %s\n", __LINE__, #call, uv_strerror(r_)); \
      exit(1);                                                          \
    }                                                                   \
  } while (0)

static uv_loop_t loop;
static uv_signal_t sig;
static uv_async_t async;
static uv_work_t work;
static uv_pipe_t sender, receiver, accepted, cargo;
static uv_write_t write_req;
static int got_signal, got_async, got_cargo;

static void on_signal(uv_signal_t* h, int signum) {
  got_signal = signum == SIGUSR1;
  uv_close((uv_handle_t*)h, NULL);
}

static void on_async(uv_async_t* h) {
  got_async = 1;
  uv_close((uv_handle_t*)h, NULL);
}

static void work_cb(uv_work_t* req) {
  (void)req;
  uv_async_send(&async); /* from a pool thread */
}

static void after_work(uv_work_t* req, int status) {
  (void)req;
  (void)status;
}

static void alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  static char storage[64];
  (void)h;
  (void)suggested;
  *buf = uv_buf_init(storage, sizeof storage);
}

static void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  (void)buf;
  if (n > 0 && uv_pipe_pending_count((uv_pipe_t*)s) > 0) {
    CHECK(uv_pipe_init(&loop, &accepted, 0));
    CHECK(uv_accept(s, (uv_stream_t*)&accepted));
    got_cargo = 1;
    uv_close((uv_handle_t*)&accepted, NULL);
  }
  uv_close((uv_handle_t*)s, NULL);
}

static void on_written(uv_write_t* req, int status) {
  CHECK(status);
  uv_close((uv_handle_t*)req->handle, NULL);
  uv_close((uv_handle_t*)&cargo, NULL); /* the sender's copy: the message carries its own */
}

int main(void) {
  CHECK(uv_loop_init(&loop));

  CHECK(uv_signal_init(&loop, &sig));
  CHECK(uv_signal_start(&sig, on_signal, SIGUSR1));
  CHECK(uv_kill(uv_os_getpid(), SIGUSR1));

  CHECK(uv_async_init(&loop, &async, on_async));
  CHECK(uv_queue_work(&loop, &work, work_cb, after_work));

  uv_os_sock_t pair[2];
  uv_file ends[2];
  CHECK(uv_socketpair(SOCK_STREAM, 0, pair, 0, 0));
  CHECK(uv_pipe(ends, 0, 0));
  CHECK(uv_pipe_init(&loop, &sender, 1));
  CHECK(uv_pipe_init(&loop, &receiver, 1));
  CHECK(uv_pipe_init(&loop, &cargo, 0));
  CHECK(uv_pipe_open(&sender, pair[0]));
  CHECK(uv_pipe_open(&receiver, pair[1]));
  CHECK(uv_pipe_open(&cargo, ends[0]));
  close(ends[1]);
  uv_buf_t one = uv_buf_init("x", 1);
  CHECK(uv_write2(&write_req, (uv_stream_t*)&sender, &one, 1, (uv_stream_t*)&cargo, on_written));
  CHECK(uv_read_start((uv_stream_t*)&receiver, alloc_cb, on_read));

  CHECK(uv_run(&loop, UV_RUN_DEFAULT));
  CHECK(uv_loop_close(&loop));
  if (!got_signal || !got_async || !got_cargo) {
    fprintf(stderr, "trace_demo: signal %d, async %d, cargo %d\n", got_signal, got_async, got_cargo);
    return 1;
  }
  printf("trace_demo: ok\n");
  return 0;
}
