/*
 * fd passing (uv.h): descriptors per second sent with uv_write2 over an IPC
 * pipe (a socketpair) and accepted on the other side with uv_accept.
 * The child sends, keeping up to FDPASS_WINDOW writes queued (steady: each
 * completion starts the next one); the parent asks each pending
 * descriptor's type, accepts it into a pipe handle, checks with fstat that
 * it is the pipe the child sent, and closes it. At the end the parent checks
 * every message byte was seen and that no descriptor leaked.
 * fdburst_uv.c builds the same program as the burst workload: FDPASS_WINDOW
 * writes issued at once, the next burst only when all have completed.
 * Baseline: fdpass_raw.c (blocking sendmsg / recvmsg).
 */
#include "bench_uv.h"
#include "fdpass_common.h"

#include <sys/socket.h>

#ifndef NAME
#define NAME "fdpass"
#define FDPASS_WINDOW 16 /* writes in flight */
#define FDPASS_BURST 0   /* 0: refill one by one; 1: refill all at once when all completed */
#endif

static struct stat carried_stat; /* the pipe every message carries */

/* ---- sender (child) ---- */

typedef struct {
  uv_pipe_t channel;
  uv_pipe_t carried;
  uv_write_t reqs[FDPASS_WINDOW];
  uv_write_t end_req;
  const bench_args_t* args;
  double t0;
  long started;
  int in_flight;
  long* sent; /* shared with the parent */
  char bytes[25];
  char end_byte;
  char ack_buf[16];
} sender_t;

static void sender_start_one(sender_t* s, uv_write_t* req);
static void sender_start_window(sender_t* s);

static void sender_on_end_written(uv_write_t* req, int status) {
  (void)req;
  BENCH_CHECK(NAME, status == 0, "end marker write: %s", uv_err_name(status));
}

static void sender_send_end(sender_t* s) {
  uv_buf_t buf = uv_buf_init(&s->end_byte, 1);
  BENCH_UV(NAME, uv_write(&s->end_req, (uv_stream_t*)&s->channel, &buf, 1, sender_on_end_written));
}

static void sender_on_written(uv_write_t* req, int status) {
  sender_t* s = req->data;
  BENCH_CHECK(NAME, status == 0, "uv_write2 callback: %s", uv_err_name(status));
  (*s->sent)++;
  s->in_flight--;
  if (!FDPASS_BURST && bench_more(s->args, s->started, s->t0)) {
    sender_start_one(s, req);
  } else if (FDPASS_BURST && s->in_flight == 0) {
    sender_start_window(s);
  }
  if (s->in_flight == 0) sender_send_end(s);
}

static void sender_start_one(sender_t* s, uv_write_t* req) {
  uv_buf_t buf = uv_buf_init(&s->bytes[s->started % 25], 1);
  req->data = s;
  BENCH_UV(NAME, uv_write2(req, (uv_stream_t*)&s->channel, &buf, 1, (uv_stream_t*)&s->carried,
                           sender_on_written));
  s->started++;
  s->in_flight++;
}

static void sender_start_window(sender_t* s) {
  for (int i = 0; i < FDPASS_WINDOW && bench_more(s->args, s->started, s->t0); i++) {
    sender_start_one(s, &s->reqs[i]);
  }
}

static void sender_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)suggested;
  sender_t* s = h->data;
  *buf = uv_buf_init(s->ack_buf, sizeof s->ack_buf);
}

static void sender_on_read(uv_stream_t* st, ssize_t nread, const uv_buf_t* buf) {
  sender_t* s = st->data;
  if (nread == 0) return;
  BENCH_CHECK(NAME, nread == 1 && buf->base[0] == FDPASS_ACK, "sender expected the ack, got %zd", nread);
  uv_close((uv_handle_t*)&s->channel, NULL);
  uv_close((uv_handle_t*)&s->carried, NULL);
}

static void run_sender(int channel_fd, int carried_fd, const bench_args_t* args, long* sent) {
  uv_loop_t loop;
  static sender_t s;
  s.args = args;
  s.sent = sent;
  s.end_byte = FDPASS_END;
  for (int i = 0; i < 25; i++) s.bytes[i] = FDPASS_BYTE(i);
  BENCH_UV(NAME, uv_loop_init(&loop));
  BENCH_UV(NAME, uv_pipe_init(&loop, &s.channel, 1));
  BENCH_UV(NAME, uv_pipe_open(&s.channel, channel_fd));
  s.channel.data = &s;
  BENCH_UV(NAME, uv_pipe_init(&loop, &s.carried, 0));
  BENCH_UV(NAME, uv_pipe_open(&s.carried, carried_fd));
  BENCH_UV(NAME, uv_read_start((uv_stream_t*)&s.channel, sender_alloc, sender_on_read));
  s.t0 = bench_now();
  sender_start_window(&s); /* before the loop runs: the first burst, or the first 16 */
  if (s.in_flight == 0) sender_send_end(&s);
  BENCH_UV(NAME, uv_run(&loop, UV_RUN_DEFAULT));
  bench_loop_finish(NAME, &loop);
}

