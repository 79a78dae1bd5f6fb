/*
 * prefork_server.c: a pre-fork server. One process accepts TCP connections;
 * worker processes serve them.
 *
 * One idea: an accepted connection is just a descriptor, so the process that
 * accepts it need not be the one that serves it. The parent listens on
 * 127.0.0.1, starts WORKERS copies of this program with uv_spawn() (each with
 * an IPC pipe on its stdin), and hands every accepted connection to the next
 * worker in turn with uv_write2(), as Node's cluster module does in its
 * round-robin mode. (libuv's multi-accept benchmark uses the same IPC calls
 * the other way round: it sends the listening socket to every worker once and
 * lets each accept() on it, so the kernel chooses. See the README.)
 *
 * Three roles, one program:
 *   parent   listens, spawns the workers, hands out connections
 *   worker   accepts connections from its IPC pipe; to each client it replies
 *            "worker <id>: " followed by the client's line, then closes it;
 *            tells the parent "<n>\n" (served connection n) on the IPC pipe
 *   client   (inside the parent's loop) opens CONNECTIONS connections, at
 *            most IN_FLIGHT at a time, and checks each reply
 * The parent then checks that every connection was served exactly once, by
 * the worker named in its reply, and that the round robin gave each worker
 * its share. Then it closes the IPC pipes: each worker's read hits UV_EOF,
 * the worker closes its handles and exits 0, and the parent's exit_cb sees it.
 *
 * The workers' acknowledgements matter for a second reason: with libuv
 * 1.44.2, closing an IPC pipe right after queueing several uv_write2()
 * messages can make the receiver see UV_EOF before the last ones (README).
 *
 * Build: cc prefork_server.c $(pkg-config --cflags --libs libuv) -o prefork-server
 * Run:   ./prefork-server      (runs itself as "prefork-server worker <id>")
 */
#include <uv.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifdef UVREF_UV_H /* uvref's uv.h guards itself with UVREF_UV_H, libuv's with UV_H */
#define BUILT_AGAINST "uvref"
#else
#define BUILT_AGAINST "libuv"
#endif

#define WORKERS 4
#define CONNECTIONS 200
#define IN_FLIGHT 16

/* A call that fails here is a bug in the example: say which and stop. */
#define CHECK(call) check((call), #call, __LINE__)
static int check(int r, const char* what, int line) {
  if (r < 0) {
    fprintf(stderr, "pid %d, line %d: %s: %s\n", (int)getpid(), line, what, uv_strerror(r));
    exit(1);
  }
  return r;
}

static uv_loop_t loop;
static int failures;

static void fail(const char* what, int n) {
  fprintf(stderr, "pid %d: FAIL: %s (%d)\n", (int)getpid(), what, n);
  failures++;
}

static void alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  static char storage[4096]; /* each read callback consumes it before the next read */
  (void)h;
  (void)suggested;
  *buf = uv_buf_init(storage, sizeof storage);
}

static void free_on_close(uv_handle_t* h) {
  free(h); /* every malloc'd struct below begins with its handle */
}

/* ------------------------------------------------------------------ parent */

static struct worker {
  uv_process_t proc;
  uv_pipe_t ipc; /* ipc = 1: our end of the worker's stdin */
  int id, acks, exited;
  int64_t exit_status;
  int term_signal;
  char line[32]; /* a partial "<n>\n" acknowledgement */
  size_t line_len;
} workers[WORKERS];

static uv_tcp_t listener;
static struct sockaddr_storage server_addr;
static int next_worker;                  /* round robin */
static int acked_by[CONNECTIONS];       /* worker id from its acknowledgement, or -1 */
static int replied_by[CONNECTIONS];     /* worker id from the reply the client read, or -1 */
static int clients_started, clients_done, acks_total;

/* An accepted connection on its way to a worker. */
struct handoff {
  uv_tcp_t conn; /* first: free_on_close() frees the struct through it */
  uv_write_t req;
};

/* Every client has its reply and every worker has acknowledged: stop
 * listening and close the IPC pipes. The workers read UV_EOF and exit. */
static void maybe_shut_down(void) {
  if (clients_done < CONNECTIONS || acks_total < CONNECTIONS)
    return;
  uv_close((uv_handle_t*)&listener, NULL);
  for (int i = 0; i < WORKERS; i++)
    uv_close((uv_handle_t*)&workers[i].ipc, NULL);
}

