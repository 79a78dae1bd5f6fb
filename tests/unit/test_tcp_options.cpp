// TCP options and the rest of libuv 1.44's TCP API: uv_tcp_init_ex,
// uv_tcp_keepalive, uv_tcp_simultaneous_accepts, uv_tcp_close_reset,
// uv_send/recv_buffer_size, and IPv6 where uvref had IPv4 only. The
// differential test tcp_more compares the observable parts with libuv.
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test_stream_helpers.h"

using namespace uvref::test;

namespace {

int sockopt(int fd, int level, int name) {
  int v = -1;
  socklen_t len = sizeof v;
  REQUIRE(getsockopt(fd, level, name, &v, &len) == 0);
  return v;
}

/** A connected TCP pair over the loopback of @p family: server-side conn, client. Returns false without IPv6. */
bool connect_pair(uv_loop_t* loop, int family, uv_tcp_t* server, uv_tcp_t* conn, uv_tcp_t* client) {
  sockaddr_storage addr{};
  if (family == AF_INET6)
    REQUIRE(uv_ip6_addr("::1", 0, reinterpret_cast<sockaddr_in6*>(&addr)) == 0);
  else
    REQUIRE(uv_ip4_addr("127.0.0.1", 0, reinterpret_cast<sockaddr_in*>(&addr)) == 0);
  REQUIRE(uv_tcp_init(loop, server) == 0);
  REQUIRE(uv_tcp_init(loop, conn) == 0);
  REQUIRE(uv_tcp_init(loop, client) == 0);
  if (uv_tcp_bind(server, reinterpret_cast<sockaddr*>(&addr), 0) != 0) return false;
  if (uv_listen(as_stream(server), 1, nullptr) != 0) return false;  // no ::1 on this host
  int len = sizeof addr;
  REQUIRE(uv_tcp_getsockname(server, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  uv_connect_t req;
  int done = 0;
  req.data = &done;
  REQUIRE(uv_tcp_connect(&req, client, reinterpret_cast<sockaddr*>(&addr), [](uv_connect_t* r, int status) {
            CHECK(status == 0);
            *static_cast<int*>(r->data) = 1;
          }) == 0);
  while (!done || server->accepted_fd == -1) uv_run(loop, UV_RUN_ONCE);
  REQUIRE(uv_accept(as_stream(server), as_stream(conn)) == 0);
  return true;
}

}  // namespace

TEST_CASE("tcp: uv_tcp_init_ex creates the socket for AF_INET/AF_INET6 now; other flags are UV_EINVAL",
          "[tcp][options]") {
  uv_tcp_t a, b, c;
  TestLoop loop;
  REQUIRE(uv_tcp_init_ex(loop, &a, AF_INET6) == 0);
  REQUIRE(a.io_watcher.fd >= 0);
  sockaddr_storage ss;
  int len = sizeof ss;
  REQUIRE(uv_tcp_getsockname(&a, reinterpret_cast<sockaddr*>(&ss), &len) == 0);
  CHECK(ss.ss_family == AF_INET6);
  REQUIRE(uv_tcp_init_ex(loop, &b, AF_UNSPEC) == 0);
  CHECK(b.io_watcher.fd == -1);
  CHECK(uv_tcp_init_ex(loop, &c, AF_UNIX) == UV_EINVAL);
  CHECK(uv_tcp_init_ex(loop, &c, AF_INET | 0x100) == UV_EINVAL);
}

TEST_CASE("tcp: keepalive before the socket applies 60 s later; after, the delay given", "[tcp][options]") {
  uv_tcp_t early, late;
  TestLoop loop;
  REQUIRE(uv_tcp_init(loop, &early) == 0);
  REQUIRE(uv_tcp_keepalive(&early, 1, 5) == 0);
  sockaddr_in addr;
  REQUIRE(uv_ip4_addr("127.0.0.1", 0, &addr) == 0);
  REQUIRE(uv_tcp_bind(&early, reinterpret_cast<sockaddr*>(&addr), 0) == 0);
  int fd = early.io_watcher.fd;
  CHECK(sockopt(fd, SOL_SOCKET, SO_KEEPALIVE) == 1);
  CHECK(sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE) == 60);  // libuv does not keep the 5

  REQUIRE(uv_tcp_init_ex(loop, &late, AF_INET) == 0);
  REQUIRE(uv_tcp_keepalive(&late, 1, 7) == 0);
  fd = late.io_watcher.fd;
  CHECK(sockopt(fd, SOL_SOCKET, SO_KEEPALIVE) == 1);
  CHECK(sockopt(fd, IPPROTO_TCP, TCP_KEEPIDLE) == 7);
  CHECK(sockopt(fd, IPPROTO_TCP, TCP_KEEPINTVL) == 1);
  CHECK(sockopt(fd, IPPROTO_TCP, TCP_KEEPCNT) == 10);
  REQUIRE(uv_tcp_keepalive(&late, 0, 0) == 0);
  CHECK(sockopt(fd, SOL_SOCKET, SO_KEEPALIVE) == 0);
  CHECK(uv_tcp_simultaneous_accepts(&late, 0) == 0);
}

TEST_CASE("tcp: uv_tcp_close_reset sends RST: the peer reads UV_ECONNRESET", "[tcp][options]") {
  uv_tcp_t server, conn, client;
  TestLoop loop;
  REQUIRE(connect_pair(loop, AF_INET, &server, &conn, &client));
  Collector c;
  conn.data = &c;
  REQUIRE(uv_read_start(as_stream(&conn), Collector::alloc, Collector::read) == 0);
  int closed = 0;
  client.data = &closed;
  REQUIRE(uv_tcp_close_reset(&client, [](uv_handle_t* h) { *static_cast<int*>(h->data) = 1; }) == 0);
  CHECK(uv_is_closing(as_handle(&client)));
  while (c.error == 0 && c.eof_count == 0) uv_run(loop, UV_RUN_ONCE);
  CHECK(c.error == UV_ECONNRESET);
  CHECK(c.eof_count == 0);
  uv_run(loop, UV_RUN_NOWAIT);
  CHECK(closed == 1);
  CHECK(uv_tcp_close_reset(&client, nullptr) == UV_EBADF);  // closed: no socket
}

TEST_CASE("tcp: send and receive buffer sizes: 0 asks, other values set (Linux doubles them)",
          "[tcp][options]") {
  uv_tcp_t t;
  uv_pipe_t p, q;
  uv_timer_t timer;
  TestLoop loop;
  REQUIRE(uv_tcp_init_ex(loop, &t, AF_INET) == 0);
  int v = 0;
  REQUIRE(uv_send_buffer_size(as_handle(&t), &v) == 0);
  CHECK(v > 0);
  v = 32768;
  REQUIRE(uv_recv_buffer_size(as_handle(&t), &v) == 0);
  v = 0;
  REQUIRE(uv_recv_buffer_size(as_handle(&t), &v) == 0);
  CHECK(v == 65536);

  int fds[2];
  REQUIRE(pipe2(fds, O_CLOEXEC) == 0);
  REQUIRE(uv_pipe_init(loop, &p, 0) == 0);
  REQUIRE(uv_pipe_open(&p, fds[0]) == 0);
  REQUIRE(uv_pipe_init(loop, &q, 0) == 0);
  REQUIRE(uv_pipe_open(&q, fds[1]) == 0);
  v = 0;
  CHECK(uv_send_buffer_size(as_handle(&p), &v) == UV_ENOTSOCK);  // a pipe(2) end has no socket options
  REQUIRE(uv_timer_init(loop, &timer) == 0);
  CHECK(uv_send_buffer_size(as_handle(&timer), &v) == UV_ENOTSUP);
  CHECK(uv_send_buffer_size(as_handle(&t), nullptr) == UV_EINVAL);
}

TEST_CASE("tcp: IPv6 loopback: bind [::1]:0, listen, connect, names, a byte each way", "[tcp][ipv6]") {
  uv_tcp_t server, conn, client;
  TestLoop loop;
  if (!connect_pair(loop, AF_INET6, &server, &conn, &client)) {
    WARN("SKIPPED: no IPv6 loopback (::1) on this host");
    return;
  }
  sockaddr_in6 peer;
  int len = sizeof peer;
  REQUIRE(uv_tcp_getpeername(&client, reinterpret_cast<sockaddr*>(&peer), &len) == 0);
  CHECK(peer.sin6_family == AF_INET6);
  char text[64];
  REQUIRE(uv_ip6_name(&peer, text, sizeof text) == 0);
  CHECK(std::string(text) == "::1");

  Collector got;
  conn.data = &got;
  REQUIRE(uv_read_start(as_stream(&conn), Collector::alloc, Collector::read) == 0);
  char byte[] = "6";
  uv_buf_t buf = uv_buf_init(byte, 1);
  CHECK(uv_try_write(as_stream(&client), &buf, 1) == 1);
  while (got.bytes.empty()) uv_run(loop, UV_RUN_ONCE);
  CHECK(got.bytes[0] == '6');
}
