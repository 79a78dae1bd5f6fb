/*
 * fdpass_socketpair.c: a parent hands open descriptors to its forked child
 * over a socketpair; the child accepts each one and uses it.
 *
 * One idea: a descriptor sent with uv_write2() (sendmsg(2) with an SCM_RIGHTS
 * control message underneath) arrives in the receiver as a new descriptor
 * number that refers to the same open file description. The sender may close
 * its copy as soon as the write completes: the kernel holds a reference while
 * the message is in flight.
 *
 * What travels, one descriptor per message, each with a one-byte tag (sendmsg
 * cannot carry descriptors without at least one byte of data, and the tag
 * tells the child what to expect):
 *   'P'  the read end of a pipe, with data already waiting in it
 *   'T'  a TCP socket, one end of a connection on 127.0.0.1
 *   'F'  a regular file (uvref build only: uvref_write2_fd)
 *   'E'  an eventfd (uvref build only: uvref_write2_fd)
 *   'D'  no descriptor: "that was all"
 * libuv's API can only send stream handles and accept into pipe or TCP
 * handles; uvref's two extensions (end of uv.h) send and accept raw descriptors.
 *
 * The child reports back over the same socketpair. The parent waits for that
 * report before closing its end: with libuv 1.44.2, a sender that closes
 * right after queueing several uv_write2() messages can make the receiver see
 * UV_EOF before the last ones (see the README).
 *
 * Build: cc fdpass_socketpair.c $(pkg-config --cflags --libs libuv) -o fdpass-socketpair
 * Run:   ./fdpass-socketpair     (exit status 0: every check passed)
 */
#include <uv.h>

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/wait.h>
#include <unistd.h>

/* uvref's uv.h guards itself with UVREF_UV_H, libuv's with UV_H. */
#ifdef UVREF_UV_H
#define BUILT_AGAINST "uvref"
#define WITH_RAW_FDS 1
#else
#define BUILT_AGAINST "libuv"
#define WITH_RAW_FDS 0
#endif

#define PIPE_TEXT "written into the pipe before its read end was sent"
#define PING "ping over a passed TCP socket"
#define FILE_TEXT "0123456789"
#define EVENT_VALUE 42

/* A call that fails here is a bug in the example: say which and stop. On
 * Unix a UV_E* code is -errno, so a failed system call passes -errno. */
#define CHECK(call) check((call), #call, __LINE__)
static int check(int r, const char* what, int line) {
  if (r < 0) {
    fprintf(stderr, "pid %d, line %d: %s: %s\n", (int)getpid(), line, what, uv_strerror(r));
    exit(1);
  }
  return r;
}

static uv_loop_t loop;
static uv_pipe_t channel; /* this process's end of the socketpair, ipc = 1 */
static const char* role = "parent";
static int failures;

static void expect(int ok, const char* what) {
  printf("%s %d: %s %s\n", role, (int)getpid(), ok ? "ok:  " : "FAIL:", what);
  if (!ok)
    failures++;
}

/* One static buffer serves every read: a read callback consumes it before the
 * loop asks for the next one. */
static void alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  static char storage[4096];
  (void)h;
  (void)suggested;
  *buf = uv_buf_init(storage, sizeof storage);
}

static uv_os_fd_t fd_of(void* handle) {
  uv_os_fd_t fd = -1;
  uv_fileno((uv_handle_t*)handle, &fd);
  return fd;
}

/* ------------------------------------------------------------------ parent */

static uv_pipe_t pipe_read_end;         /* wraps the pipe end we send */
static uv_tcp_t listener, client, server_side;
static uv_connect_t connect_req;
static int tcp_ends_ready;
static char report[64], echo[64];
static size_t report_len, echo_len;

/* A message: its write request and the tag byte it carries, freed together. */
struct message {
  uv_write_t req;
  char tag;
};

