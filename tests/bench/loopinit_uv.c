/*
 * loop init + close (uv.h): uv_loop_init followed by uv_loop_close, per
 * second. In libuv 1.44 each pair creates and closes four descriptors
 * (epoll, the per-loop signal pipe pair, the async eventfd); the first loop
 * of a process also makes the process-wide signal lock pipe, which stays.
 * Checks: every call succeeds, the loop has a live backend descriptor, and
 * no descriptor is left behind (counted after the first pair, which may
 * leave process-wide ones, and again at the end).
 * Baseline: loopinit_raw.c (the creating syscalls and closes alone).
 */
#include "bench_uv.h"

#include <fcntl.h>

#define NAME "loopinit"

static void one(uv_loop_t* loop, int check) {
  BENCH_UV(NAME, uv_loop_init(loop));
  if (check) {
    int fd = uv_backend_fd(loop);
    BENCH_CHECK(NAME, fd >= 0 && fcntl(fd, F_GETFD) >= 0, "no live backend descriptor (%d)", fd);
  }
  BENCH_UV(NAME, uv_loop_close(loop));
}

int main(int argc, char** argv) {
  bench_args_t args = bench_parse(argc, argv);
  uv_loop_t loop;
  one(&loop, 1); /* may open process-wide descriptors (the signal lock pipe) */
  int fds_before = bench_count_fds(NAME);
  long done = 0;
  double t0 = bench_now();
  while (bench_more(&args, done, t0)) {
    one(&loop, 0);
    done++;
  }
  double t1 = bench_now();
  one(&loop, 1);
  int fds_after = bench_count_fds(NAME);
  BENCH_CHECK(NAME, fds_after == fds_before, "%d descriptors open before, %d after", fds_before, fds_after);
  bench_result(NAME, (unsigned long long)done, t1 - t0, "loops");
  return 0;
}
