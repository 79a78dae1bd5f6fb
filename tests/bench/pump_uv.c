/*
 * pump (uv.h): bytes per second through a socketpair between two processes.
 *
 * The child writes 64 KiB buffers with uv_write, keeping PUMP_QUEUED of them
 * queued so the socket never runs dry; the parent reads with uv_read_start
 * into a 64 KiB buffer and checks every byte. The stream carries the pattern
 * byte[i] = i % 251 (a prime, so chunk boundaries and read boundaries never
 * line up with it), checked with one memcmp per read.
 * Baseline: pump_raw.c (blocking write/read).
 */
#include "bench_uv.h"
#include "pump_common.h"

#include <sys/socket.h>

#define NAME "pump"
#define PUMP_QUEUED 4

typedef struct {
  uv_pipe_t pipe;
  uv_write_t reqs[PUMP_QUEUED];
  const bench_args_t* args;
  double t0;
  long chunks_started;
  int in_flight;
  unsigned long long* written; /* shared with the parent */
} writer_t;

static void writer_start_one(writer_t* w, uv_write_t* req);

static void writer_on_write(uv_write_t* req, int status) {
  writer_t* w = req->data;
  BENCH_CHECK(NAME, status == 0, "write callback: %s", uv_err_name(status));
  *w->written += PUMP_CHUNK;
  w->in_flight--;
  if (bench_more(w->args, w->chunks_started, w->t0)) {
    writer_start_one(w, req);
  } else if (w->in_flight == 0) {
    uv_close((uv_handle_t*)&w->pipe, NULL); /* the reader sees EOF */
  }
}

static void writer_start_one(writer_t* w, uv_write_t* req) {
  uv_buf_t buf = uv_buf_init((char*)pump_chunk(w->chunks_started), PUMP_CHUNK);
  req->data = w;
  BENCH_UV(NAME, uv_write(req, (uv_stream_t*)&w->pipe, &buf, 1, writer_on_write));
  w->chunks_started++;
  w->in_flight++;
}

static void run_writer(int fd, const bench_args_t* args, unsigned long long* written) {
  uv_loop_t loop;
  writer_t w;
  memset(&w, 0, sizeof w);
  w.args = args;
  w.written = written;
  BENCH_UV(NAME, uv_loop_init(&loop));
  BENCH_UV(NAME, uv_pipe_init(&loop, &w.pipe, 0));
  BENCH_UV(NAME, uv_pipe_open(&w.pipe, fd));
  w.t0 = bench_now();
  for (int i = 0; i < PUMP_QUEUED && bench_more(args, w.chunks_started, w.t0); i++) {
    writer_start_one(&w, &w.reqs[i]);
  }
  if (w.in_flight == 0) uv_close((uv_handle_t*)&w.pipe, NULL);
  BENCH_UV(NAME, uv_run(&loop, UV_RUN_DEFAULT));
  bench_loop_finish(NAME, &loop);
}

typedef struct {
  uv_pipe_t pipe;
  char buf[PUMP_CHUNK];
  unsigned long long received;
  int eof;
} reader_t;

static void reader_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)suggested;
  reader_t* r = h->data;
  *buf = uv_buf_init(r->buf, sizeof r->buf);
}

static void reader_on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  reader_t* r = s->data;
  if (nread == UV_EOF) {
    r->eof = 1;
    uv_close((uv_handle_t*)s, NULL);
    return;
  }
  BENCH_CHECK(NAME, nread >= 0, "read callback: %s", uv_err_name((int)nread));
  BENCH_CHECK(NAME, buf->base == r->buf, "read into a buffer alloc_cb did not give");
  BENCH_CHECK(NAME, pump_verify(r->received, buf->base, (size_t)nread),
              "byte mismatch within %zd bytes at stream offset %llu", nread, r->received);
  r->received += (unsigned long long)nread;
}

int main(int argc, char** argv) {
  bench_args_t args = bench_parse(argc, argv);
  pump_pattern_init();
  unsigned long long* written = bench_shared(NAME, sizeof *written);
  int sv[2];
  BENCH_SYS(NAME, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  double t0 = bench_now();
  pid_t pid = bench_fork(NAME);
  if (pid == 0) {
    close(sv[0]);
    run_writer(sv[1], &args, written);
    bench_child_exit();
  }
  close(sv[1]);

  uv_loop_t loop;
  static reader_t r;
  BENCH_UV(NAME, uv_loop_init(&loop));
  BENCH_UV(NAME, uv_pipe_init(&loop, &r.pipe, 0));
  r.pipe.data = &r;
  BENCH_UV(NAME, uv_pipe_open(&r.pipe, sv[0]));
  BENCH_UV(NAME, uv_read_start((uv_stream_t*)&r.pipe, reader_alloc, reader_on_read));
  BENCH_UV(NAME, uv_run(&loop, UV_RUN_DEFAULT));
  double t1 = bench_now();
  bench_loop_finish(NAME, &loop);
  bench_wait_child(NAME, pid);

  BENCH_CHECK(NAME, r.eof, "the loop ended before EOF");
  BENCH_CHECK(NAME, r.received == *written && r.received > 0,
              "received %llu bytes, the writer completed %llu", r.received, *written);
  bench_result(NAME, r.received, t1 - t0, "bytes");
  return 0;
}
