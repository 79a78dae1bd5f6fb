/*
 * bench_uv.h: helpers for the programs written against uv.h. The same source
 * is compiled twice, once with uvref's uv.h and once with Debian's
 * /usr/include/uv.h; the checks below make sure each build got the header it
 * claims (an include path mix-up would otherwise compare libuv with itself).
 */
#ifndef UVREF_BENCH_UV_H
#define UVREF_BENCH_UV_H

#include <uv.h>

#include "bench.h"

#if defined(BENCH_IMPL_UVREF) && !defined(UVREF_UV_H)
#error "the uvref build of a benchmark did not get uvref's uv.h"
#endif
#if defined(BENCH_IMPL_LIBUV) && defined(UVREF_UV_H)
#error "the libuv build of a benchmark got uvref's uv.h instead of /usr/include/uv.h"
#endif

/*
 * Checks a uv_* return value. UV_ENOSYS means the implementation does not
 * have the function yet: report "unsupported" (exit 77), not a failure.
 */
#define BENCH_UV(name, expr)                                                             \
  do {                                                                                   \
    int bench_r_ = (int)(expr);                                                          \
    if (bench_r_ == UV_ENOSYS) {                                                         \
      fprintf(stderr, "unsupported: %s returned UV_ENOSYS\n", #expr);                     \
      exit(BENCH_UNSUPPORTED);                                                           \
    }                                                                                    \
    if (bench_r_ < 0) bench_fail(name, "%s: %s", #expr, uv_err_name(bench_r_));           \
  } while (0)

/* Closes every handle still open on `loop`, runs it dry and closes it. */
static inline void bench_walk_close(uv_handle_t* h, void* arg) {
  (void)arg;
  if (!uv_is_closing(h)) uv_close(h, NULL);
}

static inline void bench_loop_finish(const char* name, uv_loop_t* loop) {
  uv_walk(loop, bench_walk_close, NULL);
  BENCH_UV(name, uv_run(loop, UV_RUN_DEFAULT));
  BENCH_UV(name, uv_loop_close(loop));
}

#endif /* UVREF_BENCH_UV_H */
