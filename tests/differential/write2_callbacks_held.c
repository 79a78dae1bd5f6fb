/*
 * Differential program: many writes, and unusual calls, made from one write
 * callback of an IPC pipe (more of write2_callbacks.c's subject).
 *
 * uvref holds a uv_write2() made from a write callback until the callbacks
 * are done (src/stream/write_cork.cpp); libuv writes it inside the call. What
 * a program sees must not change: more writes held than one wake-up writes
 * (60 descriptors go in one sendmsg, 32 requests in one wake-up) and then a
 * uv_close() or uv_try_write() in the same callback; a plain uv_write() mix,
 * empty ones too (they write no byte, yet complete);
 * the handle being sent belonging to another loop and closed there; a
 * uv_write_t reused or freed in its callback; a TCP handle sent; uv_stop(),
 * uv_read_stop() and uv_read_start() from the callback; the peer gone.
 *
 * Each report line joins runs of equal values ("0 x70"), so a case with 70
 * writes stays one line.
 */
#include <netinet/in.h>
#include <signal.h>

#include "write2_common.h"

#define CARRIED 4
#define MANY 70

static uv_loop_t loop;
static uv_pipe_t channel;
static int peer = -1;
static uv_pipe_t carried[CARRIED];
static uv_write_t reqs[MANY + 1];
static char byte = 'x';
static int statuses[MANY + 1];
static int nstatuses;
static int chained; /* uv_write2s started by the chain cases */
static void (*in_callback)(uv_write_t* req);

/* A run-length list of values, in order: "0 x3, UV_EPIPE x1". */
struct runs {
  char line[512], last[128];
  int count;
};

static void runs_close(struct runs* r) {
  if (r->count == 0) return;
  size_t len = strlen(r->line);
  snprintf(r->line + len, sizeof r->line - len, "%s%s x%d", len ? ", " : "", r->last, r->count);
  r->count = 0;
}

static void runs_add(struct runs* r, const char* value) {
  if (r->count > 0 && strcmp(value, r->last) == 0) {
    r->count++;
    return;
  }
  runs_close(r);
  snprintf(r->last, sizeof r->last, "%s", value);
  r->count = 1;
}

static void report_callbacks(void) {
  struct runs r = {.count = 0};
  for (int i = 0; i < nstatuses; i++) runs_add(&r, diff_err(statuses[i]));
  runs_close(&r);
  say("  callbacks, in order: %s", nstatuses ? r.line : "none");
}

/* What report_peer() has read so far. */
struct received {
  size_t nbytes;
  int nfds;
  struct runs kinds;
};

static void count_bytes(const char* data, size_t n, void* ctx) {
  (void)data;
  ((struct received*)ctx)->nbytes += n;
}

static void add_kind(int fd, void* ctx) {
  struct received* got = ctx;
  char kind[128];
  diff_kind(fd, kind, sizeof kind);
  close(fd);
  got->nfds++;
  runs_add(&got->kinds, kind);
}

/* What the peer can read now: bytes, and the kinds of the descriptors, in order. */
static void report_peer(void) {
  struct received got = {.nbytes = 0};
  w2_drain(peer, count_bytes, add_kind, &got);
  runs_close(&got.kinds);
  say("  peer can read %zu bytes, %d descriptors: %s", got.nbytes, got.nfds, got.nfds ? got.kinds.line : "none");
}

static void on_written(uv_write_t* req, int status) {
  statuses[nstatuses++] = status;
  if (in_callback != NULL) in_callback(req);
}

static int write2(uv_write_t* req, uv_stream_t* send_handle, uv_write_cb cb) {
  uv_buf_t buf = uv_buf_init(&byte, 1);
  return uv_write2(req, (uv_stream_t*)&channel, &buf, 1, send_handle, cb);
}

static int write_plain(uv_write_t* req) {
  uv_buf_t buf = uv_buf_init(&byte, 1);
  return uv_write(req, (uv_stream_t*)&channel, &buf, 1, on_written);
}

static void on_closed(uv_handle_t* h) { (void)h; }