/* The write completed: sendmsg() has put the descriptor in flight. Our copy
 * is no longer needed; closing it does not close the file, because the
 * message in the socket's queue holds its own reference. */
static void sent_cb(uv_write_t* req, int status) {
  // [docs:ex-socketpair-sent]
  struct message* m = (struct message*)req;
  CHECK(status);
  if (req->data != NULL)
    uv_close((uv_handle_t*)req->data, NULL);
  free(m);
  // [/docs:ex-socketpair-sent]
}

static void send_tag(char tag, uv_stream_t* handle, int raw_fd) {
  // [docs:ex-socketpair-send]
  struct message* m = malloc(sizeof *m);
  uv_buf_t buf;
  m->tag = tag;
  m->req.data = handle;
  buf = uv_buf_init(&m->tag, 1);
  if (handle != NULL) {
    printf("parent %d: sends '%c' with fd %d (uv_write2)\n", (int)getpid(), tag, fd_of(handle));
    CHECK(uv_write2(&m->req, (uv_stream_t*)&channel, &buf, 1, handle, sent_cb));
  } else if (raw_fd >= 0) {
#if WITH_RAW_FDS
    printf("parent %d: sends '%c' with fd %d (uvref_write2_fd)\n", (int)getpid(), tag, raw_fd);
    CHECK(uvref_write2_fd(&m->req, (uv_stream_t*)&channel, &buf, 1, raw_fd, sent_cb));
#else
    CHECK(UV_ENOTSUP); /* libuv has no way to send a raw descriptor */
#endif
  } else {
    CHECK(uv_write(&m->req, (uv_stream_t*)&channel, &buf, 1, sent_cb));
  }
  // [/docs:ex-socketpair-send]
}

static void client_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  if (nread < 0) { /* the child closed its side first: a failure, the echo is short */
    uv_close((uv_handle_t*)s, NULL);
    return;
  }
  if (echo_len + nread > sizeof echo)
    nread = sizeof echo - echo_len;
  memcpy(echo + echo_len, buf->base, nread);
  echo_len += nread;
  if (echo_len >= strlen(PING))
    uv_close((uv_handle_t*)s, NULL); /* the child sees EOF and closes its copy */
}

static void ping_cb(uv_write_t* req, int status) {
  CHECK(status);
  free(req);
}

/* Both ends of the TCP connection exist: pass one end to the child, then
 * talk through the other. */
static void tcp_end_ready(void) {
  static uv_buf_t ping;
  uv_write_t* req;
  if (++tcp_ends_ready < 2)
    return;
  send_tag('T', (uv_stream_t*)&server_side, -1);
  send_tag('D', NULL, -1);
  ping = uv_buf_init(PING, strlen(PING));
  req = malloc(sizeof *req);
  CHECK(uv_write(req, (uv_stream_t*)&client, &ping, 1, ping_cb));
  CHECK(uv_read_start((uv_stream_t*)&client, alloc_cb, client_read_cb));
}

static void connection_cb(uv_stream_t* l, int status) {
  CHECK(status);
  CHECK(uv_tcp_init(&loop, &server_side));
  CHECK(uv_accept(l, (uv_stream_t*)&server_side));
  uv_close((uv_handle_t*)l, NULL); /* one connection is all we need */
  tcp_end_ready();
}

static void connect_cb(uv_connect_t* req, int status) {
  (void)req;
  CHECK(status);
  tcp_end_ready();
}

static void start_tcp(void) {
  struct sockaddr_in addr;
  struct sockaddr_storage bound;
  int len = sizeof bound;
  CHECK(uv_ip4_addr("127.0.0.1", 0, &addr)); /* port 0: the kernel picks one */
  CHECK(uv_tcp_init(&loop, &listener));
  CHECK(uv_tcp_bind(&listener, (const struct sockaddr*)&addr, 0));
  CHECK(uv_listen((uv_stream_t*)&listener, 1, connection_cb));
  CHECK(uv_tcp_getsockname(&listener, (struct sockaddr*)&bound, &len));
  CHECK(uv_tcp_init(&loop, &client));
  CHECK(uv_tcp_connect(&connect_req, &client, (const struct sockaddr*)&bound, connect_cb));
}

