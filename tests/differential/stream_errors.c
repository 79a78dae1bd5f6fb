/*
 * Differential program: the stream layer's errors and edge cases, and a
 * minimal TCP round trip on 127.0.0.1.
 *
 *   - a writer whose peer is gone: UV_EPIPE in write_cb (SIGPIPE ignored, as
 *     libuv requires of its users) and from uv_try_write;
 *   - a writer that closes with its data still in the socket: the reader
 *     gets every byte, then UV_EOF; a writer that closes with data still in
 *     its write queue: those writes end with UV_ECANCELED and the reader gets
 *     exactly what reached the socket, then UV_EOF;
 *   - uv_try_write on a full socket buffer (UV_EAGAIN), and while writes are
 *     queued (UV_EAGAIN at once);
 *   - uv_shutdown: callbacks after the queued writes, the peer's UV_EOF after
 *     the data, a second shutdown and a write after it, a read-only stream;
 *   - uv_read_start twice, on a write-only stream; uv_read_stop twice;
 *   - uv_accept with nothing pending, uv_listen on an IPC pipe and on a pipe
 *     with no socket;
 *   - TCP: bind/listen on 127.0.0.1 port 0, getsockname, connect, accept,
 *     getpeername, nodelay, a byte each way, a refused connect, a port in
 *     use (libuv delays bind's EADDRINUSE to listen), uv_ip4_addr and
 *     uv_ip4_name.
 *
 * Sizes that depend on the kernel's socket buffers are never printed, only
 * relations ("reader got exactly what was written"): the committed libuv
 * report must hold on any machine. Ports are printed as "port > 0".
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>

#include "diff_common.h"

static uv_loop_t loop;
static char tmp[256];

static void on_close(uv_handle_t* h) { (void)h; }

static void run_until(int* flag) {
  while (!*flag) uv_run(&loop, UV_RUN_ONCE);
}

/* Two connected uv_pipe_t over uv_socketpair. */
static void pair(uv_pipe_t* a, uv_pipe_t* b) { diff_pipe_pair(&loop, a, b); }

static void close_all(uv_handle_t** handles, int n) {
  for (int i = 0; i < n; i++)
    if (!uv_is_closing(handles[i])) uv_close(handles[i], on_close);
  uv_run(&loop, UV_RUN_DEFAULT);
}

/* ---- bookkeeping for writes and reads ---------------------------------- */

#define MAX_WRITES 8
static int write_status[MAX_WRITES];
static int write_calls;
static int order[16];
static int order_len;

static void on_write(uv_write_t* req, int status) {
  int i = (int)(intptr_t)req->data;
  write_status[i] = status;
  write_calls++;
  order[order_len++] = i;
}

static int shutdown_calls, shutdown_status;
static void on_shutdown(uv_shutdown_t* req, int status) {
  (void)req;
  shutdown_calls++;
  shutdown_status = status;
  order[order_len++] = 100;
}

static void reset(void) {
  write_calls = shutdown_calls = order_len = 0;
  shutdown_status = 12345;
  for (int i = 0; i < MAX_WRITES; i++) write_status[i] = 12345;
}

static const char* order_text(void) {
  static char out[128];
  size_t n = 0;
  out[0] = '\0';
  for (int i = 0; i < order_len; i++)
    n += (size_t)snprintf(out + n, sizeof out - n, "%s%s", i ? " " : "",
                          order[i] == 100 ? "shutdown" : order[i] == 0   ? "w0"
                                                         : order[i] == 1 ? "w1"
                                                         : order[i] == 2 ? "w2"
                                                                         : "w?");
  return out;
}

/* A reader that checks bytes against a pattern (byte i is (i * 7) & 0xff). */
static char big[4 << 20];
static size_t read_bytes;
static int read_mismatch, read_eof, read_error, reads_after_eof;

static void fill_big(void) {
  for (size_t i = 0; i < sizeof big; i++) big[i] = (char)((i * 7) & 0xff);
}

