/*
 * Differential program: every pipe error of issue 3, from the same calls.
 *
 * Bind: a taken path (UV_EADDRINUSE, the first socket untouched), a missing
 * directory (UV_EACCES), a second bind (UV_EINVAL), names of 107, 108 and 200
 * bytes (libuv 1.44.2 truncates silently; uvref: UV_ENAMETOOLONG), the empty
 * name (Linux abstract namespace). Listen on an IPC pipe (UV_EINVAL).
 * Connect, through connect_cb: a missing path (UV_ENOENT), a regular file and
 * a socket nobody listens on (UV_ECONNREFUSED), a 200-byte name. uv_pipe_open
 * on a descriptor another handle watches (UV_EEXIST) and on a regular file.
 * getsockname / getpeername with short buffers (UV_ENOBUFS and the size
 * needed). uv_write2 with a handle on a non-IPC pipe (UV_EINVAL) and with a
 * zero-length buffer on an IPC pipe (libuv: success, nothing arrives; uvref:
 * UV_EINVAL).
 *
 * Paths live in $DIFF_TMPDIR (set by run_diff.py); they are printed relative
 * to it, and long names are padded to exact total lengths so both runs see
 * identical lengths whatever the directory's own length.
 */
#include "diff_common.h"

static uv_loop_t loop;
static char tmp[256];

static const char* path(const char* name) {
  static char buf[4][512];
  static int next;
  char* out = buf[next++ % 4];
  snprintf(out, 512, "%s/%s", tmp, name);
  return out;
}

/* A path of exactly @p total bytes (without the NUL) inside tmp. */
static const char* long_path(size_t total) {
  static char buf[2][512];
  static int next;
  char* out = buf[next++ % 2];
  size_t base = strlen(tmp) + 1;
  CHECK(total > base + 2 && total < sizeof buf[0]);
  snprintf(out, 512, "%s/", tmp);
  memset(out + base, 'n', total - base);
  out[total] = '\0';
  return out;
}

static int exists(const char* p) {
  struct stat st;
  return lstat(p, &st) == 0;
}

static void on_close(uv_handle_t* h) { (void)h; }

static void close_and_run(uv_pipe_t* p) {
  uv_close((uv_handle_t*)p, on_close);
  uv_run(&loop, UV_RUN_NOWAIT);
}

static int connect_status;
static int connect_calls;
static void on_connect(uv_connect_t* req, int status) {
  (void)req;
  connect_calls++;
  connect_status = status;
}

static void connect_to(const char* label, const char* name) {
  uv_pipe_t c;
  uv_connect_t req;
  CHECK(uv_pipe_init(&loop, &c, 0) == 0);
  connect_calls = 0;
  connect_status = 12345;
  uv_pipe_connect(&req, &c, name, on_connect);
  int calls_before_run = connect_calls;
  while (connect_calls == 0) uv_run(&loop, UV_RUN_ONCE);
  say("connect %s: connect_cb before uv_run %d, after %d, status %s", label, calls_before_run,
      connect_calls, diff_err(connect_status));
  uv_close((uv_handle_t*)&c, on_close);
  uv_run(&loop, UV_RUN_NOWAIT); /* close callbacks; a listener may keep the loop alive */
}

/* Accepts and at once closes each connection, so nothing stays pending. */
static uv_pipe_t accepted[4];
static int accepted_count;
static void on_connection(uv_stream_t* server, int status) {
  say("  connection_cb status %s", diff_err(status));
  if (status != 0) return;
  CHECK(accepted_count < 4);
  uv_pipe_t* a = &accepted[accepted_count++];
  CHECK(uv_pipe_init(&loop, a, 0) == 0);
  say("  accept = %s", diff_err(uv_accept(server, (uv_stream_t*)a)));
  uv_close((uv_handle_t*)a, on_close);
}

static void binds(void) {
  uv_pipe_t a, b;
  say("== bind");
  CHECK(uv_pipe_init(&loop, &a, 0) == 0);
  CHECK(uv_pipe_init(&loop, &b, 0) == 0);
  say("bind a to sock = %s", diff_err(uv_pipe_bind(&a, path("sock"))));
  say("listen a = %s", diff_err(uv_listen((uv_stream_t*)&a, 8, on_connection)));
  say("bind b to the same path = %s", diff_err(uv_pipe_bind(&b, path("sock"))));
  say("  sock still exists %d", exists(path("sock")));
  say("bind b in a missing directory = %s", diff_err(uv_pipe_bind(&b, path("missing/sock"))));
  say("bind a again (other path) = %s", diff_err(uv_pipe_bind(&a, path("sock2"))));
  say("  sock2 exists %d", exists(path("sock2")));
  say("bind b to sock3 after its failures = %s", diff_err(uv_pipe_bind(&b, path("sock3"))));
  connect_to("to a (listening)", path("sock"));
  uv_run(&loop, UV_RUN_NOWAIT);
  close_and_run(&a);
  say("after closing a: sock exists %d", exists(path("sock")));
  close_and_run(&b);
  say("after closing b (never listened): sock3 exists %d", exists(path("sock3")));
  unlink(path("sock3"));
}

