/*
 * same_file.c: prove that a passed descriptor is the sender's open file
 * description, not a copy and not the same number (Part IV, exercise
 * inflight-same-file).
 *
 * The experiment: the parent opens a memfd and writes "hello" into it (its
 * offset is now 5), forks, and sends the descriptor to the child over an IPC
 * pipe made with uv_socketpair(). The child accepts it and reports the number
 * it got and the offset it sees. Two proofs follow:
 *  1. kcmp(2) with KCMP_FILE says the parent's descriptor and the child's
 *     refer to the same struct file (and a second memfd, the control, does
 *     not); the numbers may differ.
 *  2. The child writes "world" through its descriptor; the parent's offset
 *     moves from 5 to 10 without the parent doing anything: the offset lives
 *     in the shared open file description.
 *
 * The functions between the `[docs:...]` markers are the exercise; the rest is
 * the plumbing (loop, pipes, fork, the child's report).
 *
 * Output, one line per finding; the exit status is 0 when the experiment ran
 * to its end (whatever it proved) and 2 when it could not run.
 *
 * Build: cc same_file.c $(pkg-config --cflags --libs uvref) -o same-file
 */
#define _GNU_SOURCE
#include <uv.h>

#include <errno.h>
#include <linux/kcmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef UVREF_UV_H
#error "uses uvref's raw-descriptor calls (uvref_write2_fd, uvref_pipe_accept_fd): build against uvref"
#endif

/*
 * 1 if descriptor fd_a of process pid_a and descriptor fd_b of process pid_b
 * refer to the same open file description, 0 if not, a negative errno if the
 * kernel cannot tell (a closed descriptor, no such process, no permission).
 */
int same_open_file(pid_t pid_a, int fd_a, pid_t pid_b, int fd_b) {
  // [docs:ex-same-file-kcmp]
  long r = syscall(SYS_kcmp, pid_a, pid_b, KCMP_FILE, fd_a, fd_b);
  if (r < 0)
    return -errno;
  return r == 0; /* kcmp orders the two struct file pointers: 0 means equal */
  // [/docs:ex-same-file-kcmp]
}

/* Sends fd with one byte of data on the IPC pipe ipc; 0 or a UV_E* error. */
int send_file(uv_pipe_t* ipc, int fd) {
  // [docs:ex-same-file-send]
  static uv_write_t req; /* must live until the write completes */
  static char tag = 'F'; /* the byte the descriptor rides on */
  uv_buf_t buf = uv_buf_init(&tag, 1);
  return uvref_write2_fd(&req, (uv_stream_t*)ipc, &buf, 1, fd, NULL);
  // [/docs:ex-same-file-send]
}

/* Takes the descriptor that arrived on ipc: the new descriptor, or a UV_E* error. */
int receive_file(uv_pipe_t* ipc) {
  // [docs:ex-same-file-receive]
  int fd;
  int r;
  if (uv_pipe_pending_count(ipc) == 0)
    return UV_EAGAIN;
  r = uvref_pipe_accept_fd(ipc, &fd);
  return r < 0 ? r : fd;
  // [/docs:ex-same-file-receive]
}

/*
 * Child side of the offset proof: returns the offset the received descriptor
 * shows (the parent's 5, if the offset is shared), then writes "world" through
 * it. A negative errno if either fails.
 */
long child_uses_file(int fd) {
  // [docs:ex-same-file-child-offset]
  off_t seen = lseek(fd, 0, SEEK_CUR);
  if (seen < 0)
    return -errno;
  if (write(fd, "world", 5) != 5)
    return -EIO;
  return (long)seen;
  // [/docs:ex-same-file-child-offset]
}

/* ------------------------------------------------------------- plumbing */

static uv_loop_t loop;
static uv_pipe_t channel;
static pid_t child_pid;
static int file = -1, control = -1;
static char inbox[64];
static size_t inbox_len;

static void alloc_cb(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  static char storage[64];
  (void)h;
  (void)suggested;
  *buf = uv_buf_init(storage, sizeof storage);
}

/* A short report on the non-blocking channel: it always fits in the socket buffer. */
static void say(const char* text) {
  uv_buf_t buf = uv_buf_init((char*)text, strlen(text));
  if (uv_try_write((uv_stream_t*)&channel, &buf, 1) != (int)buf.len)
    fprintf(stderr, "pid %d: could not report \"%s\"\n", (int)getpid(), text);
}

