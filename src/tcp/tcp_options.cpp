/**
 * @file tcp_options.cpp
 * @brief uv_tcp_keepalive and uv_tcp_simultaneous_accepts: TCP socket options.
 *
 * Keep-alive makes the kernel probe an idle connection, so that a peer that
 * vanished (power cut, cable pulled) is noticed: without it a reader would
 * wait for ever. uv_tcp_keepalive(h, 1, delay) sets SO_KEEPALIVE and, as
 * libuv does, TCP_KEEPIDLE = delay seconds before the first probe,
 * TCP_KEEPINTVL = 1 s between probes and TCP_KEEPCNT = 10 probes; the read
 * then fails with UV_ETIMEDOUT. Before the socket exists the request is
 * remembered (kTcpKeepalive) and stream_open() applies it with 60 s, the
 * delay libuv uses then (it does not store the one given).
 *
 * uv_tcp_simultaneous_accepts() matters on Windows. On Unix libuv only
 * records it, and with it disabled sleeps one nanosecond after each accept
 * to let another process take the next connection; uvref records nothing
 * and returns 0: a listener shared by several processes is balanced by the
 * kernel's wake-ups anyway.
 *
 * libuv: src/unix/tcp.c uv_tcp_keepalive, uv__tcp_keepalive, uv_tcp_simultaneous_accepts
 *
 * Page: \docpage{tcp}
 */
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "stream/stream.h"
#include "sys/sys.h"
#include "tcp/tcp.h"

namespace uvref::detail {

// [docs:tcp-keepalive]
int tcp_keepalive_fd(int fd, bool on, unsigned delay) noexcept {
  int enable = on ? 1 : 0;
  int r = sys::setsockopt(fd, SOL_SOCKET, SO_KEEPALIVE, &enable, sizeof enable);
  if (r < 0 || !on) return r;
  int idle = static_cast<int>(delay), interval = 1, probes = 10;
  r = sys::setsockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE, &idle, sizeof idle);
  if (r == 0) r = sys::setsockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL, &interval, sizeof interval);
  if (r == 0) r = sys::setsockopt(fd, IPPROTO_TCP, TCP_KEEPCNT, &probes, sizeof probes);
  return r;
}
// [/docs:tcp-keepalive]

}  // namespace uvref::detail

using namespace uvref::detail;

int uv_tcp_keepalive(uv_tcp_t* handle, int enable, unsigned int delay) {
  if (handle == nullptr) return UV_EINVAL;
  int fd = stream_fd(reinterpret_cast<uv_stream_t*>(handle));
  if (fd != -1) {
    int r = tcp_keepalive_fd(fd, enable != 0, delay);
    if (r < 0) return r;
  }
  if (enable)
    handle->flags |= kTcpKeepalive;
  else
    handle->flags &= ~kTcpKeepalive;
  return 0;
}

int uv_tcp_simultaneous_accepts(uv_tcp_t* handle, int /*enable*/) {
  return handle == nullptr ? UV_EINVAL : 0;
}
