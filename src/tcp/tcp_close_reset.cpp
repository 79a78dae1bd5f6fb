/**
 * @file tcp_close_reset.cpp
 * @brief uv_tcp_close_reset(): close a connection with RST instead of FIN.
 *
 * A normal close sends FIN after the queued data and leaves the socket in
 * TIME_WAIT. SO_LINGER with a zero timeout makes close(2) drop unsent data
 * and send RST at once: the peer's next read or write fails with
 * UV_ECONNRESET, and no TIME_WAIT is left behind. uv_tcp_close_reset() sets
 * the option, then calls uv_close(). Refused with UV_EINVAL while a
 * shutdown is pending (libuv: platforms disagree about a reset after
 * shutdown), and with UV_EBADF when there is no socket (libuv's
 * setsockopt() on descriptor -1, for example on a closing handle).
 *
 * libuv: src/unix/tcp.c uv_tcp_close_reset
 *
 * Page: \docpage{tcp}
 */
#include <sys/socket.h>

#include "stream/stream.h"
#include "sys/sys.h"

using namespace uvref::detail;

int uv_tcp_close_reset(uv_tcp_t* handle, uv_close_cb close_cb) {
  if (handle == nullptr || handle->type != UV_TCP) return UV_EINVAL;
  if (handle->flags & kShutting) return UV_EINVAL;
  int fd = stream_fd(reinterpret_cast<uv_stream_t*>(handle));
  if (fd == -1) return UV_EBADF;
  linger l{1, 0};  // on, zero seconds: close() sends RST
  int r = uvref::sys::setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
  if (r < 0 && r != UV_EINVAL) return r;  // EINVAL: some systems, after the peer's shutdown
  uv_close(reinterpret_cast<uv_handle_t*>(handle), close_cb);
  return 0;
}