static void ipc_listen(void) {
  uv_pipe_t p;
  say("== listen on an IPC pipe");
  CHECK(uv_pipe_init(&loop, &p, 1) == 0);
  say("bind ipc = %s", diff_err(uv_pipe_bind(&p, path("ipc"))));
  say("listen ipc = %s", diff_err(uv_listen((uv_stream_t*)&p, 8, on_connection)));
  close_and_run(&p);
  unlink(path("ipc"));
}

static void long_names(void) {
  const size_t lengths[] = {107, 108, 200};
  say("== long names (sun_path holds 108 bytes with the NUL)");
  for (int i = 0; i < 3; i++) {
    size_t n = lengths[i];
    const char* full = long_path(n);
    char truncated[108];
    memcpy(truncated, full, 107);
    truncated[107] = '\0';
    uv_pipe_t p;
    CHECK(uv_pipe_init(&loop, &p, 0) == 0);
    int r = uv_pipe_bind(&p, full);
    char name[512];
    size_t size = sizeof name;
    int g = uv_pipe_getsockname(&p, name, &size);
    say("bind %zu bytes = %s; full name exists %d, 107-byte prefix exists %d; getsockname %s size %zu",
        n, diff_err(r), exists(full), n > 107 && exists(truncated), diff_err(g), g == 0 ? size : 0);
    close_and_run(&p);
    say("  after close: full name exists %d, 107-byte prefix exists %d", exists(full),
        n > 107 && exists(truncated));
    unlink(truncated);
    unlink(full);
  }
  /* A listening socket at the 107-byte prefix: a truncating connect to the
   * 200-byte name would reach it. */
  const char* full = long_path(200);
  char truncated[108];
  memcpy(truncated, full, 107);
  truncated[107] = '\0';
  uv_pipe_t server;
  CHECK(uv_pipe_init(&loop, &server, 0) == 0);
  CHECK(uv_pipe_bind(&server, truncated) == 0);
  CHECK(uv_listen((uv_stream_t*)&server, 8, on_connection) == 0);
  connect_to("to a 200-byte name whose 107-byte prefix listens", full);
  uv_run(&loop, UV_RUN_NOWAIT);
  close_and_run(&server);
  unlink(truncated);
}

static void abstract_names(void) {
  uv_pipe_t p;
  char name[256];
  size_t size = sizeof name;
  say("== the empty name (Linux abstract namespace)");
  CHECK(uv_pipe_init(&loop, &p, 0) == 0);
  say("bind \"\" = %s", diff_err(uv_pipe_bind(&p, "")));
  int g = uv_pipe_getsockname(&p, name, &size);
  say("getsockname %s size %zu first byte %d", diff_err(g), size, g == 0 && size > 0 ? name[0] : -1);
  close_and_run(&p);
}

static void connects(void) {
  say("== connect errors (through connect_cb)");
  connect_to("to a missing path", path("nothing-here"));
  int fd = open(path("regular"), O_CREAT | O_WRONLY, 0600);
  CHECK(fd >= 0);
  close(fd);
  connect_to("to a regular file", path("regular"));
  unlink(path("regular"));
  int s = socket(AF_UNIX, SOCK_STREAM, 0);
  CHECK(s >= 0);
  struct sockaddr_un sa;
  memset(&sa, 0, sizeof sa);
  sa.sun_family = AF_UNIX;
  snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path("deaf"));
  CHECK(bind(s, (struct sockaddr*)&sa, sizeof sa) == 0);
  connect_to("to a bound socket nobody listens on", path("deaf"));
  close(s);
  unlink(path("deaf"));
  connect_to("to a missing directory", path("missing/sock"));
}

static void alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)h;
  (void)suggested;
  static char storage[256];
  *buf = uv_buf_init(storage, sizeof storage);
}
static int reads;
static void read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  (void)buf;
  reads++;
  say("  read_cb nread %s pending %d", diff_err((int)nread), uv_pipe_pending_count((uv_pipe_t*)s));
}

