/*
 * Differential program: passing descriptors over an IPC pipe between a
 * parent and a forked child (uv_socketpair).
 *
 * Scenario "all": the child wraps one descriptor of each kind in a handle
 * (pipe end, AF_UNIX stream, TCP on 127.0.0.1, UDP, regular file, /dev/null,
 * eventfd, AF_UNIX datagram) and sends each with its own one-byte uv_write2.
 * The parent prints, per message, the pending count and pending type, and
 * what uv_accept does with it (into a pipe or TCP handle, and into a handle
 * that is not a stream), then acknowledges; the child exits after the ack.
 *
 * Scenario "hundred": the child sends the same pipe handle with 100
 * uv_write2 calls and closes its end at once; the parent starts reading only
 * after the child has exited, so every message and the hang-up are already
 * in the socket. Debian's libuv 1.44.2 reports UV_EOF after 1 message (its
 * POLLHUP short-cut in uv__stream_io); uvref delivers all 100 (declared).
 *
 * The child prints first (its lines are flushed before it sends anything),
 * so the combined output has one order.
 */
#include <sys/eventfd.h>
#include <sys/wait.h>

#include "diff_common.h"

#define KINDS 8
static const char* kind_names[KINDS] = {"pipe end", "AF_UNIX stream", "TCP 127.0.0.1", "UDP",
                                        "regular file", "/dev/null", "eventfd", "AF_UNIX dgram"};

static uv_loop_t loop;
static char tmp[256];

static void on_close(uv_handle_t* h) { (void)h; }

static void alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)h;
  (void)suggested;
  static char storage[4096];
  *buf = uv_buf_init(storage, sizeof storage);
}

/* ---- child ------------------------------------------------------------ */

static int writes_done;
static void on_child_write(uv_write_t* req, int status) {
  (void)req;
  if (status != 0) fprintf(stderr, "child: write_cb %s\n", diff_err(status));
  writes_done++;
}

static uv_pipe_t child_ipc;
static void on_child_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  (void)buf;
  if (nread != 0) uv_close((uv_handle_t*)s, on_close); /* the ack, or EOF */
}

/* Wraps one descriptor of kind @p k in @p storage; returns 0 or an error. */
static int make_kind(int k, uv_pipe_t* p, uv_tcp_t* tcp, uv_stream_t** out) {
  int fd = -1, r;
  *out = (uv_stream_t*)p;
  switch (k) {
    case 0: {
      uv_file fds[2];
      CHECK(uv_pipe(fds, 0, 0) == 0);
      close(fds[1]);
      fd = fds[0];
      break;
    }
    case 1: {
      uv_os_sock_t sv[2];
      CHECK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0) == 0);
      close(sv[1]);
      fd = sv[0];
      break;
    }
    case 2: {
      struct sockaddr_in addr;
      CHECK(uv_ip4_addr("127.0.0.1", 0, &addr) == 0);
      CHECK(uv_tcp_init(&loop, tcp) == 0);
      *out = (uv_stream_t*)tcp;
      return uv_tcp_bind(tcp, (const struct sockaddr*)&addr, 0);
    }
    case 3:
      fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      break;
    case 4: {
      char path[512];
      snprintf(path, sizeof path, "%s/regular", tmp);
      fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
      unlink(path);
      break;
    }
    case 5:
      fd = open("/dev/null", O_RDWR | O_CLOEXEC);
      break;
    case 6:
      fd = eventfd(0, EFD_CLOEXEC);
      break;
    case 7: {
      int sv[2];
      CHECK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) == 0);
      close(sv[1]);
      fd = sv[0];
      break;
    }
  }
  CHECK(fd >= 0);
  CHECK(uv_pipe_init(&loop, p, 0) == 0);
  r = uv_pipe_open(p, fd);
  if (r != 0) close(fd);
  return r;
}

