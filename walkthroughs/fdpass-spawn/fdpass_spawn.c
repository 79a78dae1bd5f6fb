/*
 * fdpass_spawn.c: a parent starts a child with uv_spawn() and, over an IPC
 * pipe on the child's fd 3, hands it a descriptor the child never inherited.
 *
 * One idea: uv_spawn() can give the child a ready-made channel. stdio[3] set
 * to UV_CREATE_PIPE with a uv_pipe_t initialised with ipc = 1 makes libuv
 * create a UNIX socketpair (a plain pipe(2) cannot carry descriptors), keep
 * one end in that handle and dup2() the other onto the child's fd 3. The
 * child, another program after execve(), wraps fd 3 in its own ipc = 1 pipe
 * with uv_pipe_open(). Node's child_process 'ipc' channel is built this way.
 *
 * What travels: the write end of a pipe(2) the parent creates after the
 * child has started. The child writes a line into it; the parent reads the
 * line from the read end it kept, then EOF once the child closed its copy.
 * The child then acknowledges on the channel, and only then does the parent
 * close the channel (libuv 1.44.2: a receiver can see UV_EOF before messages
 * a sender queued just before closing; see the README).
 *
 * Build: cc fdpass_spawn.c $(pkg-config --cflags --libs libuv) -o fdpass-spawn
 * Run:   ./fdpass-spawn        (the program runs itself as "fdpass-spawn child")
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

#define CHANNEL_FD 3 /* the child's end of the IPC pipe */
#define ACK "ok"

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
static uv_pipe_t channel; /* ipc = 1 in both processes */
static const char* role = "parent";
static int failures;

static void expect(int ok, const char* what) {
  printf("%s %d: %s %s\n", role, (int)getpid(), ok ? "ok:  " : "FAIL:", what);
  if (!ok)
    failures++;
}

static void alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  static char storage[4096]; /* each read callback consumes it before the next read */
  (void)h;
  (void)suggested;
  *buf = uv_buf_init(storage, sizeof storage);
}

/* Append what a read delivered to a fixed buffer, keeping it a C string. */
static void append(char* dst, size_t cap, size_t* len, const uv_buf_t* buf, ssize_t n) {
  if (*len + n > cap - 1)
    n = cap - 1 - *len;
  memcpy(dst + *len, buf->base, n);
  *len += n;
}

/* ------------------------------------------------------------------ parent */

static uv_process_t proc;
static uv_pipe_t read_end, write_end; /* the pipe(2) whose write end we send */
static char line[128], ack[16];
static size_t line_len, ack_len;
static int64_t exit_status = -1;
static int term_signal = -1;

static void exit_cb(uv_process_t* p, int64_t status, int signal) {
  exit_status = status;
  term_signal = signal;
  uv_close((uv_handle_t*)p, NULL);
}

/* sendmsg() has put the write end in flight: drop our copy, or the read end
 * would never see EOF (a pipe reads EOF when no write end is left open). */
static void sent_cb(uv_write_t* req, int status) {
  CHECK(status);
  uv_close((uv_handle_t*)&write_end, NULL);
  free(req);
}

static void line_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  if (nread < 0) { /* UV_EOF: the child closed the only write end left */
    uv_close((uv_handle_t*)s, NULL);
    return;
  }
  append(line, sizeof line, &line_len, buf, nread);
}

/* The acknowledgement: the child is done with what we sent. Closing our end
 * now makes the child's next read return UV_EOF, and the child exits. */
static void ack_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  if (nread < 0) {
    uv_close((uv_handle_t*)s, NULL);
    return;
  }
  append(ack, sizeof ack, &ack_len, buf, nread);
  if (ack_len >= strlen(ACK))
    uv_close((uv_handle_t*)s, NULL);
}