/* The pipe: write the text first, close the write end, then send the read
 * end. The data waits in the kernel's pipe buffer, whoever holds the ends. */
static void send_pipe_end(void) {
  uv_file fds[2];
  CHECK(uv_pipe(fds, UV_NONBLOCK_PIPE, 0));
  if (write(fds[1], PIPE_TEXT, strlen(PIPE_TEXT)) != (ssize_t)strlen(PIPE_TEXT))
    CHECK(-errno);
  close(fds[1]);
  CHECK(uv_pipe_init(&loop, &pipe_read_end, 0));
  CHECK(uv_pipe_open(&pipe_read_end, fds[0]));
  send_tag('P', (uv_stream_t*)&pipe_read_end, -1);
}

#if WITH_RAW_FDS
static int file_fd = -1, event_fd = -1;

static void send_raw_fds(void) {
  char path[] = "/tmp/fdpass-socketpair-XXXXXX";
  file_fd = mkstemp(path);
  if (file_fd < 0)
    CHECK(-errno);
  unlink(path); /* the open file description outlives the name */
  if (write(file_fd, FILE_TEXT, strlen(FILE_TEXT)) != (ssize_t)strlen(FILE_TEXT))
    CHECK(-errno);
  lseek(file_fd, 0, SEEK_SET);
  event_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (event_fd < 0)
    CHECK(-errno);
  send_tag('F', NULL, file_fd);
  send_tag('E', NULL, event_fd);
}
#endif

/* The child's report is the acknowledgement: only now do we close. */
static void report_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  if (nread < 0) {
    uv_close((uv_handle_t*)s, NULL);
    return;
  }
  if (report_len + nread > sizeof report - 1)
    nread = sizeof report - 1 - report_len;
  memcpy(report + report_len, buf->base, nread);
  report_len += nread;
}

static int parent(pid_t child, int sock) {
  int status;
  CHECK(uv_loop_init(&loop));
  CHECK(uv_pipe_init(&loop, &channel, 1));
  CHECK(uv_pipe_open(&channel, sock));
  CHECK(uv_read_start((uv_stream_t*)&channel, alloc_cb, report_read_cb));

  send_pipe_end();
#if WITH_RAW_FDS
  send_raw_fds();
#endif
  start_tcp(); /* 'T' and 'D' follow once the connection is up */
  CHECK(uv_run(&loop, UV_RUN_DEFAULT));
  CHECK(uv_loop_close(&loop)); /* UV_EBUSY if any handle were still open */

  printf("parent %d: child reported \"%s\"\n", (int)getpid(), report);
  expect(strcmp(report, WITH_RAW_FDS ? "PTFE" : "PT") == 0, "the child used every descriptor");
  expect(echo_len == strlen(PING) && memcmp(echo, PING, echo_len) == 0,
         "the child echoed on the TCP socket it received");
#if WITH_RAW_FDS
  {
    /* The child read 4 bytes through its copy: the offset lives in the shared
     * open file description, so ours moved too. */
    char rest[16] = {0};
    uint64_t value = 0;
    expect(lseek(file_fd, 0, SEEK_CUR) == 4, "the file offset is shared (child read 4, ours is 4)");
    expect(read(file_fd, rest, sizeof rest - 1) == 6 && strcmp(rest, "456789") == 0,
           "reading on continues where the child stopped");
    expect(read(event_fd, &value, sizeof value) == sizeof value && value == EVENT_VALUE,
           "the eventfd holds the value the child added");
    close(file_fd);
    close(event_fd);
  }
#endif
  if (waitpid(child, &status, 0) != child)
    status = -1; /* not "exited" */
  expect(WIFEXITED(status) && WEXITSTATUS(status) == 0, "the child exited with status 0");
  printf("parent %d: %s\n", (int)getpid(), failures == 0 ? "all checks passed" : "FAILED");
  return failures == 0 ? 0 : 1;
}