static int child_all(int sock) {
  uv_pipe_t pipes[KINDS];
  uv_tcp_t tcp;
  uv_stream_t* handles[KINDS];
  uv_write_t reqs[KINDS];
  char payload[KINDS];
  int opened[KINDS];
  CHECK(uv_loop_init(&loop) == 0);
  for (int k = 0; k < KINDS; k++) {
    opened[k] = make_kind(k, &pipes[k], &tcp, &handles[k]);
    say("child: wrap %s in a handle = %s", kind_names[k], diff_err(opened[k]));
  }
  CHECK(uv_pipe_init(&loop, &child_ipc, 1) == 0);
  CHECK(uv_pipe_open(&child_ipc, sock) == 0);
  int sendable = 1;
  for (int k = 0; k < KINDS; k++) sendable += opened[k] == 0;
  /* Printed before sending: once a message is out, the parent prints too. */
  say("child: sending %d messages (with the end marker)", sendable);
  int sent = 0;
  for (int k = 0; k < KINDS; k++) {
    if (opened[k] != 0) continue;
    payload[k] = (char)('A' + k);
    uv_buf_t b = uv_buf_init(&payload[k], 1);
    int r = uv_write2(&reqs[k], (uv_stream_t*)&child_ipc, &b, 1, handles[k], on_child_write);
    if (r == 0)
      sent++;
    else
      fprintf(stderr, "child: uv_write2 %s = %s\n", kind_names[k], diff_err(r));
  }
  /* A plain '.' marks the end, whatever could be sent. */
  static char end = '.';
  static uv_write_t end_req;
  uv_buf_t e = uv_buf_init(&end, 1);
  CHECK(uv_write(&end_req, (uv_stream_t*)&child_ipc, &e, 1, on_child_write) == 0);
  sent++;
  CHECK(uv_read_start((uv_stream_t*)&child_ipc, alloc_cb, on_child_read) == 0);
  uv_run(&loop, UV_RUN_DEFAULT); /* until the parent's ack closes child_ipc */
  CHECK(writes_done == sent);
  for (int k = 0; k < KINDS; k++) uv_close((uv_handle_t*)handles[k], on_close);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);
  return 0;
}

static int child_hundred(int sock) {
  uv_pipe_t cargo;
  static uv_write_t reqs[100];
  uv_file fds[2];
  char byte = 'h';
  CHECK(uv_loop_init(&loop) == 0);
  CHECK(uv_pipe(fds, 0, 0) == 0);
  CHECK(uv_pipe_init(&loop, &cargo, 0) == 0);
  CHECK(uv_pipe_open(&cargo, fds[0]) == 0);
  CHECK(uv_pipe_init(&loop, &child_ipc, 1) == 0);
  CHECK(uv_pipe_open(&child_ipc, sock) == 0);
  uv_buf_t b = uv_buf_init(&byte, 1);
  for (int i = 0; i < 100; i++)
    CHECK(uv_write2(&reqs[i], (uv_stream_t*)&child_ipc, &b, 1, (uv_stream_t*)&cargo,
                    on_child_write) == 0);
  /* Let the writes complete, then close at once: the parent is not reading
   * yet, so everything sits in the socket with the hang-up behind it. */
  while (writes_done < 100) uv_run(&loop, UV_RUN_ONCE);
  uv_close((uv_handle_t*)&child_ipc, on_close);
  uv_close((uv_handle_t*)&cargo, on_close);
  close(fds[1]);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);
  say("child: 100 handles written, channel closed");
  return 0;
}

/* ---- parent ----------------------------------------------------------- */

static uv_pipe_t parent_ipc;
static union {
  uv_pipe_t pipe;
  uv_tcp_t tcp;
} accepted[128];
static union {
  uv_timer_t timer;
  uv_pipe_t room;
} not_streams[128];
static int accepted_count;

static const char* nonnull(const char* s) { return s ? s : "(null)"; }
static int messages, accepts_ok, eof_seen;
static int verbose;
static uv_write_t ack_req;

static void on_ack(uv_write_t* req, int status) {
  (void)req;
  say("parent: ack written %s", diff_err(status));
}

