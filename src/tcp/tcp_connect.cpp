/**
 * @file tcp_connect.cpp
 * @brief uv_tcp_connect(): a non-blocking connect(), finished by POLLOUT after the handshake.
 *
 * connect() on a non-blocking TCP socket returns EINPROGRESS: the SYN is on
 * its way. The watcher waits for POLLOUT, which comes when the handshake has
 * finished, either way; getsockopt(SO_ERROR) then tells 0 from ECONNREFUSED
 * or ETIMEDOUT (stream_connect.cpp). On loopback, a refused connect can also
 * fail at once with ECONNREFUSED: kept in `delayed_error` and delivered on
 * the next iteration, so the callback always runs from the loop. Other
 * immediate errors (a bad address) are returned by uv_tcp_connect() itself.
 *
 * libuv: src/unix/tcp.c uv__tcp_connect; src/uv-common.c uv_tcp_connect
 *
 * Page: \docpage{tcp}
 */
#include <netinet/in.h>

#include "stream/stream.h"
#include "sys/sys.h"
#include "tcp/tcp.h"

using namespace uvref::detail;

// [docs:tcp-connect]
int uv_tcp_connect(uv_connect_t* req, uv_tcp_t* handle, const struct sockaddr* addr, uv_connect_cb cb) {
  if (req == nullptr || handle == nullptr || addr == nullptr || handle->type != UV_TCP) return UV_EINVAL;
  if (handle_is_closing(reinterpret_cast<uv_handle_t*>(handle))) return UV_EINVAL;
  socklen_t addrlen = tcp_addrlen(addr);
  if (addrlen == 0) return UV_EINVAL;  // neither IPv4 nor IPv6
  auto* stream = reinterpret_cast<uv_stream_t*>(handle);
  if (stream->connect_req != nullptr) return UV_EALREADY;

  if (stream->delayed_error == 0) {  // a bind error is reported through the callback instead
    int r = tcp_ensure_socket(handle, addr->sa_family, kReadable | kWritable);
    if (r < 0) return r;
    do {
      r = uvref::sys::connect(stream_fd(stream), addr, addrlen);
    } while (r == -EINTR);
    if (r == UV_ECONNREFUSED)
      stream->delayed_error = r;  // reported next iteration, like every other outcome
    else if (r < 0 && r != -EINPROGRESS)
      return r;
  }

  req_init(handle->loop, reinterpret_cast<uv_req_t*>(req), UV_CONNECT);
  req->cb = cb;
  req->handle = stream;
  queue_init(&req->queue);
  stream->connect_req = req;
  io_start(handle->loop, &stream->io_watcher, kPollOut);
  if (stream->delayed_error != 0) io_feed(handle->loop, &stream->io_watcher);
  return 0;
}
// [/docs:tcp-connect]
