/*
 * named-pipe echo (uv.h): requests per second through an echo server on a
 * Unix-domain socket path, with ECHO_CLIENTS clients connected at once.
 * The parent is the server (uv_pipe_bind, uv_listen, uv_accept, echo every
 * read back with uv_write). The child runs all the clients on one loop: each
 * sends a ECHO_REQUEST-byte request whose bytes depend on (client, sequence),
 * waits for the whole echo, checks it, and sends the next. The clock runs
 * from "all clients connected" to "last echo checked". There is no raw
 * baseline: a blocking server would need a thread per client.
 */
#include "bench_uv.h"

#include <stdint.h>

#define NAME "echo"
#define ECHO_CLIENTS 500
#define ECHO_REQUEST 32

typedef struct {
  double seconds;
  unsigned long long requests;
} echo_shared_t;

static void fill_request(unsigned char* p, unsigned client, unsigned long long seq) {
  for (unsigned j = 0; j < ECHO_REQUEST; j++) p[j] = (unsigned char)(client * 7u + seq * 13u + j);
}

/* ---- server (parent) ---- */

typedef struct wreq_s {
  uv_write_t req;
  struct wreq_s* next_free;
  char data[256];
} wreq_t;

typedef struct {
  uv_pipe_t pipe;
  char buf[256];
} conn_t;

static uv_pipe_t server;
static wreq_t* free_wreqs;
static int conns_accepted, conns_closed;
static unsigned long long bytes_echoed;

static void server_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)suggested;
  conn_t* c = (conn_t*)h;
  *buf = uv_buf_init(c->buf, sizeof c->buf);
}

static void on_echo_written(uv_write_t* req, int status) {
  BENCH_CHECK(NAME, status == 0, "echo write: %s", uv_err_name(status));
  wreq_t* w = (wreq_t*)req;
  w->next_free = free_wreqs;
  free_wreqs = w;
}

static void on_conn_closed(uv_handle_t* h) {
  free(h);
  if (++conns_closed == ECHO_CLIENTS) uv_close((uv_handle_t*)&server, NULL);
}

static void server_on_read(uv_stream_t* st, ssize_t nread, const uv_buf_t* buf) {
  if (nread < 0) {
    BENCH_CHECK(NAME, nread == UV_EOF, "server read: %s", uv_err_name((int)nread));
    uv_close((uv_handle_t*)st, on_conn_closed);
    return;
  }
  if (nread == 0) return;
  wreq_t* w = free_wreqs;
  if (w != NULL) {
    free_wreqs = w->next_free;
  } else {
    w = malloc(sizeof *w);
    BENCH_CHECK(NAME, w != NULL, "out of memory");
  }
  memcpy(w->data, buf->base, (size_t)nread);
  uv_buf_t out = uv_buf_init(w->data, (unsigned)nread);
  BENCH_UV(NAME, uv_write(&w->req, st, &out, 1, on_echo_written));
  bytes_echoed += (unsigned long long)nread;
}

static void on_connection(uv_stream_t* srv, int status) {
  BENCH_CHECK(NAME, status == 0, "connection callback: %s", uv_err_name(status));
  conn_t* c = malloc(sizeof *c);
  BENCH_CHECK(NAME, c != NULL, "out of memory");
  BENCH_UV(NAME, uv_pipe_init(srv->loop, &c->pipe, 0));
  BENCH_UV(NAME, uv_accept(srv, (uv_stream_t*)&c->pipe));
  BENCH_UV(NAME, uv_read_start((uv_stream_t*)&c->pipe, server_alloc, server_on_read));
  conns_accepted++;
}

/* ---- clients (child) ---- */

typedef struct {
  uv_pipe_t pipe;
  uv_connect_t connect_req;
  uv_write_t write_req;
  unsigned id;
  unsigned long long seq;
  unsigned char request[ECHO_REQUEST];
  unsigned char reply[64];
  size_t got;
} client_t;

static client_t clients[ECHO_CLIENTS];
static const bench_args_t* client_args;
static int clients_connected, clients_closed;
static unsigned long long requests_started, requests_done;
static double clients_t0, clients_t1;

static void on_request_written(uv_write_t* req, int status) {
  (void)req;
  BENCH_CHECK(NAME, status == 0, "request write: %s", uv_err_name(status));
}

static void client_send(client_t* c) {
  fill_request(c->request, c->id, c->seq);
  c->got = 0;
  uv_buf_t buf = uv_buf_init((char*)c->request, ECHO_REQUEST);
  BENCH_UV(NAME, uv_write(&c->write_req, (uv_stream_t*)&c->pipe, &buf, 1, on_request_written));
  requests_started++;
}

static void client_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)suggested;
  client_t* c = (client_t*)h;
  *buf = uv_buf_init((char*)c->reply + c->got, (unsigned)(sizeof c->reply - c->got));
}

