/**
 * @file socketpair.cpp
 * @brief uv_socketpair(): two connected AF_UNIX sockets, close-on-exec, each end non-blocking on request.
 *
 * Unlike a pipe, a socket pair is two-way (each end reads what the other
 * writes), can be half-closed with shutdown(), and can carry descriptors
 * (SCM_RIGHTS) and credentials. It is what uv_spawn uses for a child's stdio
 * and what an IPC pipe between parent and child is.
 *
 * The type decides what a read returns:
 *  - SOCK_STREAM: a byte stream; message boundaries are not kept (two writes
 *    may arrive as one read, one write as two reads). What uv_pipe_t streams.
 *  - SOCK_DGRAM: every write is one datagram, read whole or truncated; on
 *    AF_UNIX it is reliable and ordered, but a uv_stream_t cannot use it.
 *  - SOCK_SEQPACKET: connection-oriented like a stream, boundaries kept like
 *    datagrams, and end-of-file when the peer closes.
 *
 * Flags: SOCK_CLOEXEC always; UV_NONBLOCK_PIPE per end, as uv_pipe does
 * (SOCK_NONBLOCK in the same call when both ask). @p protocol is normally 0.
 *
 * libuv: src/unix/tcp.c uv_socketpair
 *
 * Page: \docpage{pipe-vs-socketpair}
 */
#include <sys/socket.h>

#include "pipe/pipe.h"
#include "sys/sys.h"
#include "uv.h"

// [docs:uv-socketpair]
int uv_socketpair(int type, int protocol, uv_os_sock_t fds[2], int flags0, int flags1) {
  namespace sys = uvref::sys;
  if (fds == nullptr) return UV_EINVAL;
  bool both_nonblocking = (flags0 & UV_NONBLOCK_PIPE) && (flags1 & UV_NONBLOCK_PIPE);
  int temp[2];
  int r = sys::socketpair(AF_UNIX, type | SOCK_CLOEXEC | (both_nonblocking ? SOCK_NONBLOCK : 0),
                          protocol, temp);
  if (r < 0) return r;
  return uvref::detail::pipe_pair_finish(temp, flags0, flags1, fds);
}
// [/docs:uv-socketpair]
