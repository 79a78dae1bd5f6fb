/**
 * @file tcp.h
 * @brief What the TCP units share: the lazily created socket and the listen hook.
 *
 *     tcp_init_open.cpp  uv_tcp_init, uv_tcp_open, uv_tcp_nodelay, the lazy socket
 *     tcp_bind_listen.cpp uv_tcp_bind (SO_REUSEADDR), tcp_listen
 *     tcp_connect.cpp    uv_tcp_connect
 *     tcp_names.cpp      uv_tcp_getsockname/getpeername, uv_ip4_addr, uv_ip4_name
 *
 * libuv: src/unix/tcp.c
 *
 * Page: \docpage{tcp}
 */
#pragma once

#include <netinet/in.h>

#include "uv.h"

namespace uvref::detail {

/**
 * Makes sure @p tcp has a socket of family @p domain, creating it
 * (socket(SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC)) if it has none; adds
 * @p flags to the handle either way. libuv: maybe_new_socket, new_socket
 */
int tcp_ensure_socket(uv_tcp_t* tcp, int domain, unsigned flags) noexcept;

/** The length of an AF_INET or AF_INET6 address, or 0 for any other family (the caller's UV_EINVAL). */
inline socklen_t tcp_addrlen(const struct sockaddr* addr) noexcept {
  if (addr->sa_family == AF_INET) return sizeof(sockaddr_in);
  if (addr->sa_family == AF_INET6) return sizeof(sockaddr_in6);
  return 0;
}

/** The TCP part of uv_listen(): a bind error kept from uv_tcp_bind, else listen(2). libuv: uv__tcp_listen */
int tcp_listen(uv_tcp_t* tcp, int backlog) noexcept;

}  // namespace uvref::detail
