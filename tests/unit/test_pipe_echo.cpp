// An echo server on a named pipe with 200 concurrent clients; each sends 256 KiB in random-sized
// writes, half-closes, and checks the echo byte for byte. Public API only (it also builds against libuv).
#include <cstdlib>
#include <memory>
#include <random>

#include "test_stream_helpers.h"

using namespace uvref::test;

namespace {

constexpr int kClients = 200;
constexpr std::size_t kBytesPerClient = 256 * 1024;

// --- the server: echo what arrives; at EOF, shut down after the echo, then close ---

struct Echo {
  uv_pipe_t pipe;
  int* open_connections;
};

struct EchoWrite {
  uv_write_t req;
  char* data;
};

void free_echo(uv_handle_t* h) {
  auto* e = static_cast<Echo*>(h->data);
  --*e->open_connections;
  delete e;
}

void echo_alloc(uv_handle_t*, size_t suggested, uv_buf_t* buf) {
  *buf = uv_buf_init(static_cast<char*>(std::malloc(suggested)), static_cast<unsigned>(suggested));
}

void echo_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  if (nread > 0) {
    auto* w = new EchoWrite{{}, buf->base};  // the read buffer travels with the write
    uv_buf_t out = uv_buf_init(buf->base, static_cast<unsigned>(nread));
    REQUIRE(uv_write(&w->req, s, &out, 1, [](uv_write_t* req, int status) {
              CHECK(status == 0);
              auto* ew = reinterpret_cast<EchoWrite*>(req);
              std::free(ew->data);
              delete ew;
            }) == 0);
    return;
  }
  std::free(buf->base);
  if (nread == 0) return;
  CHECK(nread == UV_EOF);
  // The client half-closed: send the rest of the echo, then half-close back.
  auto* sreq = new uv_shutdown_t;
  REQUIRE(uv_shutdown(sreq, s, [](uv_shutdown_t* r, int status) {
            CHECK(status == 0);
            uv_close(reinterpret_cast<uv_handle_t*>(r->handle), free_echo);
            delete r;
          }) == 0);
}

void on_connection(uv_stream_t* server, int status) {
  REQUIRE(status == 0);
  auto* e = new Echo;
  e->open_connections = static_cast<int*>(server->data);
  e->pipe.data = e;
  REQUIRE(uv_pipe_init(server->loop, &e->pipe, 0) == 0);
  REQUIRE(uv_accept(server, reinterpret_cast<uv_stream_t*>(&e->pipe)) == 0);
  ++*e->open_connections;
  REQUIRE(uv_read_start(reinterpret_cast<uv_stream_t*>(&e->pipe), echo_alloc, echo_read) == 0);
}

// --- a client: connect, write 256 KiB in random pieces, half-close, read the echo ---

struct Client;
/** What all clients share: when the last one has closed, the server closes too. */
struct Shared {
  int closed = 0;
  uv_pipe_t* server = nullptr;
};

struct Client {
  Shared* shared = nullptr;
  uv_pipe_t pipe;
  uv_connect_t connect;
  uv_shutdown_t shutdown;
  std::vector<char> sent;
  std::vector<char> received;
  std::vector<uv_write_t> writes;
  int writes_done = 0;
  int write_errors = 0;
  bool eof = false;
  bool closed = false;
  unsigned seed = 0;
  char buffer[16384];
};

void client_alloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
  auto* c = static_cast<Client*>(h->data);
  *buf = uv_buf_init(c->buffer, sizeof c->buffer);
}

void client_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  auto* c = static_cast<Client*>(s->data);
  if (nread > 0) {
    c->received.insert(c->received.end(), buf->base, buf->base + nread);
  } else if (nread == UV_EOF) {
    c->eof = true;
    uv_close(reinterpret_cast<uv_handle_t*>(s), [](uv_handle_t* h) {
      auto* cl = static_cast<Client*>(h->data);
      cl->closed = true;
      if (++cl->shared->closed == kClients) uv_close(reinterpret_cast<uv_handle_t*>(cl->shared->server), nullptr);
    });
  } else if (nread < 0) {
    FAIL("client read error " << uv_err_name(static_cast<int>(nread)));
  }
}

void on_connect(uv_connect_t* req, int status) {
  REQUIRE(status == 0);
  auto* c = static_cast<Client*>(req->data);
  auto* stream = reinterpret_cast<uv_stream_t*>(&c->pipe);
  std::mt19937 rng(c->seed);
  std::uniform_int_distribution<std::size_t> piece(1, 16384);
  std::vector<uv_buf_t> pieces;
  for (std::size_t off = 0; off < c->sent.size();) {
    std::size_t n = std::min(piece(rng), c->sent.size() - off);
    pieces.push_back(uv_buf_init(c->sent.data() + off, static_cast<unsigned>(n)));
    off += n;
  }
  c->writes.resize(pieces.size());  // never resized again: requests must not move
  for (std::size_t i = 0; i < pieces.size(); ++i) {
    c->writes[i].data = c;
    REQUIRE(uv_write(&c->writes[i], stream, &pieces[i], 1, [](uv_write_t* w, int st) {
              auto* cl = static_cast<Client*>(w->data);
              cl->writes_done++;
              if (st != 0) cl->write_errors++;
            }) == 0);
  }
  c->shutdown.data = c;
  REQUIRE(uv_shutdown(&c->shutdown, stream, [](uv_shutdown_t*, int st) { CHECK(st == 0); }) == 0);
  REQUIRE(uv_read_start(stream, client_alloc, client_read) == 0);
}

}  // namespace

TEST_CASE("echo: 200 concurrent clients on a named pipe, 256 KiB each in random writes, half-close",
          "[pipe][echo]") {
  uv_pipe_t server;
  auto clients = std::make_unique<Client[]>(kClients);
  TestLoop loop;

  std::string path = temp_socket_path("echo");
  int open_connections = 0;
  server.data = &open_connections;
  REQUIRE(uv_pipe_init(loop, &server, 0) == 0);
  REQUIRE(uv_pipe_bind(&server, path.c_str()) == 0);
  REQUIRE(uv_listen(reinterpret_cast<uv_stream_t*>(&server), 256, on_connection) == 0);

  Shared shared;
  shared.server = &server;
  for (int i = 0; i < kClients; ++i) {
    Client& c = clients[i];
    c.shared = &shared;
    c.seed = 1000u + static_cast<unsigned>(i);
    c.sent = pattern(c.seed, kBytesPerClient);
    c.pipe.data = &c;
    c.connect.data = &c;
    REQUIRE(uv_pipe_init(loop, &c.pipe, 0) == 0);
    uv_pipe_connect(&c.connect, &c.pipe, path.c_str(), on_connect);
  }

  uv_run(loop, UV_RUN_DEFAULT);

  int complete = 0;
  for (int i = 0; i < kClients; ++i) {
    Client& c = clients[i];
    INFO("client " << i);
    CHECK(c.eof);
    CHECK(c.closed);
    CHECK(c.write_errors == 0);
    CHECK(c.writes_done == static_cast<int>(c.writes.size()));
    CHECK(c.received.size() == kBytesPerClient);
    if (c.received == c.sent) ++complete;
  }
  CHECK(complete == kClients);
  CHECK(open_connections == 0);
}