/* The descriptor is in flight to the worker; our copy can go. The client
 * stays connected: the worker's copy refers to the same socket. */
static void handoff_cb(uv_write_t* req, int status) {
  // [docs:ex-prefork-handoff-done]
  struct handoff* h = req->data;
  CHECK(status);
  uv_close((uv_handle_t*)&h->conn, free_on_close);
  // [/docs:ex-prefork-handoff-done]
}

static void connection_cb(uv_stream_t* l, int status) {
  // [docs:ex-prefork-handoff]
  static char tag = 'c'; /* the byte that carries the descriptor */
  uv_buf_t buf = uv_buf_init(&tag, 1);
  struct handoff* h = malloc(sizeof *h);
  struct worker* w = &workers[next_worker];
  CHECK(status);
  next_worker = (next_worker + 1) % WORKERS;
  CHECK(uv_tcp_init(&loop, &h->conn));
  CHECK(uv_accept(l, (uv_stream_t*)&h->conn));
  h->req.data = h;
  CHECK(uv_write2(&h->req, (uv_stream_t*)&w->ipc, &buf, 1, (uv_stream_t*)&h->conn, handoff_cb));
  // [/docs:ex-prefork-handoff]
}

/* "<n>\n" from a worker: it served connection n. */
static void ack_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  struct worker* w = s->data;
  if (nread < 0) {
    fail("a worker closed its IPC pipe early", w->id);
    uv_close((uv_handle_t*)s, NULL);
    return;
  }
  for (ssize_t i = 0; i < nread; i++) {
    int n;
    if (buf->base[i] != '\n') {
      if (w->line_len < sizeof w->line - 1)
        w->line[w->line_len++] = buf->base[i];
      continue;
    }
    w->line[w->line_len] = '\0';
    w->line_len = 0;
    if (sscanf(w->line, "%d", &n) != 1 || n < 0 || n >= CONNECTIONS || acked_by[n] != -1)
      fail("an acknowledgement for an unknown or already served connection", w->id);
    else
      acked_by[n] = w->id;
    w->acks++;
    acks_total++;
  }
  maybe_shut_down();
}

static void exit_cb(uv_process_t* p, int64_t status, int signal) {
  struct worker* w = p->data;
  w->exited = 1;
  w->exit_status = status;
  w->term_signal = signal;
  uv_close((uv_handle_t*)p, NULL);
}

static void spawn_worker(struct worker* w, int id, char* exe) {
  char id_text[16];
  char* args[] = {exe, "worker", id_text, NULL};
  uv_stdio_container_t stdio[3];
  uv_process_options_t options;
  snprintf(id_text, sizeof id_text, "%d", id);
  w->id = id;
  CHECK(uv_pipe_init(&loop, &w->ipc, 1));
  w->ipc.data = w;
  /* The worker's stdin is a UNIX socket (UV_CREATE_PIPE makes a socketpair),
   * its stdout and stderr are ours. */
  stdio[0].flags = UV_CREATE_PIPE | UV_READABLE_PIPE | UV_WRITABLE_PIPE;
  stdio[0].data.stream = (uv_stream_t*)&w->ipc;
  stdio[1].flags = UV_INHERIT_FD;
  stdio[1].data.fd = 1;
  stdio[2].flags = UV_INHERIT_FD;
  stdio[2].data.fd = 2;
  memset(&options, 0, sizeof options);
  options.file = exe;
  options.args = args;
  options.exit_cb = exit_cb;
  options.stdio = stdio;
  options.stdio_count = 3;
  CHECK(uv_spawn(&loop, &w->proc, &options));
  w->proc.data = w;
  CHECK(uv_read_start((uv_stream_t*)&w->ipc, alloc_cb, ack_read_cb));
}

/* ---------------------------------------------------- client (in the parent) */

struct client {
  uv_tcp_t tcp; /* first: free_on_close() frees the struct through it */
  uv_connect_t connect;
  uv_write_t write;
  int n;
  char out[32];
  char in[64];
  size_t in_len;
};

static void start_client(void);