static void opens(void) {
  int fds[2];
  uv_pipe_t a, b;
  say("== uv_pipe_open");
  CHECK(pipe(fds) == 0);
  CHECK(uv_pipe_init(&loop, &a, 0) == 0);
  CHECK(uv_pipe_init(&loop, &b, 0) == 0);
  say("open read end in a = %s", diff_err(uv_pipe_open(&a, fds[0])));
  say("  O_NONBLOCK now %d", (fcntl(fds[0], F_GETFL) & O_NONBLOCK) != 0);
  say("  readable %d writable %d", uv_is_readable((uv_stream_t*)&a), uv_is_writable((uv_stream_t*)&a));
  say("read_start a = %s", diff_err(uv_read_start((uv_stream_t*)&a, alloc_cb, read_cb)));
  say("open the same descriptor in b (watched by a) = %s", diff_err(uv_pipe_open(&b, fds[0])));
  close_and_run(&a);
  close_and_run(&b);
  close(fds[1]);
  say("  read end closed by uv_close: %d", fcntl(fds[0], F_GETFD) == -1);

  uv_pipe_t c;
  int fd = open(path("regular"), O_CREAT | O_RDWR, 0600);
  CHECK(fd >= 0);
  CHECK(uv_pipe_init(&loop, &c, 0) == 0);
  say("open a regular file = %s", diff_err(uv_pipe_open(&c, fd)));
  close_and_run(&c);
  say("  file descriptor closed by uv_close: %d", fcntl(fd, F_GETFD) == -1);
  if (fcntl(fd, F_GETFD) != -1) close(fd);
  unlink(path("regular"));

  uv_pipe_t d;
  CHECK(uv_pipe_init(&loop, &d, 0) == 0);
  say("open fd 999 (not open) = %s", diff_err(uv_pipe_open(&d, 999)));
  close_and_run(&d);
}

static void names(void) {
  uv_pipe_t server, client;
  uv_connect_t req;
  char buf[512];
  size_t size;
  const char* p = path("named");
  size_t len = strlen(p);
  say("== getsockname / getpeername (the bound path has length L)");
  CHECK(uv_pipe_init(&loop, &server, 0) == 0);
  CHECK(uv_pipe_init(&loop, &client, 0) == 0);
  size = sizeof buf;
  int rc = uv_pipe_getsockname(&server, buf, &size); /* before reading size */
  say("getsockname unbound = %s size %zu", diff_err(rc), size);
  size = sizeof buf;
  say("getpeername unconnected = %s", diff_err(uv_pipe_getpeername(&server, buf, &size)));
  CHECK(uv_pipe_bind(&server, p) == 0);
  CHECK(uv_listen((uv_stream_t*)&server, 8, on_connection) == 0);
  const size_t sizes[] = {0, 1, len, len + 1, sizeof buf};
  const char* labels[] = {"0", "1", "L", "L+1", "512"};
  for (int i = 0; i < 5; i++) {
    size = sizes[i];
    memset(buf, 'x', sizeof buf);
    int r = uv_pipe_getsockname(&server, buf, &size);
    say("getsockname buffer %s = %s size L%+ld%s", labels[i], diff_err(r), (long)size - (long)len,
        r == 0 ? (strcmp(buf, p) == 0 ? " name matches" : " name differs") : "");
  }
  connect_calls = 0;
  uv_pipe_connect(&req, &client, p, on_connect);
  uv_run(&loop, UV_RUN_ONCE);
  while (connect_calls == 0) uv_run(&loop, UV_RUN_ONCE);
  say("client connected: %s", diff_err(connect_status));
  for (int i = 0; i < 5; i++) {
    size = sizes[i];
    memset(buf, 'x', sizeof buf);
    int r = uv_pipe_getpeername(&client, buf, &size);
    say("getpeername buffer %s = %s size L%+ld%s", labels[i], diff_err(r), (long)size - (long)len,
        r == 0 ? (strcmp(buf, p) == 0 ? " name matches" : " name differs") : "");
  }
  size = sizeof buf;
  rc = uv_pipe_getsockname(&client, buf, &size);
  say("client getsockname (unbound end) = %s size %zu", diff_err(rc), size);
  say("chmod client (not bound) = %s", diff_err(uv_pipe_chmod(&client, UV_READABLE)));
  say("chmod server bad flags = %s", diff_err(uv_pipe_chmod(&server, 0)));
  say("chmod server READABLE|WRITABLE = %s", diff_err(uv_pipe_chmod(&server, UV_READABLE | UV_WRITABLE)));
  struct stat st;
  CHECK(stat(p, &st) == 0);
  say("  mode %03o", st.st_mode & 0777);
  close_and_run(&client);
  close_and_run(&server);
  uv_run(&loop, UV_RUN_DEFAULT);
}

