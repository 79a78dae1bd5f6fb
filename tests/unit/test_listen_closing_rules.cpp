// uv_listen with a NULL connection_cb, and the closing-handle rule of
// uv_tcp_bind (both as libuv 1.44.2; the differential tests listen_null and
// closing_handles compare them with Debian's libuv).
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "test_stream_helpers.h"

using namespace uvref::test;

TEST_CASE("listen: a NULL connection_cb is accepted; a connection waits for uv_accept",
          "[stream][listen]") {
  uv_tcp_t server, client, conn;
  TestLoop loop;
  sockaddr_in addr;
  REQUIRE(uv_ip4_addr("127.0.0.1", 0, &addr) == 0);
  REQUIRE(uv_tcp_init(loop, &server) == 0);
  REQUIRE(uv_tcp_bind(&server, reinterpret_cast<sockaddr*>(&addr), 0) == 0);
  REQUIRE(uv_listen(as_stream(&server), 4, nullptr) == 0);
  CHECK(uv_is_active(as_handle(&server)));

  sockaddr_in bound{};
  int len = sizeof bound;
  REQUIRE(uv_tcp_getsockname(&server, reinterpret_cast<sockaddr*>(&bound), &len) == 0);
  REQUIRE(uv_tcp_init(loop, &client) == 0);
  uv_connect_t req;
  int connected = 0;
  req.data = &connected;
  REQUIRE(uv_tcp_connect(&req, &client, reinterpret_cast<sockaddr*>(&bound),
                         [](uv_connect_t* r, int status) {
                           CHECK(status == 0);
                           ++*static_cast<int*>(r->data);
                         }) == 0);
  // The connection arrives; with no callback to call, the server parks it.
  while (connected == 0 || server.accepted_fd == -1) uv_run(loop, UV_RUN_ONCE);
  REQUIRE(uv_tcp_init(loop, &conn) == 0);
  CHECK(uv_accept(as_stream(&server), as_stream(&conn)) == 0);
  CHECK(server.accepted_fd == -1);
  CHECK(uv_accept(as_stream(&server), as_stream(&conn)) == UV_EAGAIN);
}

TEST_CASE("tcp: uv_tcp_bind on a closing handle is UV_EINVAL and opens no socket", "[tcp][closing]") {
  uv_tcp_t t;
  TestLoop loop;
  sockaddr_in addr;
  REQUIRE(uv_ip4_addr("127.0.0.1", 0, &addr) == 0);
  REQUIRE(uv_tcp_init(loop, &t) == 0);
  uv_close(as_handle(&t), nullptr);
  CHECK(uv_tcp_bind(&t, reinterpret_cast<sockaddr*>(&addr), 0) == UV_EINVAL);
  CHECK(t.io_watcher.fd == -1);  // before: a socket the closed handle never released
  CHECK(uv_listen(as_stream(&t), 1, nullptr) == UV_EINVAL);
  uv_run(loop, UV_RUN_DEFAULT);
}