/* ------------------------------------------------------------------- child */

static uv_pipe_t got_pipe;
static uv_tcp_t got_tcp;
static int seen_done, pipe_done, tcp_done, used_file, used_event, reported;
static char pipe_text[128];
static size_t pipe_text_len;
static uv_write_t report_req;

/* Take the next pending descriptor and check that its kind is the expected
 * one. uv_pipe_pending_type() finds the kind from the descriptor itself
 * (fstat, then the socket's family and type), as uv_guess_handle() does. */
static void expect_pending(uv_handle_type want, char tag) {
  char what[96];
  uv_handle_type got = uv_pipe_pending_type(&channel);
  snprintf(what, sizeof what, "'%c' arrived: %d pending, type %s", tag,
           uv_pipe_pending_count(&channel), uv_handle_type_name(got) ? uv_handle_type_name(got) : "unknown");
  expect(got == want, what);
}

static void report_sent_cb(uv_write_t* req, int status) {
  (void)req;
  CHECK(status);
  uv_close((uv_handle_t*)&channel, NULL); /* the parent reads EOF after the report */
}

/* Everything arrived and was used: tell the parent which ones worked. */
static void maybe_report(void) {
  static char text[8];
  uv_buf_t buf;
  if (!seen_done || !pipe_done || !tcp_done || reported++)
    return;
  snprintf(text, sizeof text, "%s%s%s%s", pipe_done > 0 ? "P" : "", tcp_done > 0 ? "T" : "",
           used_file ? "F" : "", used_event ? "E" : "");
  buf = uv_buf_init(text, strlen(text));
  CHECK(uv_write(&report_req, (uv_stream_t*)&channel, &buf, 1, report_sent_cb));
  uv_read_stop((uv_stream_t*)&channel);
}

static void pipe_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  if (nread == UV_EOF) {
    int ok = pipe_text_len == strlen(PIPE_TEXT) && memcmp(pipe_text, PIPE_TEXT, pipe_text_len) == 0;
    expect(ok, "read the pipe's text, then EOF (the parent closed both its ends)");
    pipe_done = ok ? 1 : -1;
    uv_close((uv_handle_t*)s, NULL);
    maybe_report();
    return;
  }
  if (nread < 0)
    CHECK((int)nread);
  if (pipe_text_len + nread > sizeof pipe_text)
    nread = sizeof pipe_text - pipe_text_len;
  memcpy(pipe_text + pipe_text_len, buf->base, nread);
  pipe_text_len += nread;
}

static void echo_cb(uv_write_t* req, int status) {
  CHECK(status);
  free(req);
}

/* Echo whatever arrives on the passed TCP socket, until the parent closes. */
static void tcp_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  static size_t echoed;
  if (nread == UV_EOF) {
    expect(echoed == strlen(PING), "echoed the parent's ping on the TCP socket, then EOF");
    tcp_done = echoed == strlen(PING) ? 1 : -1;
    uv_close((uv_handle_t*)s, NULL);
    maybe_report();
    return;
  }
  if (nread < 0)
    CHECK((int)nread);
  if (nread > 0) {
    /* The write request and a copy of the bytes in one allocation. */
    uv_write_t* req = malloc(sizeof *req + nread);
    uv_buf_t copy = uv_buf_init((char*)(req + 1), nread);
    memcpy(copy.base, buf->base, nread);
    CHECK(uv_write(req, s, &copy, 1, echo_cb));
    echoed += nread;
  }
}

