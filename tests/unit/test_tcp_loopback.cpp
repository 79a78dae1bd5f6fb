// A minimal TCP handle on 127.0.0.1: bind, listen, connect, accept, names, nodelay, errors.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>

#include "test_stream_helpers.h"

using namespace uvref::test;

namespace {

int port_of(const uv_tcp_t* h, bool peer) {
  sockaddr_in sa{};
  int len = sizeof sa;
  int r = peer ? uv_tcp_getpeername(h, reinterpret_cast<sockaddr*>(&sa), &len)
               : uv_tcp_getsockname(h, reinterpret_cast<sockaddr*>(&sa), &len);
  REQUIRE(r == 0);
  CHECK(len == static_cast<int>(sizeof sa));
  return ntohs(sa.sin_port);
}

struct ConnectResult {
  int status = 1;
  int calls = 0;
};

}  // namespace

TEST_CASE("tcp: uv_ip4_addr and uv_ip4_name", "[tcp]") {
  sockaddr_in sa;
  REQUIRE(uv_ip4_addr("127.0.0.1", 7000, &sa) == 0);
  CHECK(sa.sin_family == AF_INET);
  CHECK(sa.sin_port == htons(7000));
  CHECK(sa.sin_addr.s_addr == htonl(INADDR_LOOPBACK));
  char name[INET_ADDRSTRLEN];
  REQUIRE(uv_ip4_name(&sa, name, sizeof name) == 0);
  CHECK(std::string(name) == "127.0.0.1");
  CHECK(uv_ip4_name(&sa, name, 9) == UV_ENOSPC);  // "127.0.0.1" needs 10 with the NUL
  CHECK(uv_ip4_addr("127.0.0.256", 1, &sa) == UV_EINVAL);
  CHECK(uv_ip4_addr("localhost", 1, &sa) == UV_EINVAL);  // no name lookup here
}

TEST_CASE("tcp: listen on an ephemeral loopback port, connect, accept, exchange, names", "[tcp]") {
  uv_tcp_t server, client, conn;
  TestLoop loop;
  REQUIRE(uv_tcp_init(loop, &server) == 0);
  REQUIRE(uv_tcp_init(loop, &client) == 0);
  REQUIRE(uv_tcp_init(loop, &conn) == 0);
  conn.data = nullptr;
  sockaddr_in addr;
  REQUIRE(uv_ip4_addr("127.0.0.1", 0, &addr) == 0);
  REQUIRE(uv_tcp_bind(&server, reinterpret_cast<sockaddr*>(&addr), 0) == 0);
  int one = 0;
  socklen_t len = sizeof one;
  REQUIRE(getsockopt(server.io_watcher.fd, SOL_SOCKET, SO_REUSEADDR, &one, &len) == 0);
  CHECK(one == 1);
  server.data = &conn;
  REQUIRE(uv_listen(as_stream(&server), 8, [](uv_stream_t* s, int status) {
            REQUIRE(status == 0);
            auto* c = static_cast<uv_tcp_t*>(s->data);
            REQUIRE(uv_accept(s, as_stream(c)) == 0);
            c->data = new Collector;
            static_cast<Collector*>(c->data)->close_on_eof = true;
            REQUIRE(uv_read_start(as_stream(c), Collector::alloc, Collector::read) == 0);
          }) == 0);
  int port = port_of(&server, false);
  CHECK(port != 0);

  // TCP_NODELAY asked for before the socket exists is applied when it is created.
  REQUIRE(uv_tcp_nodelay(&client, 1) == 0);
  sockaddr_in to;
  REQUIRE(uv_ip4_addr("127.0.0.1", port, &to) == 0);
  uv_connect_t req;
  ConnectResult cr;
  req.data = &cr;
  REQUIRE(uv_tcp_connect(&req, &client, reinterpret_cast<sockaddr*>(&to), [](uv_connect_t* r, int status) {
            auto* res = static_cast<ConnectResult*>(r->data);
            res->status = status;
            res->calls++;
          }) == 0);
  CHECK(uv_tcp_connect(&req, &client, reinterpret_cast<sockaddr*>(&to), nullptr) == UV_EALREADY);
  int nodelay = 0;
  len = sizeof nodelay;
  REQUIRE(getsockopt(client.io_watcher.fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &len) == 0);
  CHECK(nodelay == 1);

  // Queued while connecting: goes out once connected.
  auto data = pattern(77, 100000);
  uv_write_t w;
  uv_buf_t buf = uv_buf_init(data.data(), static_cast<unsigned>(data.size()));
  REQUIRE(uv_write(&w, as_stream(&client), &buf, 1, nullptr) == 0);
  uv_shutdown_t sreq;
  REQUIRE(uv_shutdown(&sreq, as_stream(&client), nullptr) == 0);
  while (cr.calls == 0) uv_run(loop, UV_RUN_ONCE);
  CHECK(cr.status == 0);
  CHECK(port_of(&client, true) == port);  // before the server closes: then the peer is gone
  CHECK(port_of(&client, false) != port);
  while (conn.data == nullptr || !uv_is_closing(as_handle(&conn))) uv_run(loop, UV_RUN_ONCE);
  auto* got = static_cast<Collector*>(conn.data);
  CHECK(got->bytes == data);
  CHECK(got->eof_count == 1);
  REQUIRE(uv_tcp_nodelay(&client, 0) == 0);
  REQUIRE(getsockopt(client.io_watcher.fd, IPPROTO_TCP, TCP_NODELAY, &nodelay, &len) == 0);
  CHECK(nodelay == 0);
  uv_run(loop, UV_RUN_NOWAIT);
  delete got;
}