static void reader_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)h;
  (void)suggested;
  static char storage[65536];
  *buf = uv_buf_init(storage, sizeof storage);
}

static void reader_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  if (read_eof) reads_after_eof++;
  if (nread > 0) {
    for (ssize_t i = 0; i < nread; i++)
      if (buf->base[i] != big[read_bytes + (size_t)i]) read_mismatch++;
    read_bytes += (size_t)nread;
  } else if (nread == UV_EOF) {
    read_eof++;
    uv_read_stop(s);
  } else if (nread < 0) {
    read_error = (int)nread;
    uv_read_stop(s);
  }
}

static void reader_reset(void) { read_bytes = read_mismatch = read_eof = read_error = reads_after_eof = 0; }

/* ---- scenarios --------------------------------------------------------- */

static void peer_gone(void) {
  say("== a writer whose peer is gone (SIGPIPE ignored)");
  uv_pipe_t a, b;
  pair(&a, &b);
  uv_close((uv_handle_t*)&b, on_close);
  uv_run(&loop, UV_RUN_NOWAIT);
  reset();
  uv_write_t w;
  w.data = (void*)0;
  uv_buf_t buf = uv_buf_init(big, 100);
  int r = uv_write(&w, (uv_stream_t*)&a, &buf, 1, on_write);
  say("uv_write = %s; write_cb before uv_run %d", diff_err(r), write_calls);
  run_until(&write_calls);
  say("  write_cb status %s", diff_err(write_status[0]));
  say("uv_try_write = %s", diff_err(uv_try_write((uv_stream_t*)&a, &buf, 1)));
  say("  writable %d", uv_is_writable((uv_stream_t*)&a));
  close_all((uv_handle_t*[]){(uv_handle_t*)&a}, 1);
}

