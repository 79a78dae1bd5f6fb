/*
 * ping-pong (raw): the kernel's limit for pingpong_uv.c. Same socketpair and
 * protocol, blocking read(2) and write(2): two syscalls per side per round
 * trip and a direct wake-up of the blocked reader.
 */
#include "bench.h"

#include <sys/socket.h>

#define NAME "pingpong"

static void put(int fd, char byte) {
  ssize_t n;
  while ((n = write(fd, &byte, 1)) < 0 && errno == EINTR) {
  }
  BENCH_CHECK(NAME, n == 1, "write: %s", strerror(errno));
}

/* Returns the number of bytes read: 0 at EOF. */
static ssize_t get(int fd, char* buf, size_t len) {
  ssize_t n;
  while ((n = read(fd, buf, len)) < 0 && errno == EINTR) {
  }
  BENCH_CHECK(NAME, n >= 0, "read: %s", strerror(errno));
  return n;
}

int main(int argc, char** argv) {
  bench_args_t args = bench_parse(argc, argv);
  int sv[2];
  char buf[64];
  BENCH_SYS(NAME, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  pid_t pid = bench_fork(NAME);
  if (pid == 0) {
    close(sv[0]);
    ssize_t n;
    while ((n = get(sv[1], buf, sizeof buf)) > 0) {
      BENCH_CHECK(NAME, n == 1, "child read %zd bytes at once", n);
      put(sv[1], buf[0]);
    }
    bench_child_exit();
  }
  close(sv[1]);
  long done = 0;
  double t0 = bench_now();
  while (bench_more(&args, done, t0)) {
    put(sv[0], (char)(done & 0xff));
    ssize_t n = get(sv[0], buf, sizeof buf);
    BENCH_CHECK(NAME, n == 1 && buf[0] == (char)(done & 0xff), "echo %ld: got %zd bytes, first 0x%02x",
                done, n, (unsigned char)buf[0]);
    done++;
  }
  double t1 = bench_now();
  close(sv[0]);
  bench_wait_child(NAME, pid);
  BENCH_CHECK(NAME, done > 0, "no round trip completed");
  bench_result(NAME, (unsigned long long)done, t1 - t0, "roundtrips");
  return 0;
}
