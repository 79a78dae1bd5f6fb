/*
 * pump (raw): the kernel's limit for pump_uv.c. Same socketpair, same
 * pattern and check, but blocking write(2) of 64 KiB in the child and
 * blocking read(2) in the parent: no event loop, no readiness wait.
 */
#include "bench.h"
#include "pump_common.h"

#include <sys/socket.h>

#define NAME "pump"

static void run_writer(int fd, const bench_args_t* args, unsigned long long* written) {
  double t0 = bench_now();
  for (long k = 0; bench_more(args, k, t0); k++) {
    const unsigned char* p = pump_chunk(k);
    size_t left = PUMP_CHUNK;
    while (left > 0) {
      ssize_t n = write(fd, p, left);
      if (n < 0 && errno == EINTR) continue;
      BENCH_CHECK(NAME, n > 0, "write: %s", strerror(errno));
      p += n;
      left -= (size_t)n;
    }
    *written += PUMP_CHUNK;
  }
  close(fd);
}

int main(int argc, char** argv) {
  bench_args_t args = bench_parse(argc, argv);
  pump_pattern_init();
  unsigned long long* written = bench_shared(NAME, sizeof *written);
  int sv[2];
  BENCH_SYS(NAME, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
  double t0 = bench_now();
  pid_t pid = bench_fork(NAME);
  if (pid == 0) {
    close(sv[0]);
    run_writer(sv[1], &args, written);
    bench_child_exit();
  }
  close(sv[1]);

  static char buf[PUMP_CHUNK];
  unsigned long long received = 0;
  for (;;) {
    ssize_t n = read(sv[0], buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    BENCH_CHECK(NAME, n >= 0, "read: %s", strerror(errno));
    if (n == 0) break;
    BENCH_CHECK(NAME, pump_verify(received, buf, (size_t)n),
                "byte mismatch within %zd bytes at stream offset %llu", n, received);
    received += (unsigned long long)n;
  }
  double t1 = bench_now();
  close(sv[0]);
  bench_wait_child(NAME, pid);
  BENCH_CHECK(NAME, received == *written && received > 0, "received %llu bytes, the writer wrote %llu",
              received, *written);
  bench_result(NAME, received, t1 - t0, "bytes");
  return 0;
}
