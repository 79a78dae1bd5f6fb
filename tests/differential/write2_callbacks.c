/*
 * Differential program: uv_write2() called from write callbacks, and what a
 * program can see around it.
 *
 * libuv writes such a uv_write2() at once, inside the call (one sendmsg()
 * each). uvref holds it until the stream's callbacks are done and then sends
 * the held ones together (src/stream/write_cork.cpp). Everything below must
 * come out the same: each callback once, in order, with its status; the bytes
 * and descriptors the peer receives, in order (the peer's report joins the
 * messages: how many recvmsg() calls it took is the point of the change); a
 * uv_try_write, a uv_close of the channel or of the handle being sent, a
 * uv_shutdown and a write to another stream, each made from a callback; the
 * peer gone. The one declared difference: write_queue_size read inside the
 * callback right after the uv_write2() (write2_callbacks.diff-expected).
 *
 * Each case has its own socket pair: a uv_pipe_t IPC channel on one end, the
 * other end read here with recvmsg() after the loop has run.
 */
#include <signal.h>

#include "write2_common.h"

#define CARRIED 4
#define STEADY_TOTAL 12
#define STEADY_WINDOW 4

static uv_loop_t loop;
static uv_pipe_t channel, other;
static int peer = -1, other_peer = -1;
static uv_pipe_t carried[CARRIED];
static struct stat carried_stat[CARRIED];
static uv_write_t reqs[STEADY_TOTAL + 4];
static uv_shutdown_t shutdown_req;
static char letters[] = "abcdefghijklmnopqrstuvwxyz";
static int started;
static void (*in_callback)(uv_write_t* req);

static void open_carried(void) {
  for (int i = 0; i < CARRIED; i++) w2_open_read_end(&loop, &carried[i], &carried_stat[i]);
}

/* Which carried pipe a received descriptor is (by inode), or -1. */
static int carried_index(int fd) {
  struct stat st;
  CHECK(fstat(fd, &st) == 0);
  for (int i = 0; i < CARRIED; i++)
    if (st.st_ino == carried_stat[i].st_ino && st.st_dev == carried_stat[i].st_dev) return i;
  return -1;
}

/* What report_peer() has read so far. */
struct joined {
  char bytes[256], fds[512];
  size_t nbytes, nfds;
};

static void join_bytes(const char* data, size_t n, void* ctx) {
  struct joined* j = ctx;
  CHECK(j->nbytes + n < sizeof j->bytes);
  memcpy(j->bytes + j->nbytes, data, n);
  j->nbytes += n;
}

static void join_fd(int fd, void* ctx) {
  struct joined* j = ctx;
  j->nfds += (size_t)snprintf(j->fds + j->nfds, sizeof j->fds - j->nfds, " %d", carried_index(fd));
  close(fd);
}

/* Everything waiting at @p sock, joined: bytes, descriptors (as carried indexes), EOF. */
static void report_peer(const char* label, int sock) {
  struct joined j = {.nbytes = 0};
  int eof = w2_drain(sock, join_bytes, join_fd, &j);
  j.fds[j.nfds] = '\0';
  say("  %s received \"%.*s\", descriptors:%s%s", label, (int)j.nbytes, j.bytes, j.nfds ? j.fds : " none",
      eof ? ", then end of stream" : "");
}

static void on_written(uv_write_t* req, int status) {
  say("  write %c: callback %s", *(char*)req->data, diff_err(status));
  if (in_callback != NULL) in_callback(req);
}

static int write2(uv_pipe_t* p, int i, int carried_i) {
  uv_buf_t buf = uv_buf_init(&letters[i], 1);
  reqs[i].data = &letters[i];
  return uv_write2(&reqs[i], (uv_stream_t*)p, &buf, 1, (uv_stream_t*)&carried[carried_i], on_written);
}

static void on_closed(uv_handle_t* h) { (void)h; }

/* Runs one case: @p first writes before the loop runs, @p cb inside callbacks. */
static void run_case(const char* name, int first, void (*cb)(uv_write_t*)) {
  say("== %s", name);
  CHECK(uv_loop_init(&loop) == 0);
  open_carried();
  w2_open_channel(&loop, &channel, &peer);
  started = first;
  in_callback = cb;
  for (int i = 0; i < first; i++) CHECK(write2(&channel, i, i % CARRIED) == 0);
  CHECK(uv_run(&loop, UV_RUN_DEFAULT) == 0);
  in_callback = NULL;
  if (peer != -1) report_peer("peer", peer);
  if (other_peer != -1) report_peer("other peer", other_peer);
  if (!uv_is_closing((uv_handle_t*)&channel)) uv_close((uv_handle_t*)&channel, on_closed);
  if (other.loop == &loop && !uv_is_closing((uv_handle_t*)&other)) uv_close((uv_handle_t*)&other, on_closed);
  for (int i = 0; i < CARRIED; i++)
    if (!uv_is_closing((uv_handle_t*)&carried[i])) uv_close((uv_handle_t*)&carried[i], on_closed);
  CHECK(uv_run(&loop, UV_RUN_DEFAULT) == 0);
  CHECK(uv_loop_close(&loop) == 0);
  if (peer != -1) close(peer);
  if (other_peer != -1) close(other_peer);
  peer = other_peer = -1;
  memset(&other, 0, sizeof other);
}

