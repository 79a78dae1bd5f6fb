/*
 * fdpass_cross: descriptor passing between two libraries. One process sends,
 * another receives, and each may be built against uvref or against Debian's
 * libuv 1.44.2; run_cross.py runs the four pairs and requires the same report
 * from each (libuv to libuv is the oracle).
 *
 *   fdpass_cross SENDER   receive: make a socket pair, start SENDER (a build
 *                         of this program) with "send FD", read, accept,
 *                         check, print the report
 *   fdpass_cross send FD  send: FDPASS_COUNT uv_write2s, each one byte and
 *                         one of 8 pipe read ends in turn, then an end byte;
 *                         close on the ack. First a burst: FDPASS_BURST
 *                         issued before the loop runs; when all have
 *                         completed, the rest in a window of FDPASS_WINDOW
 *                         (each write callback starts the next)
 *
 * With a burst issued at once the socket buffer fills and the rest wait in
 * the write queue; in the window the buffer never fills, and uvref holds the
 * writes started from callbacks until the callbacks are done. uvref sends
 * both together (up to 60 descriptors per sendmsg); libuv sends one per
 * sendmsg. A receiver must get every
 * descriptor whatever the sender did: the report counts them, checks each is
 * a pipe, and checks their order (descriptor i is the same pipe as i - 8).
 * The sender waits for an acknowledgement before closing: libuv 1.44 loses
 * messages when the peer closes right after sending (docs/libuv-facts.md).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <uv.h>

#define FDPASS_COUNT 2000
#define FDPASS_BURST 1000
#define FDPASS_WINDOW 16
#define FDPASS_PIPES 8
#define END_BYTE 'Z'
#define ACK_BYTE 'A'
#define MSG_BYTE(i) ((char)('a' + (i) % 25))

static void die(const char* what, int err) {
  fprintf(stderr, "fdpass_cross: %s: %s\n", what, err ? uv_strerror(err) : "failed");
  exit(1);
}

#define CHECK_UV(call)            \
  do {                            \
    int r_ = (call);              \
    if (r_ < 0) die(#call, r_);   \
  } while (0)

/* ---- sender ---- */

static uv_pipe_t s_channel;
static uv_pipe_t s_carried[FDPASS_PIPES];
static uv_write_t s_reqs[FDPASS_COUNT];
static uv_write_t s_end_req;
static char s_bytes[FDPASS_COUNT];
static char s_end = END_BYTE;
static char s_ack[8];
static int s_written, s_started;

static void s_on_written(uv_write_t* req, int status);

/* Starts message s_started; after the last one, the end byte. */
static void s_start_next(void) {
  int i = s_started++;
  s_bytes[i] = MSG_BYTE(i);
  uv_buf_t buf = uv_buf_init(&s_bytes[i], 1);
  CHECK_UV(uv_write2(&s_reqs[i], (uv_stream_t*)&s_channel, &buf, 1,
                     (uv_stream_t*)&s_carried[i % FDPASS_PIPES], s_on_written));
  if (s_started < FDPASS_COUNT) return;
  uv_buf_t end = uv_buf_init(&s_end, 1);
  CHECK_UV(uv_write(&s_end_req, (uv_stream_t*)&s_channel, &end, 1, NULL));
}

static void s_on_written(uv_write_t* req, int status) {
  (void)req;
  if (status != 0) die("uv_write2 callback", status);
  s_written++;
  if (s_written < FDPASS_BURST || s_started == FDPASS_COUNT) return;
  if (s_written == FDPASS_BURST) /* the burst is done: open the window */
    for (int k = 1; k < FDPASS_WINDOW && s_started < FDPASS_COUNT; k++) s_start_next();
  s_start_next();
}

static void s_alloc(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  (void)h, (void)size;
  *buf = uv_buf_init(s_ack, sizeof s_ack);
}

static void s_on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  (void)s;
  if (nread == 0) return;
  if (nread != 1 || buf->base[0] != ACK_BYTE) die("sender expected the ack", (int)(nread < 0 ? nread : 0));
  uv_close((uv_handle_t*)&s_channel, NULL);
  for (int j = 0; j < FDPASS_PIPES; j++) uv_close((uv_handle_t*)&s_carried[j], NULL);
}

static int run_sender(int fd) {
  uv_loop_t loop;
  CHECK_UV(uv_loop_init(&loop));
  CHECK_UV(uv_pipe_init(&loop, &s_channel, 1));
  CHECK_UV(uv_pipe_open(&s_channel, fd));
  for (int j = 0; j < FDPASS_PIPES; j++) {
    uv_file ends[2];
    CHECK_UV(uv_pipe(ends, UV_NONBLOCK_PIPE, UV_NONBLOCK_PIPE));
    close(ends[1]);
    CHECK_UV(uv_pipe_init(&loop, &s_carried[j], 0));
    CHECK_UV(uv_pipe_open(&s_carried[j], ends[0]));
  }
  CHECK_UV(uv_read_start((uv_stream_t*)&s_channel, s_alloc, s_on_read));
  while (s_started < FDPASS_BURST) s_start_next();
  CHECK_UV(uv_run(&loop, UV_RUN_DEFAULT));
  if (s_written != FDPASS_COUNT) die("not every write completed", 0);
  CHECK_UV(uv_loop_close(&loop));
  return 0;
}

