/**
 * @file pair_finish.cpp
 * @brief Per-end UV_NONBLOCK_PIPE for uv_pipe() and uv_socketpair().
 *
 * pipe2() and socketpair() set O_NONBLOCK on both ends or on neither; libuv's
 * flags ask per end (a child's stdin may want a blocking end while the
 * parent's is non-blocking). Both callers create the pair with the flag when
 * both ends want it and call this to fix up the one end that wants it alone.
 *
 * libuv: src/unix/pipe.c uv_pipe, src/unix/tcp.c uv_socketpair
 *
 * Page: \docpage{pipe-vs-socketpair}
 */
#include "pipe/pipe.h"
#include "sys/sys.h"

namespace uvref::detail {

// [docs:pair-finish]
int pipe_pair_finish(int made[2], int flags0, int flags1, int out[2]) noexcept {
  bool both = (flags0 & UV_NONBLOCK_PIPE) && (flags1 & UV_NONBLOCK_PIPE);
  int r = 0;
  if (!both) {  // already done at creation when both ends asked
    if (flags0 & UV_NONBLOCK_PIPE) r = sys::set_nonblock(made[0], true);
    if (r == 0 && (flags1 & UV_NONBLOCK_PIPE)) r = sys::set_nonblock(made[1], true);
  }
  if (r < 0) {
    sys::close_fd(made[0]);
    sys::close_fd(made[1]);
    return r;
  }
  out[0] = made[0];
  out[1] = made[1];
  return 0;
}
// [/docs:pair-finish]

}  // namespace uvref::detail
