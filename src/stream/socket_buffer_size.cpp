/**
 * @file socket_buffer_size.cpp
 * @brief uv_send_buffer_size, uv_recv_buffer_size: read or set SO_SNDBUF / SO_RCVBUF.
 *
 * One function per direction, two meanings, as in libuv: `*value == 0` asks
 * (getsockopt writes the size into *value); any other value sets it. Linux
 * doubles what is set, to leave room for its own bookkeeping, and reports
 * the doubled size back, so setting 8192 then asking gives 16384 here and
 * with libuv alike. Only pipe and TCP handles have a socket: other handle
 * types answer UV_ENOTSUP (UDP would too, had uvref UDP). A pipe opened on
 * a pipe(2) end has no socket options: UV_ENOTSOCK.
 *
 * libuv: src/uv-common.c uv_send_buffer_size, uv_recv_buffer_size; src/unix/core.c uv__socket_sockopt
 *
 * Page: \docpage{api-handle}
 */
#include <sys/socket.h>

#include "stream/stream.h"
#include "sys/sys.h"

namespace {

int socket_sockopt(uv_handle_t* handle, int optname, int* value) noexcept {
  using namespace uvref::detail;
  if (handle == nullptr || value == nullptr) return UV_EINVAL;
  if (handle->type != UV_TCP && handle->type != UV_NAMED_PIPE) return UV_ENOTSUP;
  int fd = stream_fd(reinterpret_cast<uv_stream_t*>(handle));
  socklen_t len = sizeof *value;
  if (*value == 0) return uvref::sys::getsockopt(fd, SOL_SOCKET, optname, value, &len);
  return uvref::sys::setsockopt(fd, SOL_SOCKET, optname, value, len);
}

}  // namespace

int uv_send_buffer_size(uv_handle_t* handle, int* value) { return socket_sockopt(handle, SO_SNDBUF, value); }
int uv_recv_buffer_size(uv_handle_t* handle, int* value) { return socket_sockopt(handle, SO_RCVBUF, value); }
