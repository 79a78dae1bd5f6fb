/*
 * fd passing (raw): the kernel's limit for fdpass_uv.c. Same protocol, but
 * one blocking sendmsg(2) per descriptor (SCM_RIGHTS, one descriptor, one
 * byte) and blocking recvmsg(2) with MSG_CMSG_CLOEXEC on the other side;
 * the receiver checks and closes each descriptor exactly as fdpass_uv.c does.
 */
#include "bench.h"
#include "fdpass_common.h"

#include <fcntl.h>
#include <sys/socket.h>

#ifndef NAME
#define NAME "fdpass"
#endif

static void send_one(int channel, char byte, int fd) {
  union {
    char space[CMSG_SPACE(sizeof(int))];
    struct cmsghdr align;
  } control;
  struct iovec iov = {&byte, 1};
  struct msghdr msg;
  memset(&msg, 0, sizeof msg);
  memset(&control, 0, sizeof control);
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  if (fd >= 0) {
    msg.msg_control = control.space;
    msg.msg_controllen = sizeof control.space;
    struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &fd, sizeof fd);
  }
  ssize_t n;
  while ((n = sendmsg(channel, &msg, 0)) < 0 && errno == EINTR) {
  }
  BENCH_CHECK(NAME, n == 1, "sendmsg: %s", strerror(errno));
}

int main(int argc, char** argv) {
  bench_args_t args = bench_parse(argc, argv);
  long* sent = bench_shared(NAME, sizeof *sent);
  int sv[2], carried[2];
  struct stat carried_stat;
  BENCH_SYS(NAME, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  BENCH_SYS(NAME, pipe2(carried, O_CLOEXEC));
  BENCH_SYS(NAME, fstat(carried[1], &carried_stat));
  double t0 = bench_now();
  pid_t pid = bench_fork(NAME);
  if (pid == 0) {
    close(sv[0]);
    close(carried[0]);
    double ts = bench_now();
    for (long i = 0; bench_more(&args, i, ts); i++) {
      send_one(sv[1], FDPASS_BYTE(i), carried[1]);
      (*sent)++;
    }
    send_one(sv[1], FDPASS_END, -1);
    char ack = 0;
    ssize_t n;
    while ((n = read(sv[1], &ack, 1)) < 0 && errno == EINTR) {
    }
    BENCH_CHECK(NAME, n == 1 && ack == FDPASS_ACK, "sender expected the ack, got %zd", n);
    bench_child_exit();
  }
  close(sv[1]);
  close(carried[0]);
  close(carried[1]);

  int fds_before = bench_count_fds(NAME);
  long bytes = 0, accepted = 0;
  int ended = 0;
  while (!ended) {
    char buf[64];
    union {
      char space[CMSG_SPACE(4 * sizeof(int))];
      struct cmsghdr align;
    } control;
    struct iovec iov = {buf, sizeof buf};
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.space;
    msg.msg_controllen = sizeof control.space;
    ssize_t n;
    while ((n = recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC)) < 0 && errno == EINTR) {
    }
    BENCH_CHECK(NAME, n > 0, "recvmsg: %s", n == 0 ? "unexpected EOF" : strerror(errno));
    BENCH_CHECK(NAME, !(msg.msg_flags & MSG_CTRUNC), "control data truncated");
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
      BENCH_CHECK(NAME, c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS, "unexpected cmsg");
      size_t nfds = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      for (size_t k = 0; k < nfds; k++) {
        int fd;
        memcpy(&fd, CMSG_DATA(c) + k * sizeof(int), sizeof fd);
        BENCH_CHECK(NAME, fdpass_same_file(fd, &carried_stat),
                    "descriptor %d (message %ld) is not the pipe that was sent", fd, accepted);
        BENCH_SYS(NAME, close(fd));
        accepted++;
      }
    }
    for (ssize_t i = 0; i < n; i++) {
      BENCH_CHECK(NAME, !ended, "bytes after the end marker");
      if (buf[i] == FDPASS_END) {
        ended = 1;
        continue;
      }
      BENCH_CHECK(NAME, buf[i] == FDPASS_BYTE(bytes), "message %ld: byte 0x%02x", bytes,
                  (unsigned char)buf[i]);
      bytes++;
    }
  }
  double t1 = bench_now();
  int fds_after = bench_count_fds(NAME);
  char ack = FDPASS_ACK;
  BENCH_CHECK(NAME, write(sv[0], &ack, 1) == 1, "ack write: %s", strerror(errno));
  close(sv[0]);
  bench_wait_child(NAME, pid);
  BENCH_CHECK(NAME, accepted == bytes && bytes == *sent && *sent > 0,
              "sent %ld, received %ld messages and %ld descriptors", *sent, bytes, accepted);
  BENCH_CHECK(NAME, fds_after == fds_before, "%d descriptors open before, %d after", fds_before,
              fds_after);
  bench_result(NAME, (unsigned long long)accepted, t1 - t0, "fds");
  return 0;
}