/* ---- receiver (parent) ---- */

typedef struct {
  uv_pipe_t channel;
  uv_write_t ack_req;
  char buf[64];
  char ack_byte;
  long bytes;    /* message bytes seen (one per descriptor) */
  long accepted; /* descriptors accepted and verified */
  int ended;
} receiver_t;

static void on_client_closed(uv_handle_t* h) { free(h); }

static void receiver_accept_pending(receiver_t* r) {
  while (uv_pipe_pending_count(&r->channel) > 0) {
    uv_handle_type type = uv_pipe_pending_type(&r->channel);
    BENCH_CHECK(NAME, type == UV_NAMED_PIPE, "pending type %d, expected UV_NAMED_PIPE", (int)type);
    uv_pipe_t* client = malloc(sizeof *client);
    BENCH_CHECK(NAME, client != NULL, "out of memory");
    BENCH_UV(NAME, uv_pipe_init(r->channel.loop, client, 0));
    BENCH_UV(NAME, uv_accept((uv_stream_t*)&r->channel, (uv_stream_t*)client));
    uv_os_fd_t fd = -1;
    BENCH_UV(NAME, uv_fileno((uv_handle_t*)client, &fd));
    BENCH_CHECK(NAME, fdpass_same_file(fd, &carried_stat),
                "descriptor %d (message %ld) is not the pipe that was sent", (int)fd, r->accepted);
    r->accepted++;
    uv_close((uv_handle_t*)client, on_client_closed);
  }
}

static void receiver_on_ack_written(uv_write_t* req, int status) {
  BENCH_CHECK(NAME, status == 0, "ack write: %s", uv_err_name(status));
  uv_close((uv_handle_t*)req->handle, NULL);
}

static void receiver_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)suggested;
  receiver_t* r = h->data;
  *buf = uv_buf_init(r->buf, sizeof r->buf);
}

static void receiver_on_read(uv_stream_t* st, ssize_t nread, const uv_buf_t* buf) {
  receiver_t* r = st->data;
  BENCH_CHECK(NAME, nread >= 0, "receiver read callback: %s (after %ld messages)",
              uv_err_name((int)nread), r->bytes);
  for (ssize_t i = 0; i < nread; i++) {
    BENCH_CHECK(NAME, !r->ended, "bytes after the end marker");
    if (buf->base[i] == FDPASS_END) {
      r->ended = 1;
      continue;
    }
    BENCH_CHECK(NAME, buf->base[i] == FDPASS_BYTE(r->bytes), "message %ld: byte 0x%02x", r->bytes,
                (unsigned char)buf->base[i]);
    r->bytes++;
  }
  receiver_accept_pending(r);
  if (r->ended) {
    BENCH_UV(NAME, uv_read_stop(st));
    uv_buf_t ack = uv_buf_init(&r->ack_byte, 1);
    BENCH_UV(NAME, uv_write(&r->ack_req, st, &ack, 1, receiver_on_ack_written));
  }
}

int main(int argc, char** argv) {
  bench_args_t args = bench_parse(argc, argv);
  long* sent = bench_shared(NAME, sizeof *sent);
  int sv[2], carried[2];
  BENCH_SYS(NAME, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  BENCH_SYS(NAME, pipe2(carried, O_CLOEXEC));
  BENCH_SYS(NAME, fstat(carried[1], &carried_stat));
  double t0 = bench_now();
  pid_t pid = bench_fork(NAME);
  if (pid == 0) {
    close(sv[0]);
    close(carried[0]);
    run_sender(sv[1], carried[1], &args, sent);
    bench_child_exit();
  }
  close(sv[1]);
  close(carried[0]);
  close(carried[1]);

  uv_loop_t loop;
  static receiver_t r;
  r.ack_byte = FDPASS_ACK;
  BENCH_UV(NAME, uv_loop_init(&loop));
  BENCH_UV(NAME, uv_pipe_init(&loop, &r.channel, 1));
  r.channel.data = &r;
  BENCH_UV(NAME, uv_pipe_open(&r.channel, sv[0]));
  BENCH_UV(NAME, uv_read_start((uv_stream_t*)&r.channel, receiver_alloc, receiver_on_read));
  int fds_before = bench_count_fds(NAME);
  BENCH_UV(NAME, uv_run(&loop, UV_RUN_DEFAULT));
  double t1 = bench_now();
  int fds_after = bench_count_fds(NAME);
  bench_loop_finish(NAME, &loop);
  bench_wait_child(NAME, pid);

  BENCH_CHECK(NAME, r.ended, "no end marker");
  BENCH_CHECK(NAME, r.accepted == r.bytes && r.bytes == *sent && *sent > 0,
              "sent %ld, received %ld messages and %ld descriptors", *sent, r.bytes, r.accepted);
  /* Every accepted descriptor closed, and the channel too. */
  BENCH_CHECK(NAME, fds_after == fds_before - 1, "%d descriptors open before, %d after (expected %d)",
              fds_before, fds_after, fds_before - 1);
  bench_result(NAME, (unsigned long long)r.accepted, t1 - t0, "fds");
  return 0;
}
