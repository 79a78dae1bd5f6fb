/**
 * @file tcp_names.cpp
 * @brief IPv4 addresses: text ↔ sockaddr_in, and the two ends of a TCP connection.
 *
 * uv_ip4_addr("127.0.0.1", 7000, &sa) fills a sockaddr_in: family AF_INET,
 * the port and the address in network byte order (big-endian), which is
 * what bind() and connect() expect. inet_pton() parses the dotted quad;
 * anything else is UV_EINVAL. uv_ip4_name() is the reverse (inet_ntop()),
 * UV_ENOSPC if the buffer is too small (16 bytes always suffice).
 *
 * uv_tcp_getsockname() gives the local address (the port the kernel chose
 * for port 0, say), uv_tcp_getpeername() the other end's. @p namelen is in
 * (the buffer size) and out (the address size), as for getsockname(2).
 * A bind error still pending (EADDRINUSE) is returned by getsockname, as libuv.
 *
 * libuv: src/uv-common.c uv_ip4_addr, uv_ip4_name; src/unix/core.c uv__getsockpeername,
 * src/unix/tcp.c uv_tcp_getsockname, uv_tcp_getpeername
 *
 * Page: \docpage{tcp}
 */
#include <arpa/inet.h>
#include <netinet/in.h>

#include <cstring>

#include "stream/stream.h"
#include "sys/sys.h"

namespace uvref::detail {
namespace {

int tcp_address(const uv_tcp_t* handle, bool peer, struct sockaddr* name, int* namelen) noexcept {
  if (handle == nullptr || name == nullptr || namelen == nullptr || *namelen < 0) return UV_EINVAL;
  int fd = stream_fd(reinterpret_cast<const uv_stream_t*>(handle));
  if (fd < 0 || handle_is_closing(reinterpret_cast<const uv_handle_t*>(handle))) return UV_EBADF;
  socklen_t len = static_cast<socklen_t>(*namelen);
  int r = peer ? sys::getpeername(fd, name, &len) : sys::getsockname(fd, name, &len);
  if (r < 0) return r;
  *namelen = static_cast<int>(len);
  return 0;
}

}  // namespace
}  // namespace uvref::detail

using namespace uvref::detail;

int uv_tcp_getsockname(const uv_tcp_t* handle, struct sockaddr* name, int* namelen) {
  if (handle != nullptr && handle->delayed_error != 0) return handle->delayed_error;
  return tcp_address(handle, false, name, namelen);
}

int uv_tcp_getpeername(const uv_tcp_t* handle, struct sockaddr* name, int* namelen) {
  if (handle != nullptr && handle->delayed_error != 0) return handle->delayed_error;
  return tcp_address(handle, true, name, namelen);
}

// [docs:ip4-addr]
int uv_ip4_addr(const char* ip, int port, struct sockaddr_in* addr) {
  if (ip == nullptr || addr == nullptr) return UV_EINVAL;
  std::memset(addr, 0, sizeof *addr);
  addr->sin_family = AF_INET;
  addr->sin_port = htons(static_cast<uint16_t>(port));
  return inet_pton(AF_INET, ip, &addr->sin_addr) == 1 ? 0 : UV_EINVAL;
}
// [/docs:ip4-addr]

int uv_ip4_name(const struct sockaddr_in* src, char* dst, size_t size) {
  if (src == nullptr) return UV_EINVAL;
  return uv_inet_ntop(AF_INET, &src->sin_addr, dst, size);  // UV_ENOSPC rather than a cut-off name
}
