/**
 * @file uv_pipe.cpp
 * @brief uv_pipe(): a pipe(2), created close-on-exec, each end non-blocking on request.
 *
 * A pipe is one-way: bytes written to fds[1] are read from fds[0]. It has no
 * name, no address and no peer credentials; it cannot carry descriptors (that
 * needs a socket, see socketpair.cpp). Its buffer is 64 KiB by default on
 * Linux (F_SETPIPE_SZ can change it).
 *
 * Flags: pipe2(O_CLOEXEC) always, so that a child started by exec() does not
 * inherit the ends by accident (uv_spawn passes the ends it means to pass).
 * UV_NONBLOCK_PIPE asks for O_NONBLOCK on one end; when both ask, pipe2()
 * sets it on both in the same call, otherwise fcntl() sets it on the one end
 * that asked. The end a uvref loop uses must be non-blocking (uv_pipe_open
 * makes it so); the end given to a child or to a blocking thread usually
 * should not be.
 *
 * A writer whose reader has closed gets EPIPE and, unless the program ignores
 * it, the signal SIGPIPE, which by default ends the process.
 *
 * libuv: src/unix/pipe.c uv_pipe
 *
 * Page: \docpage{pipe-vs-socketpair}
 */
#include <fcntl.h>

#include "pipe/pipe.h"
#include "sys/sys.h"
#include "uv.h"

// [docs:uv-pipe]
int uv_pipe(uv_file fds[2], int read_flags, int write_flags) {
  namespace sys = uvref::sys;
  if (fds == nullptr) return UV_EINVAL;
  bool both_nonblocking = (read_flags & UV_NONBLOCK_PIPE) && (write_flags & UV_NONBLOCK_PIPE);
  int temp[2];
  int r = sys::pipe2(temp, O_CLOEXEC | (both_nonblocking ? O_NONBLOCK : 0));
  if (r < 0) return r;
  return uvref::detail::pipe_pair_finish(temp, read_flags, write_flags, fds);
}
// [/docs:uv-pipe]