TEST_CASE("tcp: errors (taken port at uv_listen, refused connect, bad arguments, EEXIST)", "[tcp]") {
  uv_tcp_t a, b, c, d, unopened;
  TestLoop loop;
  REQUIRE(uv_tcp_init(loop, &a) == 0);
  REQUIRE(uv_tcp_init(loop, &b) == 0);
  REQUIRE(uv_tcp_init(loop, &c) == 0);
  REQUIRE(uv_tcp_init(loop, &d) == 0);
  REQUIRE(uv_tcp_init(loop, &unopened) == 0);
  sockaddr_in addr;
  REQUIRE(uv_ip4_addr("127.0.0.1", 0, &addr) == 0);
  REQUIRE(uv_tcp_bind(&a, reinterpret_cast<sockaddr*>(&addr), 0) == 0);
  REQUIRE(uv_listen(as_stream(&a), 1, [](uv_stream_t*, int) {}) == 0);
  int port = port_of(&a, false);

  // The taken port: uv_tcp_bind succeeds, uv_listen reports it (as libuv).
  sockaddr_in same;
  REQUIRE(uv_ip4_addr("127.0.0.1", port, &same) == 0);
  CHECK(uv_tcp_bind(&b, reinterpret_cast<sockaddr*>(&same), 0) == 0);
  CHECK(uv_listen(as_stream(&b), 1, [](uv_stream_t*, int) {}) == UV_EADDRINUSE);
  sockaddr_in name;
  int namelen = sizeof name;
  CHECK(uv_tcp_getsockname(&b, reinterpret_cast<sockaddr*>(&name), &namelen) == UV_EADDRINUSE);

  // A port nobody listens on: the refusal comes through the callback.
  int probe = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(probe >= 0);
  REQUIRE(bind(probe, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  sockaddr_in free_port;
  socklen_t fl = sizeof free_port;
  REQUIRE(getsockname(probe, reinterpret_cast<sockaddr*>(&free_port), &fl) == 0);
  close(probe);
  uv_connect_t req;
  ConnectResult cr;
  req.data = &cr;
  REQUIRE(uv_tcp_connect(&req, &c, reinterpret_cast<sockaddr*>(&free_port), [](uv_connect_t* r, int status) {
            auto* res = static_cast<ConnectResult*>(r->data);
            res->status = status;
            res->calls++;
          }) == 0);
  CHECK(cr.calls == 0);
  while (cr.calls == 0) uv_run(loop, UV_RUN_ONCE);
  CHECK(cr.status == UV_ECONNREFUSED);

  // Bad arguments.
  sockaddr bogus{};
  bogus.sa_family = AF_UNIX;
  CHECK(uv_tcp_bind(&d, &bogus, 0) == UV_EINVAL);
  CHECK(uv_tcp_bind(&d, reinterpret_cast<sockaddr*>(&addr), UV_TCP_IPV6ONLY) == UV_EINVAL);
  CHECK(uv_tcp_connect(&req, &d, &bogus, nullptr) == UV_EINVAL);
  namelen = sizeof name;
  CHECK(uv_tcp_getpeername(&unopened, reinterpret_cast<sockaddr*>(&name), &namelen) == UV_EBADF);

  // uv_tcp_open: a raw socket is adopted (and made non-blocking); a watched one is refused.
  int raw = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(raw >= 0);
  REQUIRE(uv_tcp_open(&d, raw) == 0);
  CHECK((fcntl(raw, F_GETFL) & O_NONBLOCK) != 0);
  CHECK(uv_tcp_open(&unopened, a.io_watcher.fd) == UV_EEXIST);  // the listener is watched
  CHECK(loop.get()->active_reqs.count == 0);
}