static void accept_pending(uv_pipe_t* ipc) {
  while (uv_pipe_pending_count(ipc) > 0) {
    uv_handle_type t = uv_pipe_pending_type(ipc);
    CHECK(accepted_count < 128);
    if (verbose) {
      /* A handle that is not a stream (with a stream's room behind it, so a
       * library that looks further cannot overrun): refused, still pending. */
      uv_timer_t* timer = &not_streams[accepted_count].timer;
      CHECK(uv_timer_init(&loop, timer) == 0);
      int pending_before = uv_pipe_pending_count(ipc);
      int r = uv_accept((uv_stream_t*)ipc, (uv_stream_t*)timer);
      say("parent:   pending %d type %s; accept into a timer = %s, pending after %d", pending_before,
          nonnull(uv_handle_type_name(t)), diff_err(r), uv_pipe_pending_count(ipc));
      uv_close((uv_handle_t*)timer, on_close);
    }
    uv_stream_t* client = (uv_stream_t*)&accepted[accepted_count++];
    if (t == UV_TCP)
      CHECK(uv_tcp_init(&loop, (uv_tcp_t*)client) == 0);
    else
      CHECK(uv_pipe_init(&loop, (uv_pipe_t*)client, 0) == 0);
    int r = uv_accept((uv_stream_t*)ipc, client);
    if (r == 0) accepts_ok++;
    if (verbose) {
      uv_os_fd_t fd = -1;
      int f = uv_fileno((uv_handle_t*)client, &fd);
      say("parent:   accept into a %s handle = %s", uv_handle_type_name(client->type), diff_err(r));
      if (f == 0) diff_describe_fd("parent:     received ", fd);
    }
    uv_close((uv_handle_t*)client, on_close);
  }
}

static void on_parent_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  uv_pipe_t* ipc = (uv_pipe_t*)s;
  if (nread == 0) return;
  if (nread < 0) {
    say("parent: read_cb %s after %d message(s), %d pending", diff_err((int)nread), messages,
        uv_pipe_pending_count(ipc));
    eof_seen = 1;
    uv_close((uv_handle_t*)s, on_close);
    return;
  }
  int end = memchr(buf->base, '.', (size_t)nread) != NULL;
  messages += (int)nread - end;
  if (verbose) say("parent: read_cb %d byte(s) \"%.*s\", pending %d", (int)nread, (int)nread, buf->base,
                   uv_pipe_pending_count(ipc));
  accept_pending(ipc);
  if (end) {
    static char ack = '!';
    uv_buf_t b = uv_buf_init(&ack, 1);
    CHECK(uv_write(&ack_req, s, &b, 1, on_ack) == 0);
  }
}

static int parent(pid_t child, int sock, int hundred) {
  int status;
  if (hundred) {
    /* Start reading only once the child has written everything and gone. */
    CHECK(waitpid(child, &status, 0) == child);
  }
  CHECK(uv_loop_init(&loop) == 0);
  CHECK(uv_pipe_init(&loop, &parent_ipc, 1) == 0);
  CHECK(uv_pipe_open(&parent_ipc, sock) == 0);
  uv_pipe_t empty;
  CHECK(uv_pipe_init(&loop, &empty, 0) == 0);
  /* Printed later: the child may still be printing. */
  int empty_accept = uv_accept((uv_stream_t*)&parent_ipc, (uv_stream_t*)&empty);
  uv_close((uv_handle_t*)&empty, on_close);
  CHECK(uv_read_start((uv_stream_t*)&parent_ipc, alloc_cb, on_parent_read) == 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  if (!hundred) CHECK(waitpid(child, &status, 0) == child);
  say("parent: accept with nothing pending = %s", diff_err(empty_accept));
  say("parent: %d message(s), %d descriptor(s) accepted, EOF seen %d", messages, accepts_ok, eof_seen);
  say("parent: child exit status %d", WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
  say("uv_loop_close = %s", diff_err(uv_loop_close(&loop)));
  return 0;
}

int main(int argc, char** argv) {
  const char* scenario = argc > 1 ? argv[1] : "all";
  int hundred = strcmp(scenario, "hundred") == 0;
  if (!hundred && strcmp(scenario, "all") != 0) {
    fprintf(stderr, "unknown scenario %s\n", scenario);
    return 2;
  }
  diff_start();
  const char* env = getenv("DIFF_TMPDIR");
  snprintf(tmp, sizeof tmp, "%s", env ? env : "/tmp");
  uv_os_sock_t sv[2];
  CHECK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0) == 0);
  pid_t pid = fork();
  CHECK(pid >= 0);
  if (pid == 0) {
    close(sv[0]);
    int r = hundred ? child_hundred(sv[1]) : child_all(sv[1]);
    fflush(stdout);
    _exit(r);
  }
  close(sv[1]);
  verbose = !hundred;
  parent(pid, sv[0], hundred);
  say("descriptors left %d", diff_count_fds());
  diff_done();
  return 0;
}