static void client_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  struct client* c = s->data;
  int id = -1;
  char expected[64];
  if (nread >= 0) {
    if (c->in_len + nread > sizeof c->in - 1)
      nread = sizeof c->in - 1 - c->in_len;
    memcpy(c->in + c->in_len, buf->base, nread);
    c->in_len += nread;
    return;
  }
  /* UV_EOF: the worker replied and closed. Expect "worker <id>: hello <n>\n". */
  c->in[c->in_len] = '\0';
  sscanf(c->in, "worker %d:", &id);
  snprintf(expected, sizeof expected, "worker %d: %s", id, c->out);
  if (nread != UV_EOF || strcmp(c->in, expected) != 0 || id < 0 || id >= WORKERS)
    fail("a reply that is not \"worker <id>: <our line>\"", c->n);
  else if (replied_by[c->n] != -1)
    fail("a second reply for one connection", c->n);
  else
    replied_by[c->n] = id;
  uv_close((uv_handle_t*)s, free_on_close);
  clients_done++;
  if (clients_started < CONNECTIONS)
    start_client();
  maybe_shut_down();
}

static void client_write_cb(uv_write_t* req, int status) {
  (void)req;
  CHECK(status);
}

static void client_connect_cb(uv_connect_t* req, int status) {
  struct client* c = req->data;
  uv_buf_t buf = uv_buf_init(c->out, strlen(c->out));
  CHECK(status);
  CHECK(uv_write(&c->write, (uv_stream_t*)&c->tcp, &buf, 1, client_write_cb));
  CHECK(uv_read_start((uv_stream_t*)&c->tcp, alloc_cb, client_read_cb));
}

static void start_client(void) {
  struct client* c = calloc(1, sizeof *c);
  c->n = clients_started++;
  snprintf(c->out, sizeof c->out, "hello %d\n", c->n);
  CHECK(uv_tcp_init(&loop, &c->tcp));
  c->tcp.data = c;
  c->connect.data = c;
  CHECK(uv_tcp_connect(&c->connect, &c->tcp, (const struct sockaddr*)&server_addr,
                       client_connect_cb));
}

static int parent(void) {
  char exe[1024];
  size_t exe_len = sizeof exe;
  struct sockaddr_in addr;
  int len = sizeof server_addr;

  printf("prefork-server, built against %s %s\n", BUILT_AGAINST, uv_version_string());
  for (int n = 0; n < CONNECTIONS; n++)
    acked_by[n] = replied_by[n] = -1;
  CHECK(uv_loop_init(&loop));

  CHECK(uv_ip4_addr("127.0.0.1", 0, &addr)); /* port 0: the kernel picks a free one */
  CHECK(uv_tcp_init(&loop, &listener));
  CHECK(uv_tcp_bind(&listener, (const struct sockaddr*)&addr, 0));
  CHECK(uv_listen((uv_stream_t*)&listener, 128, connection_cb));
  CHECK(uv_tcp_getsockname(&listener, (struct sockaddr*)&server_addr, &len));
  printf("parent %d: listening on 127.0.0.1:%d\n", (int)getpid(),
         ntohs(((struct sockaddr_in*)&server_addr)->sin_port));

  CHECK(uv_exepath(exe, &exe_len));
  for (int i = 0; i < WORKERS; i++)
    spawn_worker(&workers[i], i, exe);
  for (int i = 0; i < IN_FLIGHT; i++)
    start_client();

  CHECK(uv_run(&loop, UV_RUN_DEFAULT)); /* ends when every handle is closed */
  CHECK(uv_loop_close(&loop));

  for (int n = 0; n < CONNECTIONS; n++) {
    if (acked_by[n] == -1 || replied_by[n] == -1)
      fail("a connection that was not served", n);
    else if (acked_by[n] != replied_by[n])
      fail("a connection acknowledged by another worker than the one that replied", n);
  }
  for (int i = 0; i < WORKERS; i++) {
    struct worker* w = &workers[i];
    printf("parent %d: worker %d (pid %d) served %d connections, exit status %d\n", (int)getpid(),
           w->id, w->proc.pid, w->acks, w->exited ? (int)w->exit_status : -1);
    /* Round robin: worker i gets connections i, i + WORKERS, i + 2 * WORKERS... */
    if (w->acks != CONNECTIONS / WORKERS + (i < CONNECTIONS % WORKERS))
      fail("a worker served more or fewer connections than its round-robin share", w->id);
    if (!w->exited || w->exit_status != 0 || w->term_signal != 0)
      fail("a worker did not exit with status 0", w->id);
  }
  printf("parent %d: %d connections, each served exactly once: %s\n", (int)getpid(), CONNECTIONS,
         failures == 0 ? "all checks passed" : "FAILED");
  return failures == 0 ? 0 : 1;
}