static void close_if_open(uv_handle_t* h) {
  if (h->loop == &loop && !uv_is_closing(h)) uv_close(h, on_closed);
}

/* One case: @p first uv_write2s before the loop runs; the first callback calls @p cb. */
static void run_case(const char* name, int first, void (*cb)(uv_write_t*)) {
  say("== %s", name);
  CHECK(uv_loop_init(&loop) == 0);
  for (int i = 0; i < CARRIED; i++) w2_open_read_end(&loop, &carried[i], NULL);
  w2_open_channel(&loop, &channel, &peer);
  nstatuses = 0;
  chained = 0;
  in_callback = cb;
  for (int i = 0; i < first; i++) CHECK(write2(&reqs[MANY - i], (uv_stream_t*)&carried[i], on_written) == 0);
  say("  uv_run = %d", uv_run(&loop, UV_RUN_DEFAULT));
  in_callback = NULL;
  if (peer != -1) report_peer();
  close_if_open((uv_handle_t*)&channel);
  for (int i = 0; i < CARRIED; i++) close_if_open((uv_handle_t*)&carried[i]);
  CHECK(uv_run(&loop, UV_RUN_DEFAULT) == 0);
  report_callbacks();
  CHECK(uv_loop_close(&loop) == 0);
  if (peer != -1) close(peer);
  peer = -1;
}

static void many_then_close(uv_write_t* req) {
  (void)req;
  in_callback = NULL;
  for (int i = 0; i < MANY; i++) CHECK(write2(&reqs[i], (uv_stream_t*)&carried[i % CARRIED], on_written) == 0);
  uv_close((uv_handle_t*)&channel, on_closed);
}

static void mixed_then_close(uv_write_t* req) {
  (void)req;
  in_callback = NULL;
  CHECK(write2(&reqs[0], (uv_stream_t*)&carried[0], on_written) == 0);
  for (int i = 1; i < 41; i++) CHECK(write_plain(&reqs[i]) == 0);
  uv_close((uv_handle_t*)&channel, on_closed);
}

static void empty_writes_then_close(uv_write_t* req) {
  (void)req;
  in_callback = NULL;
  CHECK(write2(&reqs[0], (uv_stream_t*)&carried[0], on_written) == 0);
  uv_buf_t empty = uv_buf_init(&byte, 0);
  for (int i = 1; i < MANY; i++) CHECK(uv_write(&reqs[i], (uv_stream_t*)&channel, &empty, 1, on_written) == 0);
  uv_close((uv_handle_t*)&channel, on_closed);
}

static void many_then_try_write(uv_write_t* req) {
  (void)req;
  in_callback = NULL;
  for (int i = 0; i < MANY; i++) CHECK(write2(&reqs[i], (uv_stream_t*)&carried[i % CARRIED], on_written) == 0);
  uv_buf_t buf = uv_buf_init(&byte, 1);
  say("  uv_try_write after them = %s", diff_err(uv_try_write((uv_stream_t*)&channel, &buf, 1)));
}

/* The handle sent belongs to a second loop; the next callback closes it there and frees it. */
static uv_loop_t second_loop;
static uv_pipe_t* foreign;

static void free_on_close(uv_handle_t* h) { free(h); }

static void close_foreign(uv_write_t* req) {
  (void)req;
  in_callback = NULL;
  uv_close((uv_handle_t*)foreign, free_on_close);
  foreign = NULL;
  CHECK(uv_run(&second_loop, UV_RUN_DEFAULT) == 0);
  CHECK(uv_loop_close(&second_loop) == 0);
}

static void send_foreign(uv_write_t* req) {
  (void)req;
  in_callback = close_foreign;  /* the second of the two callbacks of this pass */
  CHECK(uv_loop_init(&second_loop) == 0);
  foreign = malloc(sizeof *foreign);
  CHECK(foreign != NULL);
  w2_open_read_end(&second_loop, foreign, NULL);
  CHECK(write2(&reqs[0], (uv_stream_t*)foreign, on_written) == 0);
}

/* Each callback starts the next uv_write2 with the request it was given (or frees a malloc'd one). */