static void on_client_closed(uv_handle_t* h) {
  (void)h;
  if (++clients_closed == ECHO_CLIENTS) clients_t1 = bench_now();
}

static void client_on_read(uv_stream_t* st, ssize_t nread, const uv_buf_t* buf) {
  (void)buf;
  client_t* c = (client_t*)st;
  BENCH_CHECK(NAME, nread >= 0, "client %u read: %s", c->id, uv_err_name((int)nread));
  c->got += (size_t)nread;
  BENCH_CHECK(NAME, c->got <= ECHO_REQUEST, "client %u: %zu bytes for a %d-byte request", c->id, c->got,
              ECHO_REQUEST);
  if (c->got < ECHO_REQUEST) return;
  BENCH_CHECK(NAME, memcmp(c->reply, c->request, ECHO_REQUEST) == 0, "client %u: echo %llu differs",
              c->id, c->seq);
  requests_done++;
  c->seq++;
  if (bench_more(client_args, (long)requests_started, clients_t0)) {
    client_send(c);
  } else {
    uv_close((uv_handle_t*)st, on_client_closed);
  }
}

static void on_connected(uv_connect_t* req, int status) {
  client_t* c = req->data;
  BENCH_CHECK(NAME, status == 0, "client %u connect: %s", c->id, uv_err_name(status));
  BENCH_UV(NAME, uv_read_start((uv_stream_t*)&c->pipe, client_alloc, client_on_read));
  if (++clients_connected < ECHO_CLIENTS) return;
  /* Everyone is connected: start the clock and the first requests. */
  clients_t0 = bench_now();
  for (unsigned i = 0; i < ECHO_CLIENTS; i++) {
    if (bench_more(client_args, (long)requests_started, clients_t0)) {
      client_send(&clients[i]);
    } else {
      uv_close((uv_handle_t*)&clients[i].pipe, on_client_closed);
    }
  }
}

static void run_clients(const char* path, const bench_args_t* args, echo_shared_t* out) {
  uv_loop_t loop;
  client_args = args;
  BENCH_UV(NAME, uv_loop_init(&loop));
  for (unsigned i = 0; i < ECHO_CLIENTS; i++) {
    client_t* c = &clients[i];
    c->id = i;
    c->connect_req.data = c;
    BENCH_UV(NAME, uv_pipe_init(&loop, &c->pipe, 0));
    uv_pipe_connect(&c->connect_req, &c->pipe, path, on_connected);
  }
  BENCH_UV(NAME, uv_run(&loop, UV_RUN_DEFAULT));
  bench_loop_finish(NAME, &loop);
  BENCH_CHECK(NAME, clients_closed == ECHO_CLIENTS, "%d of %d clients finished", clients_closed,
              ECHO_CLIENTS);
  BENCH_CHECK(NAME, requests_done == requests_started, "%llu requests sent, %llu answered",
              requests_started, requests_done);
  out->requests = requests_done;
  out->seconds = clients_t1 - clients_t0;
}

int main(int argc, char** argv) {
  bench_args_t args = bench_parse(argc, argv);
  echo_shared_t* shared = bench_shared(NAME, sizeof *shared);
  const char* tmp = getenv("TMPDIR");
  char path[100];
  snprintf(path, sizeof path, "%s/uvref-bench-echo-%d.sock", tmp != NULL ? tmp : "/tmp", (int)getpid());
  unlink(path);

  uv_loop_t loop;
  BENCH_UV(NAME, uv_loop_init(&loop));
  BENCH_UV(NAME, uv_pipe_init(&loop, &server, 0));
  BENCH_UV(NAME, uv_pipe_bind(&server, path));
  BENCH_UV(NAME, uv_listen((uv_stream_t*)&server, 1024, on_connection));
  fflush(stdout);
  pid_t pid = bench_fork(NAME);
  if (pid == 0) {
    /* The child does not touch the parent's loop; it only leaves it open. */
    run_clients(path, &args, shared);
    bench_child_exit();
  }
  BENCH_UV(NAME, uv_run(&loop, UV_RUN_DEFAULT));
  bench_loop_finish(NAME, &loop);
  bench_wait_child(NAME, pid);
  while (free_wreqs != NULL) {
    wreq_t* w = free_wreqs;
    free_wreqs = w->next_free;
    free(w);
  }
  BENCH_CHECK(NAME, access(path, F_OK) != 0, "uv_close left the socket file %s behind", path);
  BENCH_CHECK(NAME, conns_accepted == ECHO_CLIENTS, "accepted %d of %d clients", conns_accepted,
              ECHO_CLIENTS);
  BENCH_CHECK(NAME, shared->requests > 0 && bytes_echoed == shared->requests * ECHO_REQUEST,
              "server echoed %llu bytes for %llu requests", bytes_echoed, shared->requests);
  bench_result(NAME, shared->requests, shared->seconds, "requests");
  return 0;
}
