/*
 * Differential program: an echo server on a named pipe and 200 concurrent
 * clients, all in one loop.
 *
 * Each client connects to $DIFF_TMPDIR/echo.sock, queues 256 KiB in writes
 * of random sizes (1 to 16384 bytes, a fixed xorshift seed per client, so
 * both runs make exactly the same writes), then uv_shutdown()s its sending
 * side and reads until UV_EOF, comparing every echoed byte with what it sent.
 *
 * The server writes back each chunk it reads. On UV_EOF it calls
 * uv_shutdown(), which completes only after every queued echo write, and
 * closes the connection in the shutdown callback: the server never closes
 * with data still queued. The client sees the server's half-close (and,
 * since it has half-closed itself, POLLHUP) only after the last echo was
 * written into the socket; it must still read all of it before UV_EOF.
 *
 * The report is a summary that does not depend on scheduling: counts of
 * connections, writes, bytes, mismatches, and of clients that saw UV_EOF
 * exactly after their last byte. Read sizes are not printed (they depend on
 * timing). Clients' data: one shared pattern of 512 KiB; client i sends the
 * 256 KiB starting at its own offset, so the writes need no copies.
 */
#include "diff_common.h"

#define CLIENTS 200
#define BYTES (256 * 1024)
#define MAX_WRITE 16384

static uv_loop_t loop;
static uv_pipe_t server;
static unsigned char pattern[2 * BYTES];

static unsigned xorshift(unsigned* s) {
  unsigned x = *s;
  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  return *s = x;
}

/* ---- server ------------------------------------------------------------ */

typedef struct {
  uv_pipe_t pipe;
  uv_shutdown_t shutdown;
} conn_t;

static int accepted, accept_errors, server_eofs, server_read_errors, server_shutdowns_ok;
static int server_write_errors, server_shutdown_errors;
static long long echoed;

typedef struct {
  uv_write_t req;
  char* data;
} echo_write_t;

static void server_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)h;
  *buf = uv_buf_init(malloc(suggested), (unsigned)suggested);
}

static void on_conn_close(uv_handle_t* h) { free(h); }

static void on_echo_written(uv_write_t* req, int status) {
  echo_write_t* w = (echo_write_t*)req;
  if (status != 0) server_write_errors++;
  free(w->data);
  free(w);
}

static void on_server_shutdown(uv_shutdown_t* req, int status) {
  if (status == 0)
    server_shutdowns_ok++;
  else
    server_shutdown_errors++;
  uv_close((uv_handle_t*)req->handle, on_conn_close);
}

static void server_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  conn_t* c = (conn_t*)s;
  if (nread > 0) {
    echo_write_t* w = malloc(sizeof *w);
    CHECK(w != NULL);
    w->data = buf->base;
    uv_buf_t out = uv_buf_init(buf->base, (unsigned)nread);
    CHECK(uv_write(&w->req, s, &out, 1, on_echo_written) == 0);
    echoed += nread;
    return;
  }
  free(buf->base);
  if (nread == 0) return;
  if (nread == UV_EOF) {
    server_eofs++;
    CHECK(uv_shutdown(&c->shutdown, s, on_server_shutdown) == 0);
  } else {
    server_read_errors++;
    uv_close((uv_handle_t*)s, on_conn_close);
  }
}

static int connect_errors;

/* Once every client is accepted or has failed to connect, nothing more can
 * arrive: the listener closes (and its socket file is unlinked). */
static void server_maybe_close(void) {
  if (accepted + connect_errors == CLIENTS) uv_close((uv_handle_t*)&server, NULL);
}

static void on_connection(uv_stream_t* srv, int status) {
  if (status != 0) {
    accept_errors++;
    return;
  }
  conn_t* c = malloc(sizeof *c);
  CHECK(c != NULL);
  CHECK(uv_pipe_init(&loop, &c->pipe, 0) == 0);
  int r = uv_accept(srv, (uv_stream_t*)&c->pipe);
  if (r != 0) {
    accept_errors++;
    uv_close((uv_handle_t*)&c->pipe, on_conn_close);
    return;
  }
  accepted++;
  CHECK(uv_read_start((uv_stream_t*)&c->pipe, server_alloc, server_read) == 0);
  server_maybe_close();
}

/* ---- clients ----------------------------------------------------------- */

typedef struct {
  uv_pipe_t pipe;
  uv_connect_t connect;
  uv_shutdown_t shutdown;
  const unsigned char* data; /* what this client sends: BYTES bytes */
  size_t received;
  int mismatches;
  int eof_after_all; /* UV_EOF came when received == BYTES */
  int eof_early;
  int shutdown_done;
  int eof_seen;
} client_t;

static client_t clients[CLIENTS];
static int writes, write_errors, client_shutdowns_ok, client_shutdown_errors;
static int client_read_errors, clients_closed;
static long long received_total;

static void on_client_close(uv_handle_t* h) {
  (void)h;
  clients_closed++;
}

static void maybe_close(client_t* c) {
  if (c->shutdown_done && c->eof_seen) uv_close((uv_handle_t*)&c->pipe, on_client_close);
}

