/*
 * Probe for the write-queue diagram: three uv_write() calls on a pipe whose
 * socket buffer fills up, and a snapshot of the stream's two queues after each
 * step: the requests waiting in write_queue (bytes written of bytes asked),
 * those in write_completed_queue (done, callback not yet run), and the
 * callbacks run so far. Written against libuv's public API and uv.h's
 * (private but visible) queue fields, so what it records is what the library
 * did, not what the diagram assumes.
 *
 *   uvref_write_queue_probe OUT.json
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <uv.h>

enum { kSmall = 100, kLarge = 300000 };

static uv_write_t reqs[3];
static const char* names[3] = {"W1", "W2", "W3"};
static size_t sizes[3] = {kSmall, kLarge, kSmall};
static const char* ran[3];
static int nran;
static FILE* out;
static int first_snapshot = 1;

static void on_write(uv_write_t* req, int status) {
  (void)status;
  ran[nran++] = names[req - reqs];
}

static size_t left(const uv_write_t* req) {
  size_t n = 0;
  for (unsigned i = req->write_index; i < req->nbufs; i++) n += req->bufs[i].len;
  return n;
}

static void list(const struct uv__queue* head, int with_bytes) {
  int first = 1;
  for (const struct uv__queue* q = head->next; q != head; q = q->next) {
    const uv_write_t* req = (const uv_write_t*)((const char*)q - offsetof(uv_write_t, queue));
    int i = (int)(req - reqs);
    if (with_bytes)
      fprintf(out, "%s{\"name\": \"%s\", \"written\": %zu, \"size\": %zu}", first ? "" : ", ", names[i],
              sizes[i] - left(req), sizes[i]);
    else
      fprintf(out, "%s\"%s\"", first ? "" : ", ", names[i]);
    first = 0;
  }
}

static void snapshot(const char* step, uv_pipe_t* w) {
  fprintf(out, "%s{\"step\": \"%s\", \"queue_size\": %zu, \"queued\": [", first_snapshot ? "" : ",\n ", step,
          w->write_queue_size);
  list(&w->write_queue, 1);
  fprintf(out, "], \"completed\": [");
  list(&w->write_completed_queue, 0);
  fprintf(out, "], \"callbacks\": [");
  for (int i = 0; i < nran; i++) fprintf(out, "%s\"%s\"", i ? ", " : "", ran[i]);
  fprintf(out, "]}");
  first_snapshot = 0;
}

/* Reads at most n bytes that are already there (the reader never waits). */
static size_t drain(int fd, size_t n) {
  static char buf[65536];
  size_t got = 0;
  while (got < n) {
    ssize_t r = recv(fd, buf, n - got < sizeof buf ? n - got : sizeof buf, MSG_DONTWAIT);
    if (r <= 0) break;
    got += (size_t)r;
  }
  return got;
}

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  out = fopen(argv[1], "w");
  if (out == NULL) return 3;
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return 4;
  int small = 4096;
  setsockopt(sv[0], SOL_SOCKET, SO_SNDBUF, &small, sizeof small);
  uv_loop_t loop;
  uv_pipe_t w;
  if (uv_loop_init(&loop) != 0 || uv_pipe_init(&loop, &w, 0) != 0 || uv_pipe_open(&w, sv[0]) != 0) return 5;
  char* data = calloc(1, kLarge);
  uv_buf_t bufs[3];
  for (int i = 0; i < 3; i++) bufs[i] = uv_buf_init(data, (unsigned)sizes[i]);

  fprintf(out, "{\"snapshots\": [");
  uv_write(&reqs[0], (uv_stream_t*)&w, &bufs[0], 1, on_write);
  snapshot("uv_write(W1, 100 B) on an empty queue", &w);
  uv_write(&reqs[1], (uv_stream_t*)&w, &bufs[1], 1, on_write);
  snapshot("uv_write(W2, 300000 B)", &w);
  uv_write(&reqs[2], (uv_stream_t*)&w, &bufs[2], 1, on_write);
  snapshot("uv_write(W3, 100 B)", &w);
  uv_run(&loop, UV_RUN_NOWAIT);
  snapshot("uv_run(UV_RUN_NOWAIT)", &w);
  char step[128];
  size_t taken = drain(sv[1], 100000);
  uv_run(&loop, UV_RUN_NOWAIT);
  snprintf(step, sizeof step, "the reader took %zu B; uv_run(UV_RUN_NOWAIT)", taken);
  snapshot(step, &w);
  while (nran < 3) {
    drain(sv[1], (size_t)-1);
    uv_run(&loop, UV_RUN_NOWAIT);
  }
  snapshot("the reader took the rest; uv_run() until the third callback", &w);
  fprintf(out, "]}\n");
  fclose(out);

  uv_close((uv_handle_t*)&w, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  close(sv[1]);
  free(data);
  return uv_loop_close(&loop) == 0 ? 0 : 7;
}
