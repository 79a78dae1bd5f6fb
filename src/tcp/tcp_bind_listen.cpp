/**
 * @file tcp_bind_listen.cpp
 * @brief A TCP server: bind with SO_REUSEADDR, then listen; a taken port is reported at uv_listen().
 *
 * uv_tcp_bind() creates the socket for the address's family, sets
 * SO_REUSEADDR (so a server restarted right after a crash can bind its port
 * while old connections sit in TIME_WAIT) and binds. As in libuv, EADDRINUSE
 * from bind() is not returned there: it is kept in `delayed_error` and
 * returned by uv_listen() (and uv_tcp_getsockname()), because some systems
 * only detect the conflict at listen() time and libuv reports it in one place.
 *
 * A closing handle is UV_EINVAL, as in libuv: uv_close() has already closed
 * its socket, and a new one made here would outlive the handle.
 *
 * Port 0 asks the kernel for a free port; uv_tcp_getsockname() tells which.
 * uv_listen() on an unbound handle creates an AF_INET socket, and listen()
 * binds it to an ephemeral port.
 *
 * libuv: src/unix/tcp.c uv__tcp_bind, uv__tcp_listen; src/uv-common.c uv_tcp_bind
 *
 * Page: \docpage{tcp}
 */
#include <netinet/in.h>

#include "stream/stream.h"
#include "sys/sys.h"
#include "tcp/tcp.h"

namespace uvref::detail {

int tcp_listen(uv_tcp_t* tcp, int backlog) noexcept {
  if (tcp->delayed_error != 0) return tcp->delayed_error;  // EADDRINUSE from uv_tcp_bind
  int r = tcp_ensure_socket(tcp, AF_INET, 0);
  if (r < 0) return r;
  r = sys::listen(stream_fd(reinterpret_cast<uv_stream_t*>(tcp)), backlog);
  if (r < 0) return r;
  tcp->flags |= kBound;
  return 0;
}

}  // namespace uvref::detail

using namespace uvref::detail;
namespace sys = uvref::sys;

// [docs:tcp-bind]
int uv_tcp_bind(uv_tcp_t* handle, const struct sockaddr* addr, unsigned int flags) {
  if (handle == nullptr || addr == nullptr || handle->type != UV_TCP) return UV_EINVAL;
  if (handle_is_closing(reinterpret_cast<uv_handle_t*>(handle))) return UV_EINVAL;
  socklen_t addrlen = tcp_addrlen(addr);
  if (addrlen == 0) return UV_EINVAL;  // neither IPv4 nor IPv6
  if ((flags & UV_TCP_IPV6ONLY) && addr->sa_family != AF_INET6) return UV_EINVAL;

  int r = tcp_ensure_socket(handle, addr->sa_family, 0);
  if (r < 0) return r;
  int fd = stream_fd(reinterpret_cast<uv_stream_t*>(handle));

  int on = 1;
  r = sys::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  if (r < 0) return r;
  if (addr->sa_family == AF_INET6) {
    on = (flags & UV_TCP_IPV6ONLY) ? 1 : 0;
    r = sys::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on);
    if (r < 0) return r;
  }

  r = sys::bind(fd, addr, addrlen);
  if (r == UV_EAFNOSUPPORT) return UV_EINVAL;  // the socket has the other family
  if (r < 0 && r != UV_EADDRINUSE) return r;
  handle->delayed_error = r;  // 0, or EADDRINUSE for uv_listen() to report
  handle->flags |= kBound;
  return 0;
}
// [/docs:tcp-bind]
