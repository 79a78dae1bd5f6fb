/*
 * ping-pong (uv.h): round trips per second of a 1-byte message between two
 * processes over a socketpair. The parent sends byte i % 256, the child
 * echoes what it reads, the parent checks the echo and sends the next byte.
 * One message in flight: every round trip is a full wake-up on both sides
 * (epoll_wait, read, write), which is what an event loop adds over
 * pingpong_raw.c (blocking read and write).
 */
#include "bench_uv.h"

#include <sys/socket.h>

#define NAME "pingpong"

/*
 * A write request per message, recycled through a free list: a request is
 * busy until its callback runs, which may be after the reply has arrived.
 */
typedef struct req_s {
  uv_write_t req;
  struct req_s* next_free;
  char byte;
} req_t;

typedef struct {
  uv_pipe_t pipe;
  req_t* free_reqs;
  char buf[64];
  /* parent only */
  const bench_args_t* args;
  double t0;
  long sent;
  long done;
} side_t;

static void on_written(uv_write_t* w, int status) {
  req_t* r = (req_t*)w;
  side_t* s = w->data;
  BENCH_CHECK(NAME, status == 0, "write callback: %s", uv_err_name(status));
  r->next_free = s->free_reqs;
  s->free_reqs = r;
}

static void send_byte(side_t* s, char byte) {
  req_t* r = s->free_reqs;
  if (r != NULL) {
    s->free_reqs = r->next_free;
  } else {
    r = malloc(sizeof *r);
    BENCH_CHECK(NAME, r != NULL, "out of memory");
  }
  r->byte = byte;
  r->req.data = s;
  uv_buf_t buf = uv_buf_init(&r->byte, 1);
  BENCH_UV(NAME, uv_write(&r->req, (uv_stream_t*)&s->pipe, &buf, 1, on_written));
}

static void side_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)suggested;
  side_t* s = h->data;
  *buf = uv_buf_init(s->buf, sizeof s->buf);
}

static void child_on_read(uv_stream_t* st, ssize_t nread, const uv_buf_t* buf) {
  side_t* s = st->data;
  if (nread == UV_EOF) {
    uv_close((uv_handle_t*)st, NULL);
    return;
  }
  BENCH_CHECK(NAME, nread >= 0, "child read callback: %s", uv_err_name((int)nread));
  /* The parent waits for each echo, so a read holds at most one byte. */
  BENCH_CHECK(NAME, nread <= 1, "child read %zd bytes at once", nread);
  if (nread == 1) send_byte(s, buf->base[0]);
}

static void parent_on_read(uv_stream_t* st, ssize_t nread, const uv_buf_t* buf) {
  side_t* s = st->data;
  BENCH_CHECK(NAME, nread >= 0, "parent read callback: %s", uv_err_name((int)nread));
  if (nread == 0) return;
  BENCH_CHECK(NAME, nread == 1 && buf->base[0] == (char)(s->done & 0xff),
              "echo %ld: got %zd bytes, first 0x%02x", s->done, nread, (unsigned char)buf->base[0]);
  s->done++;
  if (bench_more(s->args, s->done, s->t0)) {
    send_byte(s, (char)(s->done & 0xff));
    s->sent++;
  } else {
    uv_close((uv_handle_t*)st, NULL); /* the child sees EOF and exits */
  }
}

static void free_reqs(side_t* s) {
  while (s->free_reqs != NULL) {
    req_t* r = s->free_reqs;
    s->free_reqs = r->next_free;
    free(r);
  }
}

static void run(side_t* s, int fd, uv_read_cb read_cb) {
  uv_loop_t loop;
  BENCH_UV(NAME, uv_loop_init(&loop));
  BENCH_UV(NAME, uv_pipe_init(&loop, &s->pipe, 0));
  s->pipe.data = s;
  BENCH_UV(NAME, uv_pipe_open(&s->pipe, fd));
  BENCH_UV(NAME, uv_read_start((uv_stream_t*)&s->pipe, side_alloc, read_cb));
  if (read_cb == parent_on_read) {
    s->t0 = bench_now();
    send_byte(s, 0);
    s->sent = 1;
  }
  BENCH_UV(NAME, uv_run(&loop, UV_RUN_DEFAULT));
  bench_loop_finish(NAME, &loop);
  free_reqs(s);
}

int main(int argc, char** argv) {
  bench_args_t args = bench_parse(argc, argv);
  int sv[2];
  BENCH_SYS(NAME, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  pid_t pid = bench_fork(NAME);
  static side_t s;
  if (pid == 0) {
    close(sv[0]);
    run(&s, sv[1], child_on_read);
    bench_child_exit();
  }
  close(sv[1]);
  s.args = &args;
  run(&s, sv[0], parent_on_read);
  double t1 = bench_now();
  bench_wait_child(NAME, pid);
  BENCH_CHECK(NAME, s.done == s.sent && s.done > 0, "sent %ld, echoed %ld", s.sent, s.done);
  bench_result(NAME, (unsigned long long)s.done, t1 - s.t0, "roundtrips");
  return 0;
}