/* Steady: each callback starts the next uv_write2, up to STEADY_TOTAL. */
static void steady_next(uv_write_t* req) {
  (void)req;
  if (started == STEADY_TOTAL) return;
  CHECK(write2(&channel, started, started % CARRIED) == 0);
  started++;
}

static void try_write_after(uv_write_t* req) {
  (void)req;
  in_callback = NULL;
  CHECK(write2(&channel, 1, 1) == 0);
  uv_buf_t c = uv_buf_init(&letters[2], 1);
  say("  uv_try_write after it = %s", diff_err(uv_try_write((uv_stream_t*)&channel, &c, 1)));
}

static void close_sent_handle(uv_write_t* req) {
  (void)req;
  in_callback = NULL;
  CHECK(write2(&channel, 1, 1) == 0);
  uv_close((uv_handle_t*)&carried[1], on_closed);
  say("  uv_close of the handle just sent");
}

static void close_channel(uv_write_t* req) {
  (void)req;
  in_callback = NULL;
  CHECK(write2(&channel, 1, 1) == 0);
  uv_close((uv_handle_t*)&channel, on_closed);
  say("  uv_close of the channel");
}

static void on_shutdown(uv_shutdown_t* req, int status) {
  (void)req;
  say("  shutdown: callback %s", diff_err(status));
}

static void shutdown_channel(uv_write_t* req) {
  (void)req;
  in_callback = NULL;
  CHECK(write2(&channel, 1, 1) == 0);
  say("  uv_shutdown = %s", diff_err(uv_shutdown(&shutdown_req, (uv_stream_t*)&channel, on_shutdown)));
}

static void write_other_stream(uv_write_t* req) {
  (void)req;
  in_callback = NULL;
  w2_open_channel(&loop, &other, &other_peer);
  CHECK(write2(&other, 1, 1) == 0);
  char byte;
  ssize_t n = recv(other_peer, &byte, 1, MSG_DONTWAIT | MSG_PEEK);
  say("  uv_write2 to another channel: its peer can read %zd byte(s) before the callback returns", n);
}

static void peer_gone(uv_write_t* req) {
  (void)req;
  in_callback = NULL;
  close(peer);
  peer = -1;
  CHECK(write2(&channel, 1, 1) == 0);
  CHECK(write2(&channel, 2, 2) == 0);
}

static void plain_write_behind(uv_write_t* req) {
  (void)req;
  in_callback = NULL;
  CHECK(write2(&channel, 1, 1) == 0);
  uv_buf_t c = uv_buf_init(&letters[2], 1);
  reqs[2].data = &letters[2];
  CHECK(uv_write(&reqs[2], (uv_stream_t*)&channel, &c, 1, on_written) == 0);
  CHECK(write2(&channel, 3, 3) == 0);
}

static void queue_size(uv_write_t* req) {
  (void)req;
  in_callback = NULL;
  CHECK(write2(&channel, 1, 1) == 0);
  say("  after one uv_write2: write_queue_size %zu, uv_stream_get_write_queue_size %zu",
      channel.write_queue_size, uv_stream_get_write_queue_size((uv_stream_t*)&channel));
  CHECK(write2(&channel, 2, 2) == 0);
  say("  after two: write_queue_size %zu", channel.write_queue_size);
}

int main(void) {
  diff_start();
  signal(SIGPIPE, SIG_IGN); /* libuv 1.44.2 sends without MSG_NOSIGNAL */
  run_case("each callback starts the next uv_write2", STEADY_WINDOW, steady_next);
  run_case("uv_try_write in a callback, after a uv_write2", 1, try_write_after);
  run_case("uv_close of the handle a callback just sent", 1, close_sent_handle);
  run_case("uv_close of the channel in a callback, after a uv_write2", 1, close_channel);
  run_case("uv_shutdown in a callback, after a uv_write2", 1, shutdown_channel);
  run_case("a uv_write2 to another channel from a callback", 1, write_other_stream);
  run_case("the peer gone, two uv_write2s from a callback", 1, peer_gone);
  run_case("a plain uv_write between two uv_write2s from a callback", 1, plain_write_behind);
  run_case("write_queue_size inside a callback, after a uv_write2", 1, queue_size);
  diff_done();
  return 0;
}
