/**
 * @file tcp_init_open.cpp
 * @brief uv_tcp_t: the same stream machinery as a pipe, over an AF_INET socket created when first needed.
 *
 * A TCP handle is a stream like a pipe: the read path, the write queue,
 * shutdown and accept are the ones in src/stream/. What differs is the
 * socket and its address. uv_tcp_init() makes no syscall; the socket is
 * created by the first call that knows the address family (bind, connect,
 * listen), or adopted with uv_tcp_open(). uv_tcp_init_ex() with AF_INET or
 * AF_INET6 in its flags creates it at once (a program that wants to set
 * socket options before binding); AF_UNSPEC is uv_tcp_init().
 *
 * TCP_NODELAY turns off Nagle's algorithm (small writes are sent at once
 * instead of being held back to coalesce). uv_tcp_nodelay() before the
 * socket exists is remembered (kTcpNodelay) and applied by stream_open().
 *
 * Contrast with AF_UNIX: a TCP connect() is really asynchronous (EINPROGRESS,
 * then POLLOUT after the handshake), addresses are IP:port pairs, and a
 * closed listening port can be reused at once only with SO_REUSEADDR.
 *
 * libuv: src/unix/tcp.c uv_tcp_init, uv_tcp_init_ex, uv_tcp_open, uv_tcp_nodelay, new_socket,
 * maybe_new_socket
 *
 * Page: \docpage{tcp}
 */
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "stream/stream.h"
#include "sys/sys.h"
#include "tcp/tcp.h"

namespace uvref::detail {

// [docs:tcp-socket]
int tcp_ensure_socket(uv_tcp_t* tcp, int domain, unsigned flags) noexcept {
  auto* stream = reinterpret_cast<uv_stream_t*>(tcp);
  if (stream_fd(stream) != -1) {
    tcp->flags |= flags;
    return 0;
  }
  int fd = sys::socket(domain, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return fd;
  int r = stream_open(stream, fd, flags);
  if (r < 0) sys::close_fd(fd);
  return r;
}
// [/docs:tcp-socket]

}  // namespace uvref::detail

using namespace uvref::detail;

// [docs:tcp-init-ex]
int uv_tcp_init_ex(uv_loop_t* loop, uv_tcp_t* handle, unsigned int flags) {
  if (loop == nullptr || handle == nullptr) return UV_EINVAL;
  unsigned domain = flags & 0xFF;  // the low byte is the address family; no other flag exists
  if (domain != AF_UNSPEC && domain != AF_INET && domain != AF_INET6) return UV_EINVAL;
  if ((flags & ~0xFFu) != 0) return UV_EINVAL;
  stream_init(loop, reinterpret_cast<uv_stream_t*>(handle), UV_TCP);
  if (domain == AF_UNSPEC) return 0;  // the socket comes with bind, connect or listen
  int r = tcp_ensure_socket(handle, static_cast<int>(domain), 0);
  if (r < 0) queue_remove(&handle->handle_queue);  // never initialised, as far as uv_walk knows
  return r;
}
// [/docs:tcp-init-ex]

int uv_tcp_init(uv_loop_t* loop, uv_tcp_t* handle) { return uv_tcp_init_ex(loop, handle, AF_UNSPEC); }

int uv_tcp_open(uv_tcp_t* handle, uv_os_sock_t sock) {
  if (handle == nullptr || handle_is_closing(reinterpret_cast<uv_handle_t*>(handle))) return UV_EINVAL;
  if (sock < 0) return UV_EBADF;
  const uv_loop_t* loop = handle->loop;
  if (static_cast<unsigned>(sock) < loop->nwatchers && loop->watchers[sock] != nullptr) return UV_EEXIST;
  int r = uvref::sys::set_nonblock(sock, true);
  if (r < 0) return r;
  return stream_open(reinterpret_cast<uv_stream_t*>(handle), sock, kReadable | kWritable);
}

int uv_tcp_nodelay(uv_tcp_t* handle, int enable) {
  int fd = stream_fd(reinterpret_cast<uv_stream_t*>(handle));
  if (fd != -1) {
    int on = enable ? 1 : 0;
    int r = uvref::sys::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (r < 0) return r;
  }
  if (enable)
    handle->flags |= kTcpNodelay;
  else
    handle->flags &= ~kTcpNodelay;
  return 0;
}
