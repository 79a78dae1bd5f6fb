/*
 * Differential program: uv_pipe_t over descriptors epoll cannot watch.
 *
 * libuv 1.44 lets uv_pipe_open() adopt a regular file or /dev/null (the
 * guide's tee writes its output file this way), and writes to it complete
 * at once. A regular file can also arrive over an IPC pipe and be accepted
 * into a uv_pipe_t. The program never starts reading such a stream: libuv
 * aborts there (epoll_ctl fails with EPERM), uvref returns UV_EPERM (unit
 * tests cover it).
 */
#include "diff_common.h"

static uv_loop_t loop;
static int write_calls;

static void on_close(uv_handle_t* h) { (void)h; }
static void on_write(uv_write_t* req, int status) {
  (void)req;
  write_calls++;
  say("  write_cb status %s", diff_err(status));
}

static void show_file(const char* path) {
  char buf[128];
  int fd = open(path, O_RDONLY);
  CHECK(fd >= 0);
  ssize_t n = read(fd, buf, sizeof buf - 1);
  CHECK(n >= 0);
  buf[n] = '\0';
  for (char* p = buf; *p; p++)
    if (*p == '\n') *p = '|';
  say("  %s holds \"%s\"", path, buf);
  close(fd);
}

/* Writes @p text through @p s; reports when write_cb ran. */
static void write_text(uv_stream_t* s, const char* text) {
  uv_write_t req;
  uv_buf_t buf = uv_buf_init((char*)text, (unsigned)strlen(text));
  write_calls = 0;
  int r = uv_write(&req, s, &buf, 1, on_write);
  say("  uv_write = %s, write queue %zu, write_cb before uv_run %d", diff_err(r), uv_stream_get_write_queue_size(s),
      write_calls);
  uv_run(&loop, UV_RUN_NOWAIT);
  say("  write_cb after one UV_RUN_NOWAIT %d", write_calls);
}

static void regular_file(void) {
  int fd = open("out.txt", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  CHECK(fd >= 0);
  uv_pipe_t p;
  CHECK(uv_pipe_init(&loop, &p, 0) == 0);
  say("regular file: uv_pipe_open = %s", diff_err(uv_pipe_open(&p, fd)));
  say("  readable %d, writable %d, O_NONBLOCK %d", uv_is_readable((uv_stream_t*)&p),
      uv_is_writable((uv_stream_t*)&p), (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
  write_text((uv_stream_t*)&p, "hello\n");
  write_text((uv_stream_t*)&p, "world\n");

  /* Two writes queued back to back, callbacks together. */
  uv_write_t r1, r2;
  uv_buf_t b1 = uv_buf_init("one\n", 4), b2 = uv_buf_init("two\n", 4);
  write_calls = 0;
  CHECK(uv_write(&r1, (uv_stream_t*)&p, &b1, 1, on_write) == 0);
  CHECK(uv_write(&r2, (uv_stream_t*)&p, &b2, 1, on_write) == 0);
  uv_run(&loop, UV_RUN_NOWAIT);
  say("  two queued writes: write_cb %d", write_calls);
  show_file("out.txt");
  uv_close((uv_handle_t*)&p, on_close);
  uv_run(&loop, UV_RUN_DEFAULT);
  say("  descriptor closed by uv_close: %d", fcntl(fd, F_GETFD) == -1);
}

static void dev_null(void) {
  int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
  CHECK(fd >= 0);
  uv_pipe_t p;
  CHECK(uv_pipe_init(&loop, &p, 0) == 0);
  say("/dev/null: uv_pipe_open = %s", diff_err(uv_pipe_open(&p, fd)));
  say("  readable %d, writable %d", uv_is_readable((uv_stream_t*)&p), uv_is_writable((uv_stream_t*)&p));
  write_text((uv_stream_t*)&p, "into the void\n");
  uv_close((uv_handle_t*)&p, on_close);
  uv_run(&loop, UV_RUN_DEFAULT);
}

static int reads;
static void on_alloc(uv_handle_t* h, size_t n, uv_buf_t* b) {
  (void)h;
  static char storage[64];
  (void)n;
  *b = uv_buf_init(storage, sizeof storage);
}
static void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* b) {
  (void)b;
  if (n > 0) {
    reads++;
    uv_read_stop(s);
  }
}

static void file_over_ipc(void) {
  uv_os_sock_t sv[2];
  CHECK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0) == 0);
  uv_pipe_t tx, rx, file, got;
  CHECK(uv_pipe_init(&loop, &tx, 1) == 0);
  CHECK(uv_pipe_open(&tx, sv[0]) == 0);
  CHECK(uv_pipe_init(&loop, &rx, 1) == 0);
  CHECK(uv_pipe_open(&rx, sv[1]) == 0);

  int fd = open("ipc.txt", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  CHECK(fd >= 0);
  CHECK(uv_pipe_init(&loop, &file, 0) == 0);
  CHECK(uv_pipe_open(&file, fd) == 0);

  uv_write_t req;
  uv_buf_t one = uv_buf_init("f", 1);
  say("file over IPC: uv_write2 = %s", diff_err(uv_write2(&req, (uv_stream_t*)&tx, &one, 1, (uv_stream_t*)&file, on_write)));
  CHECK(uv_read_start((uv_stream_t*)&rx, on_alloc, on_read) == 0);
  while (reads == 0) uv_run(&loop, UV_RUN_ONCE);
  say("  pending %d, type %s", uv_pipe_pending_count(&rx), uv_handle_type_name(uv_pipe_pending_type(&rx)));
  CHECK(uv_pipe_init(&loop, &got, 0) == 0);
  say("  uv_accept into a uv_pipe_t = %s", diff_err(uv_accept((uv_stream_t*)&rx, (uv_stream_t*)&got)));
  say("  readable %d, writable %d", uv_is_readable((uv_stream_t*)&got), uv_is_writable((uv_stream_t*)&got));
  write_text((uv_stream_t*)&got, "received\n");
  show_file("ipc.txt");

  uv_close((uv_handle_t*)&tx, on_close);
  uv_close((uv_handle_t*)&rx, on_close);
  uv_close((uv_handle_t*)&file, on_close);
  uv_close((uv_handle_t*)&got, on_close);
  uv_run(&loop, UV_RUN_DEFAULT);
}

int main(void) {
  diff_start();
  CHECK(uv_loop_init(&loop) == 0);
  regular_file();
  dev_null();
  file_over_ipc();
  CHECK(uv_loop_close(&loop) == 0);
  unlink("out.txt");
  unlink("ipc.txt");
  diff_done();
  return 0;
}
