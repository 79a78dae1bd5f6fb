/**
 * @file ip_names.cpp
 * @brief uv_ip6_addr, uv_ip6_name, uv_ip_name: socket addresses from and to text (IPv4's are in tcp_names.cpp).
 *
 * uv_ip6_addr() zeroes a sockaddr_in6, sets the family and the port (in
 * network byte order) and parses the address. A zone after '%' names the
 * interface a link-local address belongs to ("fe80::1%eth0"); it becomes
 * sin6_scope_id through if_nametoindex(3), and an unknown interface gives 0,
 * silently, as in libuv. uv_ip6_name() and uv_ip_name() format the address
 * part only (no port, no zone); uv_ip_name() picks the family from the
 * sockaddr and answers UV_EAFNOSUPPORT for anything else (an AF_UNIX name).
 *
 * libuv: src/uv-common.c uv_ip6_addr, uv_ip6_name, uv_ip_name
 *
 * Page: \docpage{api-addresses}
 */
#include <net/if.h>
#include <netinet/in.h>

#include <cstring>

#include "uv.h"

// [docs:ip6-addr]
int uv_ip6_addr(const char* ip, int port, struct sockaddr_in6* addr) {
  if (ip == nullptr || addr == nullptr) return UV_EINVAL;
  std::memset(addr, 0, sizeof *addr);
  addr->sin6_family = AF_INET6;
  addr->sin6_port = htons(static_cast<uint16_t>(port));
  if (const char* zone = std::strchr(ip, '%')) addr->sin6_scope_id = if_nametoindex(zone + 1);
  return uv_inet_pton(AF_INET6, ip, &addr->sin6_addr);  // ignores the zone
}
// [/docs:ip6-addr]

int uv_ip6_name(const struct sockaddr_in6* src, char* dst, size_t size) {
  if (src == nullptr) return UV_EINVAL;
  return uv_inet_ntop(AF_INET6, &src->sin6_addr, dst, size);
}

int uv_ip_name(const struct sockaddr* src, char* dst, size_t size) {
  if (src == nullptr) return UV_EINVAL;
  switch (src->sa_family) {
    case AF_INET:
      return uv_inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(src)->sin_addr, dst, size);
    case AF_INET6:
      return uv_inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(src)->sin6_addr, dst, size);
    default:
      return UV_EAFNOSUPPORT;
  }
}
