/**
 * @file inet.cpp
 * @brief uv_inet_ntop, uv_inet_pton: addresses between binary and text, with libuv's error codes.
 *
 * glibc's inet_ntop(3) and inet_pton(3) do the conversion (libuv carries its
 * own copy of the same BIND code); this unit gives them libuv's contract:
 *  - ntop: UV_ENOSPC when @p dst cannot hold the text and its NUL (nothing
 *    is written), UV_EAFNOSUPPORT for a family other than AF_INET/AF_INET6;
 *  - pton: 0 or UV_EINVAL (glibc says 0 for "not an address"), and an IPv6
 *    text may carry a zone ("fe80::1%eth0"): the zone is ignored here
 *    (uv_ip6_addr() turns it into sin6_scope_id).
 *
 * libuv: src/inet.c uv_inet_ntop, uv_inet_pton
 *
 * Page: \docpage{api-addresses}
 */
#include <arpa/inet.h>

#include <cstring>

#include "uv.h"

// [docs:inet-ntop]
int uv_inet_ntop(int af, const void* src, char* dst, size_t size) {
  if (af != AF_INET && af != AF_INET6) return UV_EAFNOSUPPORT;
  if (src == nullptr || dst == nullptr) return UV_EINVAL;
  char text[INET6_ADDRSTRLEN];
  if (inet_ntop(af, src, text, sizeof text) == nullptr) return UV_EINVAL;
  size_t len = std::strlen(text);
  if (len >= size) return UV_ENOSPC;  // never a cut-off address
  std::memcpy(dst, text, len + 1);
  return 0;
}
// [/docs:inet-ntop]

int uv_inet_pton(int af, const char* src, void* dst) {
  if (src == nullptr || dst == nullptr) return UV_EINVAL;
  if (af != AF_INET && af != AF_INET6) return UV_EAFNOSUPPORT;
  char plain[INET6_ADDRSTRLEN];
  if (af == AF_INET6) {
    if (const char* zone = std::strchr(src, '%')) {
      size_t len = static_cast<size_t>(zone - src);
      if (len >= sizeof plain) return UV_EINVAL;
      std::memcpy(plain, src, len);
      plain[len] = '\0';
      src = plain;
    }
  }
  return inet_pton(af, src, dst) == 1 ? 0 : UV_EINVAL;
}