static int parent(void) {
  char exe[1024];
  size_t exe_len = sizeof exe;
  char* args[3];
  uv_stdio_container_t stdio[4];
  uv_process_options_t options;
  uv_file fds[2];
  uv_buf_t tag = uv_buf_init("W", 1);
  uv_write_t* req = malloc(sizeof *req);
  char expected[128];

  CHECK(uv_loop_init(&loop));
  CHECK(uv_pipe_init(&loop, &channel, 1)); /* ipc = 1: this pipe may carry descriptors */

  /* The child: this program again, with the argument "child". */
  CHECK(uv_exepath(exe, &exe_len));
  args[0] = exe;
  args[1] = "child";
  args[2] = NULL;
  stdio[0].flags = UV_IGNORE; /* /dev/null */
  stdio[1].flags = UV_INHERIT_FD;
  stdio[1].data.fd = 1;
  stdio[2].flags = UV_INHERIT_FD;
  stdio[2].data.fd = 2;
  stdio[CHANNEL_FD].flags = UV_CREATE_PIPE | UV_READABLE_PIPE | UV_WRITABLE_PIPE;
  stdio[CHANNEL_FD].data.stream = (uv_stream_t*)&channel;
  memset(&options, 0, sizeof options);
  options.file = exe;
  options.args = args;
  options.exit_cb = exit_cb;
  options.stdio = stdio;
  options.stdio_count = 4;
  CHECK(uv_spawn(&loop, &proc, &options));
  printf("parent %d: spawned child %d with the IPC channel on its fd %d\n", (int)getpid(),
         proc.pid, CHANNEL_FD);

  /* A pipe created after the spawn: the child cannot have inherited it. */
  CHECK(uv_pipe(fds, UV_NONBLOCK_PIPE, UV_NONBLOCK_PIPE));
  CHECK(uv_pipe_init(&loop, &read_end, 0));
  CHECK(uv_pipe_open(&read_end, fds[0]));
  CHECK(uv_pipe_init(&loop, &write_end, 0));
  CHECK(uv_pipe_open(&write_end, fds[1]));
  printf("parent %d: sends the write end (fd %d) with uv_write2, keeps the read end (fd %d)\n",
         (int)getpid(), fds[1], fds[0]);
  CHECK(uv_write2(req, (uv_stream_t*)&channel, &tag, 1, (uv_stream_t*)&write_end, sent_cb));
  CHECK(uv_read_start((uv_stream_t*)&read_end, alloc_cb, line_read_cb));
  CHECK(uv_read_start((uv_stream_t*)&channel, alloc_cb, ack_read_cb));

  CHECK(uv_run(&loop, UV_RUN_DEFAULT)); /* ends when every handle is closed */
  CHECK(uv_loop_close(&loop));

  snprintf(expected, sizeof expected, "child %d writes through a descriptor it never inherited\n",
           proc.pid);
  printf("parent %d: read from the pipe: %s", (int)getpid(), line);
  expect(strcmp(line, expected) == 0, "the child's line arrived through the passed write end");
  expect(strcmp(ack, ACK) == 0, "the child acknowledged on the channel");
  expect(exit_status == 0 && term_signal == 0, "the child exited with status 0 (exit_cb)");
  printf("parent %d: %s\n", (int)getpid(), failures == 0 ? "all checks passed" : "FAILED");
  return failures == 0 ? 0 : 1;
}

/* ------------------------------------------------------------------- child */

static uv_pipe_t got; /* the write end, once accepted */
static char text[128];
static uv_write_t text_req, ack_req;

static void ack_sent_cb(uv_write_t* req, int status) {
  (void)req;
  CHECK(status);
}

/* Our line is in the pipe: close our copy of the write end (the parent's
 * read end then reads EOF) and acknowledge on the channel. */
static void text_sent_cb(uv_write_t* req, int status) {
  uv_buf_t buf = uv_buf_init(ACK, strlen(ACK));
  (void)req;
  CHECK(status);
  uv_close((uv_handle_t*)&got, NULL);
  CHECK(uv_write(&ack_req, (uv_stream_t*)&channel, &buf, 1, ack_sent_cb));
}

static void take_write_end(void) {
  uv_buf_t buf;
  uv_os_fd_t fd = -1;
  expect(uv_pipe_pending_count(&channel) == 1, "one descriptor pending");
  expect(uv_pipe_pending_type(&channel) == UV_NAMED_PIPE, "its type is UV_NAMED_PIPE (a pipe end)");
  CHECK(uv_pipe_init(&loop, &got, 0));
  CHECK(uv_accept((uv_stream_t*)&channel, (uv_stream_t*)&got));
  uv_fileno((uv_handle_t*)&got, &fd);
  printf("child  %d: accepted it as fd %d\n", (int)getpid(), fd);
  snprintf(text, sizeof text, "child %d writes through a descriptor it never inherited\n",
           (int)getpid());
  buf = uv_buf_init(text, strlen(text));
  CHECK(uv_write(&text_req, (uv_stream_t*)&got, &buf, 1, text_sent_cb));
}

static void channel_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  static int taken;
  if (nread == UV_EOF) { /* the parent closed its end: our work is over */
    expect(taken == 1, "the channel reached EOF after the one message");
    uv_close((uv_handle_t*)s, NULL);
    return;
  }
  if (nread < 0)
    CHECK((int)nread);
  for (ssize_t i = 0; i < nread; i++) {
    if (buf->base[i] == 'W' && taken++ == 0)
      take_write_end();
    else
      expect(0, "only one 'W' message");
  }
}

static int child(void) {
  role = "child ";
  /* fd 3 is a socket here because the parent asked for UV_CREATE_PIPE. */
  expect(uv_guess_handle(CHANNEL_FD) == UV_NAMED_PIPE, "fd 3 is a UNIX socket (UV_NAMED_PIPE)");
  CHECK(uv_loop_init(&loop));
  CHECK(uv_pipe_init(&loop, &channel, 1));
  CHECK(uv_pipe_open(&channel, CHANNEL_FD));
  CHECK(uv_read_start((uv_stream_t*)&channel, alloc_cb, channel_read_cb));
  CHECK(uv_run(&loop, UV_RUN_DEFAULT));
  CHECK(uv_loop_close(&loop));
  return failures == 0 ? 0 : 1;
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IOLBF, 0); /* parent and child lines interleave whole */
  alarm(10);                        /* a hang is a failure: SIGALRM ends the process */
  if (argc > 1 && strcmp(argv[1], "child") == 0)
    return child();
  printf("fdpass-spawn, built against %s %s\n", BUILT_AGAINST, uv_version_string());
  return parent();
}