static void close_with_data_in_socket(void) {
  say("== the writer closes with its data still in the socket");
  uv_pipe_t a, b;
  pair(&a, &b);
  reset();
  reader_reset();
  uv_write_t w;
  w.data = (void*)0;
  uv_buf_t buf = uv_buf_init(big, 100000);
  int r = uv_write(&w, (uv_stream_t*)&a, &buf, 1, on_write);
  say("uv_write 100000 bytes = %s, write queue after it %zu", diff_err(r),
      uv_stream_get_write_queue_size((uv_stream_t*)&a));
  uv_close((uv_handle_t*)&a, on_close);
  uv_run(&loop, UV_RUN_DEFAULT);
  say("  writer closed; write_cb calls %d status %s", write_calls, diff_err(write_status[0]));
  CHECK(uv_read_start((uv_stream_t*)&b, reader_alloc, reader_read) == 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  say("  reader: %zu bytes, mismatches %d, UV_EOF %d, error %s, callbacks after EOF %d", read_bytes,
      read_mismatch, read_eof, diff_err(read_error), reads_after_eof);
  close_all((uv_handle_t*[]){(uv_handle_t*)&b}, 1);

  say("== the writer closes with data still in its write queue");
  pair(&a, &b);
  reset();
  reader_reset();
  buf = uv_buf_init(big, sizeof big);
  r = uv_write(&w, (uv_stream_t*)&a, &buf, 1, on_write);
  size_t queued = uv_stream_get_write_queue_size((uv_stream_t*)&a);
  say("uv_write 4 MiB = %s, some queued %d, some written %d", diff_err(r), queued > 0, queued < sizeof big);
  uv_close((uv_handle_t*)&a, on_close);
  uv_run(&loop, UV_RUN_DEFAULT);
  say("  writer closed; write_cb calls %d status %s", write_calls, diff_err(write_status[0]));
  CHECK(uv_read_start((uv_stream_t*)&b, reader_alloc, reader_read) == 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  say("  reader: exactly the written part %d, mismatches %d, UV_EOF %d, error %s, callbacks after EOF %d",
      read_bytes == sizeof big - queued, read_mismatch, read_eof, diff_err(read_error), reads_after_eof);
  close_all((uv_handle_t*[]){(uv_handle_t*)&b}, 1);
}

static void try_write(void) {
  say("== uv_try_write");
  uv_pipe_t a, b;
  pair(&a, &b);
  uv_buf_t chunk = uv_buf_init(big, 65536);
  int first = uv_try_write((uv_stream_t*)&a, &chunk, 1);
  say("first 64 KiB into an empty socket = %s", diff_err(first));
  long total = first > 0 ? first : 0;
  int r = 0, calls = 0;
  while ((r = uv_try_write((uv_stream_t*)&a, &chunk, 1)) > 0 && calls < 10000) {
    total += r;
    calls++;
  }
  say("64 KiB chunks until the buffer is full: last result %s, wrote more before it %d", diff_err(r),
      total > 65536);
  uv_buf_t one = uv_buf_init(big, 1);
  for (calls = 0; (r = uv_try_write((uv_stream_t*)&a, &one, 1)) > 0 && calls < 100000; calls++) {
  }
  say("then 1-byte writes until the buffer is full: last result %s", diff_err(r));
  reset();
  uv_write_t w;
  w.data = (void*)0;
  uv_buf_t small = uv_buf_init(big, 10);
  r = uv_write(&w, (uv_stream_t*)&a, &small, 1, on_write);
  say("uv_write on the full socket = %s, write queue %zu bytes", diff_err(r),
      uv_stream_get_write_queue_size((uv_stream_t*)&a));
  say("write_cb calls before uv_run %d", write_calls);
  say("uv_try_write while a write is queued = %s", diff_err(uv_try_write((uv_stream_t*)&a, &small, 1)));
  reader_reset();
  CHECK(uv_read_start((uv_stream_t*)&b, reader_alloc, reader_read) == 0);
  run_until(&write_calls);
  say("  reader drains: write_cb status %s, write queue %zu", diff_err(write_status[0]),
      uv_stream_get_write_queue_size((uv_stream_t*)&a));
  uv_buf_t empty[1] = {uv_buf_init(big, 0)};
  say("uv_try_write of 0 bytes = %s", diff_err(uv_try_write((uv_stream_t*)&a, empty, 1)));
  close_all((uv_handle_t*[]){(uv_handle_t*)&a, (uv_handle_t*)&b}, 2);
}

static void shutdowns(void) {
  say("== uv_shutdown");
  uv_pipe_t a, b;
  pair(&a, &b);
  reset();
  reader_reset();
  uv_write_t w[3];
  uv_buf_t bufs[3] = {uv_buf_init(big, 300000), uv_buf_init(big + 300000, 1), uv_buf_init(big + 300001, 99999)};
  for (int i = 0; i < 3; i++) {
    w[i].data = (void*)(intptr_t)i;
    CHECK(uv_write(&w[i], (uv_stream_t*)&a, &bufs[i], 1, on_write) == 0);
  }
  uv_shutdown_t s1, s2;
  say("shutdown with 3 writes queued = %s", diff_err(uv_shutdown(&s1, (uv_stream_t*)&a, on_shutdown)));
  say("  writable after uv_shutdown %d, readable %d", uv_is_writable((uv_stream_t*)&a),
      uv_is_readable((uv_stream_t*)&a));
  say("second shutdown = %s", diff_err(uv_shutdown(&s2, (uv_stream_t*)&a, on_shutdown)));
  uv_write_t late;
  late.data = (void*)3;
  say("uv_write after uv_shutdown = %s", diff_err(uv_write(&late, (uv_stream_t*)&a, &bufs[1], 1, on_write)));
  say("uv_try_write after uv_shutdown = %s", diff_err(uv_try_write((uv_stream_t*)&a, &bufs[1], 1)));
  CHECK(uv_read_start((uv_stream_t*)&b, reader_alloc, reader_read) == 0);
  while (!shutdown_calls || !read_eof) uv_run(&loop, UV_RUN_ONCE);
  say("  callbacks in order: %s; shutdown_cb status %s", order_text(), diff_err(shutdown_status));
  say("  peer: %zu bytes, mismatches %d, then UV_EOF %d", read_bytes, read_mismatch, read_eof);
  say("shutdown after shutdown_cb = %s", diff_err(uv_shutdown(&s2, (uv_stream_t*)&a, on_shutdown)));
  say("uv_write after shutdown_cb = %s", diff_err(uv_write(&late, (uv_stream_t*)&a, &bufs[1], 1, on_write)));
  /* The other direction still works after a half-close. */
  reset();
  uv_write_t back;
  back.data = (void*)0;
  reader_reset();
  CHECK(uv_read_start((uv_stream_t*)&a, reader_alloc, reader_read) == 0);
  CHECK(uv_write(&back, (uv_stream_t*)&b, &bufs[0], 1, on_write) == 0);
  while (write_calls == 0 || read_bytes < 300000) uv_run(&loop, UV_RUN_ONCE);
  say("  the other direction after the half-close: write_cb %s, %zu bytes read back", diff_err(write_status[0]),
      read_bytes);
  close_all((uv_handle_t*[]){(uv_handle_t*)&a, (uv_handle_t*)&b}, 2);

  say("== uv_shutdown on streams that cannot write");
  int fds[2];
  CHECK(pipe(fds) == 0);
  uv_pipe_t r, unopened;
  CHECK(uv_pipe_init(&loop, &r, 0) == 0);
  CHECK(uv_pipe_open(&r, fds[0]) == 0);
  close(fds[1]);
  say("shutdown of a pipe's read end = %s", diff_err(uv_shutdown(&s1, (uv_stream_t*)&r, on_shutdown)));
  CHECK(uv_pipe_init(&loop, &unopened, 0) == 0);
  say("shutdown of a pipe handle with no descriptor = %s",
      diff_err(uv_shutdown(&s1, (uv_stream_t*)&unopened, on_shutdown)));
  close_all((uv_handle_t*[]){(uv_handle_t*)&r, (uv_handle_t*)&unopened}, 2);

  say("== uv_shutdown when the peer is gone");
  pair(&a, &b);
  uv_close((uv_handle_t*)&b, on_close);
  uv_run(&loop, UV_RUN_NOWAIT);
  reset();
  say("shutdown = %s", diff_err(uv_shutdown(&s1, (uv_stream_t*)&a, on_shutdown)));
  run_until(&shutdown_calls);
  say("  shutdown_cb status %s", diff_err(shutdown_status));
  close_all((uv_handle_t*[]){(uv_handle_t*)&a}, 1);
}

static void dummy_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  (void)s;
  (void)nread;
  (void)buf;
}

static void reads(void) {
  say("== uv_read_start / uv_read_stop");
  uv_pipe_t a, b;
  pair(&a, &b);
  say("read_start = %s", diff_err(uv_read_start((uv_stream_t*)&a, reader_alloc, dummy_read)));
  say("read_start again = %s", diff_err(uv_read_start((uv_stream_t*)&a, reader_alloc, dummy_read)));
  say("read_stop = %s", diff_err(uv_read_stop((uv_stream_t*)&a)));
  say("read_stop again = %s", diff_err(uv_read_stop((uv_stream_t*)&a)));
  say("read_start after stop = %s", diff_err(uv_read_start((uv_stream_t*)&a, reader_alloc, dummy_read)));
  int fds[2];
  CHECK(pipe(fds) == 0);
  uv_pipe_t w;
  CHECK(uv_pipe_init(&loop, &w, 0) == 0);
  CHECK(uv_pipe_open(&w, fds[1]) == 0);
  close(fds[0]);
  say("read_start on a pipe's write end = %s", diff_err(uv_read_start((uv_stream_t*)&w, reader_alloc, dummy_read)));
  uv_close((uv_handle_t*)&b, on_close);
  say("read_start on a closing handle = %s", diff_err(uv_read_start((uv_stream_t*)&b, reader_alloc, dummy_read)));
  close_all((uv_handle_t*[]){(uv_handle_t*)&a, (uv_handle_t*)&b, (uv_handle_t*)&w}, 3);
}

static void on_connection(uv_stream_t* s, int status) {
  (void)s;
  say("  connection_cb status %s", diff_err(status));
}

static void listens(void) {
  say("== uv_listen / uv_accept");
  char name[512];
  snprintf(name, sizeof name, "%s/listen.sock", tmp);
  uv_pipe_t server, client, ipc, nosock;
  CHECK(uv_pipe_init(&loop, &server, 0) == 0);
  CHECK(uv_pipe_bind(&server, name) == 0);
  say("listen = %s", diff_err(uv_listen((uv_stream_t*)&server, 4, on_connection)));
  say("listen again = %s", diff_err(uv_listen((uv_stream_t*)&server, 4, on_connection)));
  CHECK(uv_pipe_init(&loop, &client, 0) == 0);
  say("accept with nothing pending = %s", diff_err(uv_accept((uv_stream_t*)&server, (uv_stream_t*)&client)));
  CHECK(uv_pipe_init(&loop, &ipc, 1) == 0);
  snprintf(name, sizeof name, "%s/ipc.sock", tmp);
  CHECK(uv_pipe_bind(&ipc, name) == 0);
  say("listen on an IPC pipe = %s", diff_err(uv_listen((uv_stream_t*)&ipc, 4, on_connection)));
  CHECK(uv_pipe_init(&loop, &nosock, 0) == 0);
  say("listen on a pipe handle with no socket = %s", diff_err(uv_listen((uv_stream_t*)&nosock, 4, on_connection)));
  close_all((uv_handle_t*[]){(uv_handle_t*)&server, (uv_handle_t*)&client, (uv_handle_t*)&ipc, (uv_handle_t*)&nosock},
            4);
}

/* ---- TCP --------------------------------------------------------------- */

static uv_tcp_t tcp_server, tcp_client, tcp_accepted;
static int tcp_connect_calls, tcp_connect_status, tcp_connections;

static void on_tcp_connect(uv_connect_t* req, int status) {
  (void)req;
  tcp_connect_calls++;
  tcp_connect_status = status;
}

static void on_tcp_connection(uv_stream_t* s, int status) {
  say("  connection_cb status %s", diff_err(status));
  if (status != 0) return;
  tcp_connections++;
  CHECK(uv_tcp_init(&loop, &tcp_accepted) == 0);
  say("  accept = %s", diff_err(uv_accept(s, (uv_stream_t*)&tcp_accepted)));
}

static void say_addr(const char* label, int r, const struct sockaddr_storage* ss, int len, int port) {
  if (r != 0) {
    say("%s = %s", label, diff_err(r));
    return;
  }
  const struct sockaddr_in* sin = (const struct sockaddr_in*)ss;
  char ip[32] = "?";
  uv_ip4_name(sin, ip, sizeof ip);
  say("%s = 0: family %s, %s, port > 0 %d%s, namelen %d", label, sin->sin_family == AF_INET ? "AF_INET" : "other", ip,
      ntohs(sin->sin_port) > 0, port < 0 ? "" : ntohs(sin->sin_port) == port ? ", the server's port" : ", another port",
      len);
}

static int getsockopt_int(uv_tcp_t* t, int level, int opt) {
  uv_os_fd_t fd;
  CHECK(uv_fileno((uv_handle_t*)t, &fd) == 0);
  int v = -1;
  socklen_t len = sizeof v;
  CHECK(getsockopt(fd, level, opt, &v, &len) == 0);
  return v != 0;
}

static void tcp(void) {
  say("== uv_ip4_addr / uv_ip4_name");
  struct sockaddr_in addr;
  memset(&addr, 0xff, sizeof addr);
  int r = uv_ip4_addr("127.0.0.1", 4242, &addr);
  unsigned ip = ntohl(addr.sin_addr.s_addr);
  say("uv_ip4_addr(127.0.0.1, 4242) = %s: family %s, port %d, address %u.%u.%u.%u (host order)", diff_err(r),
      addr.sin_family == AF_INET ? "AF_INET" : "other", ntohs(addr.sin_port), ip >> 24, (ip >> 16) & 255,
      (ip >> 8) & 255, ip & 255);
  const char* bad[] = {"256.1.1.1", "not an address", "1.2.3", "", "::1"};
  for (int i = 0; i < 5; i++) {
    struct sockaddr_in a;
    say("uv_ip4_addr(\"%s\") = %s", bad[i], diff_err(uv_ip4_addr(bad[i], 1, &a)));
  }
  char name[32];
  memset(name, 'x', sizeof name);
  say("uv_ip4_name = %s \"%s\"", diff_err(uv_ip4_name(&addr, name, sizeof name)), name);
  uv_ip4_addr("255.255.255.255", 0, &addr);
  say("uv_ip4_name(255.255.255.255) buffer 16 = %s, buffer 15 = %s", diff_err(uv_ip4_name(&addr, name, 16)),
      diff_err(uv_ip4_name(&addr, name, 15)));

  say("== TCP on 127.0.0.1");
  struct sockaddr_storage ss;
  int len;
  CHECK(uv_tcp_init(&loop, &tcp_server) == 0);
  len = sizeof ss;
  say("getsockname before bind = %s", diff_err(uv_tcp_getsockname(&tcp_server, (struct sockaddr*)&ss, &len)));
  CHECK(uv_ip4_addr("127.0.0.1", 0, &addr) == 0);
  say("bind 127.0.0.1:0 = %s", diff_err(uv_tcp_bind(&tcp_server, (const struct sockaddr*)&addr, 0)));
  say("  SO_REUSEADDR %d", getsockopt_int(&tcp_server, SOL_SOCKET, SO_REUSEADDR));
  say("listen = %s", diff_err(uv_listen((uv_stream_t*)&tcp_server, 8, on_tcp_connection)));
  len = sizeof ss;
  r = uv_tcp_getsockname(&tcp_server, (struct sockaddr*)&ss, &len);
  say_addr("server getsockname", r, &ss, len, -1);
  int port = ntohs(((struct sockaddr_in*)&ss)->sin_port);
  len = sizeof ss;
  say("server getpeername = %s", diff_err(uv_tcp_getpeername(&tcp_server, (struct sockaddr*)&ss, &len)));

  CHECK(uv_tcp_init(&loop, &tcp_client) == 0);
  len = sizeof ss;
  say("client getpeername before connect = %s", diff_err(uv_tcp_getpeername(&tcp_client, (struct sockaddr*)&ss, &len)));
  struct sockaddr_in to;
  CHECK(uv_ip4_addr("127.0.0.1", port, &to) == 0);
  uv_connect_t creq;
  say("connect = %s", diff_err(uv_tcp_connect(&creq, &tcp_client, (const struct sockaddr*)&to, on_tcp_connect)));
  uv_connect_t creq2;
  say("connect again while connecting = %s",
      diff_err(uv_tcp_connect(&creq2, &tcp_client, (const struct sockaddr*)&to, on_tcp_connect)));
  while (!tcp_connect_calls || !tcp_connections) uv_run(&loop, UV_RUN_ONCE);
  say("  connect_cb calls %d status %s", tcp_connect_calls, diff_err(tcp_connect_status));
  len = sizeof ss;
  r = uv_tcp_getpeername(&tcp_client, (struct sockaddr*)&ss, &len);
  say_addr("client getpeername", r, &ss, len, port);
  len = sizeof ss;
  r = uv_tcp_getsockname(&tcp_client, (struct sockaddr*)&ss, &len);
  say_addr("client getsockname", r, &ss, len, port);
  len = sizeof ss;
  r = uv_tcp_getpeername(&tcp_accepted, (struct sockaddr*)&ss, &len);
  say_addr("accepted getpeername", r, &ss, len, port);
  len = 4;
  r = uv_tcp_getsockname(&tcp_client, (struct sockaddr*)&ss, &len);
  say("getsockname with a 4-byte buffer = %s, len %d", diff_err(r), len);

  say("nodelay before: %d", getsockopt_int(&tcp_client, IPPROTO_TCP, TCP_NODELAY));
  say("uv_tcp_nodelay(1) = %s", diff_err(uv_tcp_nodelay(&tcp_client, 1)));
  say("nodelay after: %d", getsockopt_int(&tcp_client, IPPROTO_TCP, TCP_NODELAY));
  say("uv_tcp_nodelay(0) = %s", diff_err(uv_tcp_nodelay(&tcp_client, 0)));
  say("nodelay after: %d", getsockopt_int(&tcp_client, IPPROTO_TCP, TCP_NODELAY));

  reset();
  reader_reset();
  uv_write_t w;
  w.data = (void*)0;
  uv_buf_t buf = uv_buf_init(big, 1000);
  CHECK(uv_read_start((uv_stream_t*)&tcp_accepted, reader_alloc, reader_read) == 0);
  CHECK(uv_write(&w, (uv_stream_t*)&tcp_client, &buf, 1, on_write) == 0);
  uv_shutdown_t sreq;
  CHECK(uv_shutdown(&sreq, (uv_stream_t*)&tcp_client, on_shutdown) == 0);
  while (!read_eof || !shutdown_calls) uv_run(&loop, UV_RUN_ONCE);
  say("client -> server: write_cb %s, shutdown_cb %s; server read %zu bytes, mismatches %d, UV_EOF %d",
      diff_err(write_status[0]), diff_err(shutdown_status), read_bytes, read_mismatch, read_eof);

  say("== a port in use, a refused connect");
  uv_tcp_t second;
  CHECK(uv_tcp_init(&loop, &second) == 0);
  CHECK(uv_ip4_addr("127.0.0.1", port, &addr) == 0);
  say("bind to the listening port = %s", diff_err(uv_tcp_bind(&second, (const struct sockaddr*)&addr, 0)));
  say("  listen = %s", diff_err(uv_listen((uv_stream_t*)&second, 8, on_tcp_connection)));
  close_all((uv_handle_t*[]){(uv_handle_t*)&tcp_server, (uv_handle_t*)&tcp_client, (uv_handle_t*)&tcp_accepted,
                             (uv_handle_t*)&second},
            4);
  /* The server is closed and nothing else listens there: refused. (Its
   * accepted connection lingers in TIME_WAIT, which does not accept.) */
  CHECK(uv_tcp_init(&loop, &tcp_client) == 0);
  tcp_connect_calls = 0;
  say("connect to the closed port = %s",
      diff_err(uv_tcp_connect(&creq, &tcp_client, (const struct sockaddr*)&to, on_tcp_connect)));
  run_until(&tcp_connect_calls);
  say("  connect_cb status %s", diff_err(tcp_connect_status));
  close_all((uv_handle_t*[]){(uv_handle_t*)&tcp_client}, 1);
}

int main(void) {
  diff_start();
  signal(SIGPIPE, SIG_IGN);
  const char* made = diff_scratch_dir(tmp, sizeof tmp, "stream_errors");
  fill_big();
  CHECK(uv_loop_init(&loop) == 0);
  peer_gone();
  close_with_data_in_socket();
  try_write();
  shutdowns();
  reads();
  listens();
  tcp();
  diff_finish(&loop, made);
  return 0;
}