static void reuse_request(uv_write_t* req) {
  if (++chained == 6) return;
  CHECK(write2(req, (uv_stream_t*)&carried[chained % CARRIED], on_written) == 0);
}

static void on_written_free(uv_write_t* req, int status) {
  statuses[nstatuses++] = status;
  free(req);
  if (++chained == 6) return;
  uv_write_t* next = malloc(sizeof *next);
  CHECK(next != NULL);
  CHECK(write2(next, (uv_stream_t*)&carried[chained % CARRIED], on_written_free) == 0);
}

static void start_freeing(uv_write_t* req) {
  (void)req;
  in_callback = NULL;
  uv_write_t* first = malloc(sizeof *first);
  CHECK(first != NULL);
  CHECK(write2(first, (uv_stream_t*)&carried[0], on_written_free) == 0);
}

static void send_tcp(uv_write_t* req) {
  (void)req;
  in_callback = NULL;
  static uv_tcp_t tcp;
  struct sockaddr_in addr;
  CHECK(uv_ip4_addr("127.0.0.1", 0, &addr) == 0);
  CHECK(uv_tcp_init(&loop, &tcp) == 0);
  CHECK(uv_tcp_bind(&tcp, (const struct sockaddr*)&addr, 0) == 0);
  CHECK(write2(&reqs[0], (uv_stream_t*)&tcp, on_written) == 0);
  uv_close((uv_handle_t*)&tcp, on_closed);
}

static void stop_loop(uv_write_t* req) {
  (void)req;
  in_callback = NULL;
  CHECK(write2(&reqs[0], (uv_stream_t*)&carried[1], on_written) == 0);
  CHECK(write2(&reqs[1], (uv_stream_t*)&carried[2], on_written) == 0);
  uv_stop(&loop);
}

static void on_alloc(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  (void)h;
  (void)size;
  static char room[64];
  *buf = uv_buf_init(room, sizeof room);
}

static void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  (void)s;
  (void)n;
  (void)buf;
}

static void read_toggle(uv_write_t* req) {
  (void)req;
  in_callback = NULL;
  CHECK(write2(&reqs[0], (uv_stream_t*)&carried[1], on_written) == 0);
  CHECK(uv_read_start((uv_stream_t*)&channel, on_alloc, on_read) == 0);
  CHECK(write2(&reqs[1], (uv_stream_t*)&carried[2], on_written) == 0);
  CHECK(uv_read_stop((uv_stream_t*)&channel) == 0);
  CHECK(write2(&reqs[2], (uv_stream_t*)&carried[3], on_written) == 0);
}

static void peer_gone_many(uv_write_t* req) {
  (void)req;
  in_callback = NULL;
  close(peer);
  peer = -1;
  for (int i = 0; i < 5; i++) CHECK(write2(&reqs[i], (uv_stream_t*)&carried[i % CARRIED], on_written) == 0);
}

int main(void) {
  diff_start();
  signal(SIGPIPE, SIG_IGN); /* libuv 1.44.2 sends without MSG_NOSIGNAL */
  run_case("70 uv_write2s from one callback, then uv_close of the channel", 1, many_then_close);
  run_case("a uv_write2 and 40 uv_writes from one callback, then uv_close of the channel", 1, mixed_then_close);
  run_case("a uv_write2 and 69 empty uv_writes from one callback, then uv_close of the channel", 1,
           empty_writes_then_close);
  run_case("70 uv_write2s from one callback, then uv_try_write", 1, many_then_try_write);
  run_case("a uv_write2 sending another loop's handle; the next callback closes and frees it", 2, send_foreign);
  run_case("each callback reuses its uv_write_t for the next uv_write2", 1, reuse_request);
  run_case("each callback frees its uv_write_t and starts the next uv_write2", 1, start_freeing);
  run_case("a uv_write2 sending a TCP handle, closed in the same callback", 1, send_tcp);
  run_case("two uv_write2s and uv_stop from a callback", 1, stop_loop);
  run_case("uv_read_start and uv_read_stop between uv_write2s in a callback", 1, read_toggle);
  run_case("the peer gone, five uv_write2s from a callback", 1, peer_gone_many);
  diff_done();
  return 0;
}