static void child_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  static int fd = -1;
  char report[64];
  (void)s;
  for (ssize_t i = 0; i < nread; i++) {
    if (buf->base[i] == 'F') {
      fd = receive_file(&channel);
      if (fd < 0) {
        printf("child: receive_file: %s\n", uv_strerror(fd));
        say("-1 -1\n");
        continue;
      }
      /* The offset is read now, before the parent has looked, and written after. */
      snprintf(report, sizeof report, "%d %ld\n", fd, child_uses_file(fd));
      say(report);
    } else if (buf->base[i] == 'g') { /* the parent has compared: let go */
      if (fd >= 0)
        close(fd);
      fd = -1;
    }
  }
  if (nread < 0) /* the parent closed its end: we are done */
    uv_close((uv_handle_t*)&channel, NULL);
}

static int child(int sock) {
  if (uv_loop_init(&loop) < 0 || uv_pipe_init(&loop, &channel, 1) < 0 || uv_pipe_open(&channel, sock) < 0)
    return 2;
  uv_read_start((uv_stream_t*)&channel, alloc_cb, child_read_cb);
  uv_run(&loop, UV_RUN_DEFAULT);
  return uv_loop_close(&loop) == 0 ? 0 : 2;
}

/* The child's report "<its fd> <the offset it saw>": both proofs, then release the child. */
static void judge(void) {
  int child_fd = -1;
  long seen = -1;
  int same, other;
  sscanf(inbox, "%d %ld", &child_fd, &seen);
  same = same_open_file(getpid(), file, child_pid, child_fd);
  other = same_open_file(getpid(), control, child_pid, child_fd);
  printf("parent: my fd %d, the child's fd %d\n", file, child_fd);
  printf("kcmp: the child's descriptor is my open file description: %s\n",
         same == 1 ? "yes" : same == 0 ? "no" : uv_strerror(same));
  printf("kcmp: the control memfd is a different one: %s\n",
         other == 0 ? "yes" : other == 1 ? "no" : uv_strerror(other));
  printf("offset: the child saw %ld\n", seen);
  say("g");
  uv_close((uv_handle_t*)&channel, NULL); /* the child reads EOF and exits */
}

static void parent_read_cb(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  (void)s;
  if (nread < 0) {
    printf("parent: the child left without a report\n");
    uv_close((uv_handle_t*)&channel, NULL);
    return;
  }
  if (inbox_len + nread > sizeof inbox - 1)
    nread = sizeof inbox - 1 - inbox_len;
  memcpy(inbox + inbox_len, buf->base, nread);
  inbox_len += nread;
  if (memchr(inbox, '\n', inbox_len) != NULL)
    judge();
}

static int parent(int sock) {
  int r, status = 0;
  char text[11] = {0};
  if (uv_loop_init(&loop) < 0 || uv_pipe_init(&loop, &channel, 1) < 0 || uv_pipe_open(&channel, sock) < 0)
    return 2;
  r = send_file(&channel, file);
  if (r < 0) {
    printf("parent: send_file: %s\n", uv_strerror(r));
    uv_close((uv_handle_t*)&channel, NULL);
  } else {
    uv_read_start((uv_stream_t*)&channel, alloc_cb, parent_read_cb);
  }
  uv_run(&loop, UV_RUN_DEFAULT);
  if (uv_loop_close(&loop) < 0 || waitpid(child_pid, &status, 0) != child_pid)
    return 2;
  /* Nobody wrote through our descriptor since "hello": where is our offset now? */
  printf("offset: mine is now %ld\n", (long)lseek(file, 0, SEEK_CUR));
  if (pread(file, text, 10, 0) < 0)
    return 2;
  printf("offset: the file holds \"%s\"\n", text);
  printf("child: exit status %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return 0;
}

int main(void) {
  uv_os_sock_t sv[2];
  setvbuf(stdout, NULL, _IOLBF, 0);
  alarm(10); /* a hang is a failure */
  file = memfd_create("same-file", MFD_CLOEXEC);
  control = memfd_create("control", MFD_CLOEXEC);
  if (file < 0 || control < 0 || write(file, "hello", 5) != 5) /* our offset: 5 */
    return 2;
  if (uv_socketpair(SOCK_STREAM, 0, sv, 0, 0) < 0)
    return 2;
  child_pid = fork();
  if (child_pid < 0)
    return 2;
  if (child_pid == 0) {
    close(sv[0]);
    close(file); /* the child gets the file only through the socket */
    close(control);
    return child(sv[1]);
  }
  close(sv[1]);
  return parent(sv[0]);
}
