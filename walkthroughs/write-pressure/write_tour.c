/*
 * write_tour.c: three uv_write() calls on a stream whose socket buffer is
 * full; small enough to step through in GDB
 * (walkthroughs/write-pressure/write-pressure.gdb).
 *
 *   1. a socket pair; the program fills one end's send buffer with plain
 *      non-blocking write() calls until the kernel answers EAGAIN;
 *   2. that end becomes the `writer` pipe handle; three uv_write() calls of
 *      1024 bytes each. The first tries write() at once and gets EAGAIN: it
 *      stays queued and the writer's watcher asks for POLLOUT. The other two
 *      queue behind it without a system call;
 *   3. the other end, `reader`, starts reading. The loop drains the socket;
 *      once there is room, epoll reports POLLOUT, the three requests are
 *      written in order, and their callbacks run in order;
 *   4. when the reader has every byte, both handles are closed.
 *
 * How many bytes fit before EAGAIN depends on the kernel's socket buffer
 * size (net.core.wmem_default), so the program never prints that number.
 * Descriptors inherited from the shell or the debugger are closed first, so
 * the loop's descriptors get the same numbers on every machine.
 * Written against libuv's API: it builds against Debian's libuv as well.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <uv.h>

enum { kWrites = 3, kLen = 1024 };

static uv_loop_t loop;
static uv_pipe_t writer, reader;
static uv_write_t writes[kWrites];
static char payload[kWrites][kLen];
static char buffer[65536];
static size_t filled, received;
static int completed, failures;

static void on_write(uv_write_t* req, int status) {
  int index = (int)(req - writes);
  printf("write %d done, status %d\n", index, status);
  if (index != completed || status != 0) failures++; /* in submission order, all fine */
  completed++;
}

static void on_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)h;
  (void)suggested;
  *buf = uv_buf_init(buffer, sizeof buffer);
}

static void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  (void)s;
  (void)buf;
  if (n < 0) failures++;
  if (n > 0) received += (size_t)n;
  if (received == filled + kWrites * kLen) {
    uv_close((uv_handle_t*)&reader, NULL);
    uv_close((uv_handle_t*)&writer, NULL);
  }
}

int main(void) {
  uv_os_sock_t sv[2];
  char block[4096];
  close_range(3, ~0U, 0); /* numbering starts at 3 wherever the program runs */
  if (uv_loop_init(&loop) != 0) return 1;
  if (uv_socketpair(SOCK_STREAM, 0, sv, UV_NONBLOCK_PIPE, UV_NONBLOCK_PIPE) != 0) return 1;

  memset(block, '.', sizeof block);
  for (ssize_t n; (n = write(sv[0], block, sizeof block)) > 0;) filled += (size_t)n;

  uv_pipe_init(&loop, &writer, 0);
  uv_pipe_open(&writer, sv[0]);
  uv_pipe_init(&loop, &reader, 0);
  uv_pipe_open(&reader, sv[1]);

  for (int i = 0; i < kWrites; i++) {
    memset(payload[i], 'a' + i, kLen);
    uv_buf_t buf = uv_buf_init(payload[i], kLen);
    uv_write(&writes[i], (uv_stream_t*)&writer, &buf, 1, on_write);
  }
  uv_read_start((uv_stream_t*)&reader, on_alloc, on_read);

  uv_run(&loop, UV_RUN_DEFAULT);
  int closed = uv_loop_close(&loop);
  printf("%d writes completed, %zu bytes received, uv_loop_close %d\n", completed, received, closed);
  return completed == kWrites && failures == 0 && closed == 0 ? 0 : 1;
}