/* ------------------------------------------------------------------ worker */

static int worker_id, served;
static uv_pipe_t channel; /* ipc = 1, on fd 0 */

struct connection {
  uv_tcp_t tcp; /* first: free_on_close() frees the struct through it */
  uv_write_t reply_req, ack_req;
  char in[32], reply[64], ack[16];
  size_t in_len;
};

static void ack_cb(uv_write_t* req, int status) {
  struct connection* c = req->data;
  CHECK(status);
  uv_close((uv_handle_t*)&c->tcp, free_on_close);
}

/* The reply is out: close the connection (the client reads EOF) and tell
 * the parent which connection this was. */
static void reply_cb(uv_write_t* req, int status) {
  struct connection* c = req->data;
  int n = -1;
  uv_buf_t buf;
  CHECK(status);
  sscanf(c->in, "hello %d", &n);
  snprintf(c->ack, sizeof c->ack, "%d\n", n);
  buf = uv_buf_init(c->ack, strlen(c->ack));
  c->ack_req.data = c;
  CHECK(uv_write(&c->ack_req, (uv_stream_t*)&channel, &buf, 1, ack_cb));
  served++;
}

/* Read the client's line, then reply "worker <id>: <line>". */
static void conn_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  struct connection* c = s->data;
  uv_buf_t out;
  if (nread < 0) {
    fail("a client left before sending its line", worker_id);
    uv_close((uv_handle_t*)s, free_on_close);
    return;
  }
  if (c->in_len + nread > sizeof c->in - 1)
    nread = sizeof c->in - 1 - c->in_len;
  memcpy(c->in + c->in_len, buf->base, nread);
  c->in_len += nread;
  if (memchr(c->in, '\n', c->in_len) == NULL)
    return;
  uv_read_stop(s);
  snprintf(c->reply, sizeof c->reply, "worker %d: %.*s", worker_id, (int)c->in_len, c->in);
  out = uv_buf_init(c->reply, strlen(c->reply));
  c->reply_req.data = c;
  CHECK(uv_write(&c->reply_req, s, &out, 1, reply_cb));
}

/* One 'c' per connection; its descriptor is pending when we see the byte. */
static void channel_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  // [docs:ex-prefork-worker-accept]
  if (nread == UV_EOF) { /* the parent closed its end: time to go */
    uv_close((uv_handle_t*)s, NULL);
    return;
  }
  if (nread < 0)
    CHECK((int)nread);
  for (ssize_t i = 0; i < nread; i++) {
    struct connection* c;
    if (buf->base[i] != 'c' || uv_pipe_pending_type(&channel) != UV_TCP) {
      fail("a message without a pending TCP socket", worker_id);
      continue;
    }
    c = calloc(1, sizeof *c);
    CHECK(uv_tcp_init(&loop, &c->tcp));
    c->tcp.data = c;
    CHECK(uv_accept(s, (uv_stream_t*)&c->tcp));
    CHECK(uv_read_start((uv_stream_t*)&c->tcp, alloc_cb, conn_read_cb));
  }
  // [/docs:ex-prefork-worker-accept]
}

static int worker(int id) {
  worker_id = id;
  CHECK(uv_loop_init(&loop));
  CHECK(uv_pipe_init(&loop, &channel, 1));
  CHECK(uv_pipe_open(&channel, 0));
  CHECK(uv_read_start((uv_stream_t*)&channel, alloc_cb, channel_read_cb));
  CHECK(uv_run(&loop, UV_RUN_DEFAULT));
  CHECK(uv_loop_close(&loop));
  printf("worker %d (pid %d): IPC pipe at EOF after %d connections, exiting\n", id, (int)getpid(),
         served);
  return failures == 0 ? 0 : 1;
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IOLBF, 0); /* lines from several processes interleave whole */
  alarm(20);                        /* a hang is a failure: SIGALRM ends the process */
  if (argc > 2 && strcmp(argv[1], "worker") == 0)
    return worker(atoi(argv[2]));
  return parent();
}