static void take(char tag) {
  // [docs:ex-socketpair-take]
  switch (tag) {
    case 'P':
      expect_pending(UV_NAMED_PIPE, tag);
      CHECK(uv_pipe_init(&loop, &got_pipe, 0));
      CHECK(uv_accept((uv_stream_t*)&channel, (uv_stream_t*)&got_pipe));
      printf("child  %d: pipe end accepted as fd %d\n", (int)getpid(), fd_of(&got_pipe));
      CHECK(uv_read_start((uv_stream_t*)&got_pipe, alloc_cb, pipe_read_cb));
      break;
    case 'T':
      expect_pending(UV_TCP, tag);
      CHECK(uv_tcp_init(&loop, &got_tcp));
      CHECK(uv_accept((uv_stream_t*)&channel, (uv_stream_t*)&got_tcp));
      printf("child  %d: TCP socket accepted as fd %d\n", (int)getpid(), fd_of(&got_tcp));
      CHECK(uv_read_start((uv_stream_t*)&got_tcp, alloc_cb, tcp_read_cb));
      break;
#if WITH_RAW_FDS
    case 'F': {
      int fd;
      char head[5] = {0};
      expect_pending(UV_FILE, tag);
      CHECK(uvref_pipe_accept_fd(&channel, &fd));
      printf("child  %d: regular file accepted as fd %d\n", (int)getpid(), fd);
      used_file = read(fd, head, 4) == 4 && strcmp(head, "0123") == 0;
      expect(used_file, "read \"0123\" from the file (from the shared offset 0)");
      close(fd);
      break;
    }
    case 'E': {
      int fd;
      uint64_t value = EVENT_VALUE;
      expect_pending(UV_UNKNOWN_HANDLE, tag); /* an eventfd is no stream, file or socket */
      CHECK(uvref_pipe_accept_fd(&channel, &fd));
      printf("child  %d: eventfd accepted as fd %d\n", (int)getpid(), fd);
      used_event = write(fd, &value, sizeof value) == sizeof value;
      expect(used_event, "added 42 to the eventfd's counter");
      close(fd);
      break;
    }
#endif
    case 'D':
      seen_done = 1;
      expect(uv_pipe_pending_count(&channel) == 0, "'D': nothing left pending");
      break;
    default:
      expect(0, "a known tag");
  }
  // [/docs:ex-socketpair-take]
}

/* Each message is one tag byte; a read may hold several. A descriptor that
 * came with a tag is pending by the time this callback sees that tag. */
static void channel_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  (void)s;
  if (nread < 0) {
    expect(0, "the parent's messages arrived before EOF");
    uv_close((uv_handle_t*)&channel, NULL);
    return;
  }
  for (ssize_t i = 0; i < nread; i++)
    take(buf->base[i]);
  maybe_report();
}

static int child(int sock) {
  role = "child ";
  alarm(10); /* a hang is a failure: SIGALRM ends the process */
  CHECK(uv_loop_init(&loop)); /* a new loop: the child never touches the parent's */
  CHECK(uv_pipe_init(&loop, &channel, 1));
  CHECK(uv_pipe_open(&channel, sock));
  CHECK(uv_read_start((uv_stream_t*)&channel, alloc_cb, channel_read_cb));
  CHECK(uv_run(&loop, UV_RUN_DEFAULT));
  CHECK(uv_loop_close(&loop));
  return failures == 0 && seen_done ? 0 : 1;
}

int main(void) {
  uv_os_sock_t sv[2];
  pid_t pid;
  setvbuf(stdout, NULL, _IOLBF, 0); /* parent and child lines interleave whole */
  alarm(10);
  printf("fdpass-socketpair, built against %s %s\n", BUILT_AGAINST, uv_version_string());
  /* Both ends close-on-exec; uv_pipe_open() makes each non-blocking. */
  CHECK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0));
  pid = fork(); /* before any loop exists: each process creates its own */
  if (pid < 0)
    CHECK(-errno);
  if (pid == 0) {
    close(sv[0]);
    return child(sv[1]);
  }
  close(sv[1]);
  return parent(pid, sv[0]);
}