static int write_calls;
static int write_status;
static void on_write(uv_write_t* req, int status) {
  (void)req;
  write_calls++;
  write_status = status;
}

static void on_timeout(uv_timer_t* t) { uv_close((uv_handle_t*)t, NULL); }

static void writes(void) {
  say("== uv_write2");
  uv_os_sock_t sv[2];
  CHECK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0) == 0);
  uv_pipe_t plain, ipc, peer, cargo;
  CHECK(uv_pipe_init(&loop, &plain, 0) == 0);
  CHECK(uv_pipe_open(&plain, sv[0]) == 0);
  CHECK(uv_pipe_init(&loop, &cargo, 0) == 0);
  int cargo_fds[2];
  CHECK(pipe(cargo_fds) == 0);
  CHECK(uv_pipe_open(&cargo, cargo_fds[0]) == 0);

  char byte = 'x';
  uv_buf_t one = uv_buf_init(&byte, 1);
  uv_write_t req;
  write_calls = 0;
  say("write2 with a handle on a non-IPC pipe = %s",
      diff_err(uv_write2(&req, (uv_stream_t*)&plain, &one, 1, (uv_stream_t*)&cargo, on_write)));
  uv_run(&loop, UV_RUN_NOWAIT);
  say("  write_cb calls %d", write_calls);
  close_and_run(&plain);
  close(sv[1]);

  uv_os_sock_t sv2[2];
  CHECK(uv_socketpair(SOCK_STREAM, 0, sv2, 0, 0) == 0);
  CHECK(uv_pipe_init(&loop, &ipc, 1) == 0);
  CHECK(uv_pipe_open(&ipc, sv2[0]) == 0);
  CHECK(uv_pipe_init(&loop, &peer, 1) == 0);
  CHECK(uv_pipe_open(&peer, sv2[1]) == 0);
  CHECK(uv_read_start((uv_stream_t*)&peer, alloc_cb, read_cb) == 0);
  uv_buf_t empty = uv_buf_init(&byte, 0);
  write_calls = 0;
  write_status = 12345;
  reads = 0;
  int r = uv_write2(&req, (uv_stream_t*)&ipc, &empty, 1, (uv_stream_t*)&cargo, on_write);
  say("write2 of a zero-length buffer with a handle on an IPC pipe = %s", diff_err(r));
  uv_timer_t t;
  CHECK(uv_timer_init(&loop, &t) == 0);
  CHECK(uv_timer_start(&t, on_timeout, 50, 0) == 0);
  uv_unref((uv_handle_t*)&peer);
  uv_unref((uv_handle_t*)&ipc);
  uv_run(&loop, UV_RUN_DEFAULT);
  say("  write_cb calls %d status %s; peer read_cb calls %d, pending %d", write_calls,
      write_calls ? diff_err(write_status) : "-", reads, uv_pipe_pending_count(&peer));
  say("write2 of one byte with a handle on the IPC pipe = %s",
      diff_err(uv_write2(&req, (uv_stream_t*)&ipc, &one, 1, (uv_stream_t*)&cargo, on_write)));
  CHECK(uv_timer_init(&loop, &t) == 0);
  CHECK(uv_timer_start(&t, on_timeout, 50, 0) == 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  say("  write_cb calls %d status %s; pending %d type %s", write_calls, diff_err(write_status),
      uv_pipe_pending_count(&peer), uv_handle_type_name(uv_pipe_pending_type(&peer)));
  say("pending count of a non-IPC pipe %d", uv_pipe_pending_count(&cargo));
  close_and_run(&ipc);
  close_and_run(&peer);
  close_and_run(&cargo);
  close(cargo_fds[1]);
  uv_run(&loop, UV_RUN_DEFAULT);
}

int main(void) {
  diff_start();
  const char* made = diff_scratch_dir(tmp, sizeof tmp, "pipe_errors");
  CHECK(uv_loop_init(&loop) == 0);
  binds();
  ipc_listen();
  long_names();
  abstract_names();
  connects();
  opens();
  names();
  writes();
  diff_finish(&loop, made);
  return 0;
}