/* ---- receiver ---- */

static uv_pipe_t r_channel;
static uv_write_t r_ack_req;
static char r_buf[65536];
static char r_ack = ACK_BYTE;
static int r_messages, r_descriptors, r_pipes, r_bad_bytes, r_ended, r_order_bad = -1;
static struct stat r_seen[FDPASS_COUNT];

static void r_alloc(uv_handle_t* h, size_t size, uv_buf_t* buf) {
  (void)h, (void)size;
  *buf = uv_buf_init(r_buf, sizeof r_buf);
}

static void r_on_closed(uv_handle_t* h) { free(h); }

static void r_accept_pending(void) {
  while (uv_pipe_pending_count(&r_channel) > 0) {
    if (uv_pipe_pending_type(&r_channel) == UV_NAMED_PIPE) r_pipes++;
    uv_pipe_t* client = malloc(sizeof *client);
    if (client == NULL) die("malloc", 0);
    CHECK_UV(uv_pipe_init(r_channel.loop, client, 0));
    CHECK_UV(uv_accept((uv_stream_t*)&r_channel, (uv_stream_t*)client));
    uv_os_fd_t fd;
    CHECK_UV(uv_fileno((uv_handle_t*)client, &fd));
    struct stat st;
    if (fstat(fd, &st) != 0) die("fstat of an accepted descriptor", 0);
    if (r_descriptors < FDPASS_COUNT) {
      int i = r_descriptors;
      r_seen[i] = st;
      int same_as_before = i >= FDPASS_PIPES && st.st_ino == r_seen[i - FDPASS_PIPES].st_ino &&
                           st.st_dev == r_seen[i - FDPASS_PIPES].st_dev;
      int new_pipe = i < FDPASS_PIPES;
      for (int k = 0; new_pipe && k < i; k++) new_pipe = r_seen[k].st_ino != st.st_ino;
      if (!(same_as_before || new_pipe) && r_order_bad < 0) r_order_bad = i;
    }
    r_descriptors++;
    uv_close((uv_handle_t*)client, r_on_closed);
  }
}

static void r_on_ack_written(uv_write_t* req, int status) {
  if (status != 0) die("ack write", status);
  uv_close((uv_handle_t*)req->handle, NULL);
}

static void r_on_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  if (nread < 0) {
    printf("read error %s after %d messages\n", uv_err_name((int)nread), r_messages);
    uv_close((uv_handle_t*)s, NULL);
    return;
  }
  for (ssize_t i = 0; i < nread; i++) {
    if (buf->base[i] == END_BYTE) {
      r_ended = 1;
    } else {
      if (buf->base[i] != MSG_BYTE(r_messages)) r_bad_bytes++;
      r_messages++;
    }
  }
  r_accept_pending();
  if (r_ended) {
    CHECK_UV(uv_read_stop(s));
    uv_buf_t ack = uv_buf_init(&r_ack, 1);
    CHECK_UV(uv_write(&r_ack_req, s, &ack, 1, r_on_ack_written));
  }
}

static int run_receiver(const char* sender) {
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) die("socketpair", 0);
  pid_t pid = fork();
  if (pid < 0) die("fork", 0);
  if (pid == 0) {
    close(sv[0]);
    char arg[16];
    snprintf(arg, sizeof arg, "%d", sv[1]);
    execl(sender, sender, "send", arg, (char*)NULL);
    _exit(127);
  }
  close(sv[1]);

  uv_loop_t loop;
  CHECK_UV(uv_loop_init(&loop));
  CHECK_UV(uv_pipe_init(&loop, &r_channel, 1));
  CHECK_UV(uv_pipe_open(&r_channel, sv[0]));
  CHECK_UV(uv_read_start((uv_stream_t*)&r_channel, r_alloc, r_on_read));
  CHECK_UV(uv_run(&loop, UV_RUN_DEFAULT));
  CHECK_UV(uv_loop_close(&loop));

  int status = 0;
  if (waitpid(pid, &status, 0) != pid) die("waitpid", 0);
  printf("messages %d (bytes out of sequence: %d), end byte %s\n", r_messages, r_bad_bytes,
         r_ended ? "seen" : "missing");
  printf("descriptors %d, of which pipes %d\n", r_descriptors, r_pipes);
  if (r_order_bad < 0)
    printf("order: each descriptor the pipe sent with its message\n");
  else
    printf("order: descriptor %d is not the pipe sent with message %d\n", r_order_bad, r_order_bad);
  printf("sender: %s\n", WIFEXITED(status) && WEXITSTATUS(status) == 0 ? "exit 0" : "failed");
  printf("done\n");
  return 0;
}

int main(int argc, char** argv) {
  setvbuf(stdout, NULL, _IONBF, 0);
  if (argc == 3 && strcmp(argv[1], "send") == 0) return run_sender(atoi(argv[2]));
  if (argc == 2) return run_receiver(argv[1]);
  fprintf(stderr, "usage: fdpass_cross SENDER | fdpass_cross send FD\n");
  return 2;
}