static void on_client_write(uv_write_t* req, int status) {
  if (status != 0) write_errors++;
  free(req);
}

static void on_client_shutdown(uv_shutdown_t* req, int status) {
  client_t* c = req->data;
  if (status == 0)
    client_shutdowns_ok++;
  else
    client_shutdown_errors++;
  c->shutdown_done = 1;
  maybe_close(c);
}

static void client_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)h;
  (void)suggested;
  static char storage[65536];
  *buf = uv_buf_init(storage, sizeof storage);
}

static void client_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  client_t* c = s->data;
  if (nread > 0) {
    for (ssize_t i = 0; i < nread; i++) {
      size_t at = c->received + (size_t)i;
      if (at >= BYTES || (unsigned char)buf->base[i] != c->data[at]) c->mismatches++;
    }
    c->received += (size_t)nread;
    received_total += nread;
    return;
  }
  if (nread == 0) return;
  if (nread == UV_EOF) {
    if (c->received == BYTES)
      c->eof_after_all = 1;
    else
      c->eof_early = 1;
  } else {
    client_read_errors++;
  }
  c->eof_seen = 1;
  uv_read_stop(s);
  maybe_close(c);
}

static void on_client_connect(uv_connect_t* req, int status) {
  client_t* c = req->data;
  if (status != 0) {
    connect_errors++;
    server_maybe_close();
    uv_close((uv_handle_t*)&c->pipe, on_client_close);
    return;
  }
  uv_stream_t* s = (uv_stream_t*)&c->pipe;
  CHECK(uv_read_start(s, client_alloc, client_read) == 0);
  unsigned seed = 0x9e3779b9u ^ (unsigned)(c - clients + 1) * 2654435761u;
  size_t sent = 0;
  while (sent < BYTES) {
    size_t n = 1 + xorshift(&seed) % MAX_WRITE;
    if (n > BYTES - sent) n = BYTES - sent;
    uv_write_t* w = malloc(sizeof *w);
    CHECK(w != NULL);
    uv_buf_t b = uv_buf_init((char*)c->data + sent, (unsigned)n);
    CHECK(uv_write(w, s, &b, 1, on_client_write) == 0);
    writes++;
    sent += n;
  }
  c->shutdown.data = c;
  CHECK(uv_shutdown(&c->shutdown, s, on_client_shutdown) == 0);
}

int main(void) {
  diff_start();
  char name[512];
  const char* dir = getenv("DIFF_TMPDIR");
  snprintf(name, sizeof name, "%s/echo.sock", dir ? dir : "/tmp");
  if (!dir) unlink(name);

  unsigned seed = 1;
  for (size_t i = 0; i < sizeof pattern; i++) pattern[i] = (unsigned char)xorshift(&seed);

  CHECK(uv_loop_init(&loop) == 0);
  CHECK(uv_pipe_init(&loop, &server, 0) == 0);
  say("clients %d, %d bytes each, writes of 1..%d bytes (fixed seeds)", CLIENTS, BYTES, MAX_WRITE);
  say("bind = %s", diff_err(uv_pipe_bind(&server, name)));
  say("listen = %s", diff_err(uv_listen((uv_stream_t*)&server, 256, on_connection)));

  for (int i = 0; i < CLIENTS; i++) {
    client_t* c = &clients[i];
    c->data = pattern + (size_t)i * 1297 % BYTES;
    CHECK(uv_pipe_init(&loop, &c->pipe, 0) == 0);
    c->pipe.data = c;
    c->connect.data = c;
    uv_pipe_connect(&c->connect, &c->pipe, name, on_client_connect);
  }
  say("uv_run = %s", diff_err(uv_run(&loop, UV_RUN_DEFAULT)));

  int eof_after_all = 0, eof_early = 0, mismatched = 0, mismatches = 0;
  for (int i = 0; i < CLIENTS; i++) {
    eof_after_all += clients[i].eof_after_all;
    eof_early += clients[i].eof_early;
    mismatches += clients[i].mismatches;
    mismatched += clients[i].mismatches != 0;
  }
  say("server: accepted %d, accept errors %d, echoed %lld bytes, read errors %d, write errors %d",
      accepted, accept_errors, echoed, server_read_errors, server_write_errors);
  say("server: UV_EOF %d, shutdown_cb status 0: %d, other status: %d", server_eofs,
      server_shutdowns_ok, server_shutdown_errors);
  say("clients: connect errors %d, writes %d, write errors %d, shutdown_cb status 0: %d, other: %d",
      connect_errors, writes, write_errors, client_shutdowns_ok, client_shutdown_errors);
  say("clients: received %lld bytes, mismatched bytes %d (in %d clients), read errors %d",
      received_total, mismatches, mismatched, client_read_errors);
  say("clients: UV_EOF after all %d bytes %d, UV_EOF early %d, closed %d", BYTES, eof_after_all,
      eof_early, clients_closed);
  say("uv_loop_close = %s", diff_err(uv_loop_close(&loop)));
  say("descriptors left %d", diff_count_fds());
  diff_done();
  return 0;
}
