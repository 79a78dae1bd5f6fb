/*
 * loop init + close (raw): the kernel's limit for loopinit_uv.c. The
 * syscalls that create a libuv 1.44 loop's descriptors, and their closes:
 * epoll_create1(EPOLL_CLOEXEC), pipe2(O_NONBLOCK | O_CLOEXEC) for the signal
 * pipe, eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK) for async wake-ups.
 */
#include "bench.h"

#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>

#define NAME "loopinit"

static void one(void) {
  int ep = epoll_create1(EPOLL_CLOEXEC);
  BENCH_CHECK(NAME, ep >= 0, "epoll_create1: %s", strerror(errno));
  int sig[2];
  BENCH_SYS(NAME, pipe2(sig, O_NONBLOCK | O_CLOEXEC));
  int ev = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  BENCH_CHECK(NAME, ev >= 0, "eventfd: %s", strerror(errno));
  BENCH_SYS(NAME, close(sig[0]));
  BENCH_SYS(NAME, close(sig[1]));
  BENCH_SYS(NAME, close(ev));
  BENCH_SYS(NAME, close(ep));
}

int main(int argc, char** argv) {
  bench_args_t args = bench_parse(argc, argv);
  int fds_before = bench_count_fds(NAME);
  long done = 0;
  double t0 = bench_now();
  while (bench_more(&args, done, t0)) {
    one();
    done++;
  }
  double t1 = bench_now();
  int fds_after = bench_count_fds(NAME);
  BENCH_CHECK(NAME, fds_after == fds_before, "%d descriptors open before, %d after", fds_before, fds_after);
  bench_result(NAME, (unsigned long long)done, t1 - t0, "loops");
  return 0;
}
