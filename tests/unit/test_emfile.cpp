// The EMFILE trick: a reserve descriptor, given up to shed pending connections when accept() hits the limit.
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>

#include "sys/fault.h"
#include "test_stream_helpers.h"

using namespace uvref::test;
using uvref::sys::Call;
namespace fault = uvref::sys::fault;

namespace {

/** A listening named pipe and a few raw clients already queued in its backlog. */
struct Backlog {
  uv_pipe_t server;
  std::string path = temp_socket_path("emfile");
  std::vector<int> clients;
  int connections = 0;  // connection_cb calls
  int last_status = 0;

  void listen(uv_loop_t* loop) {
    server.data = this;
    REQUIRE(uv_pipe_init(loop, &server, 0) == 0);
    REQUIRE(uv_pipe_bind(&server, path.c_str()) == 0);
    REQUIRE(uv_listen(as_stream(&server), 16, [](uv_stream_t* s, int status) {
              auto* b = static_cast<Backlog*>(s->data);
              b->connections++;
              b->last_status = status;
            }) == 0);
  }
  void connect_clients(int n) {
    sockaddr_un sa{};
    sa.sun_family = AF_UNIX;
    std::strcpy(sa.sun_path, path.c_str());
    for (int i = 0; i < n; ++i) {
      int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
      REQUIRE(fd >= 0);
      REQUIRE(connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof sa) == 0);  // queued in the backlog
      timeval tv{2, 0};
      setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
      clients.push_back(fd);
    }
  }
  /** Each client sees its connection closed by the server (EOF), not a hang. */
  int clients_shed() {
    int shed = 0;
    for (int fd : clients) {
      char c;
      if (read(fd, &c, 1) == 0) shed++;
    }
    return shed;
  }
  ~Backlog() {
    for (int fd : clients) close(fd);
  }
};

}  // namespace

TEST_CASE("emfile: the reserve descriptor opens at the loop's first stream, closes with the loop", "[emfile]") {
  uv_pipe_t p;
  TestLoop loop;
  CHECK(loop.get()->emfile_fd == -1);  // not at uv_loop_init
  REQUIRE(uv_pipe_init(loop, &p, 0) == 0);
  int fd = loop.get()->emfile_fd;
  REQUIRE(fd >= 0);
  char target[64] = {};
  REQUIRE(readlink(("/proc/self/fd/" + std::to_string(fd)).c_str(), target, sizeof target - 1) > 0);
  CHECK(std::string(target) == "/dev/null");
  uv_pipe_t q;
  REQUIRE(uv_pipe_init(loop, &q, 0) == 0);
  CHECK(loop.get()->emfile_fd == fd);  // one per loop
  // The descriptor-leak check of this test case verifies that uv_loop_close() closes it.
}

TEST_CASE("emfile: EMFILE from accept4 (seam) sheds the backlog and keeps the server going", "[emfile][ex:emfile]") {
  Backlog b;
  TestLoop loop;
  b.listen(loop);
  b.connect_clients(3);
  int reserve = loop.get()->emfile_fd;
  REQUIRE(reserve >= 0);
  {
    fault::ScopedFault full({.call = Call::accept4, .error = EMFILE, .times = 1});
    uv_run(loop, UV_RUN_ONCE);
    CHECK(fault::fired(Call::accept4) == 1);
  }
  CHECK(b.connections == 0);         // the backlog was emptied: nothing to report
  CHECK(b.clients_shed() == 3);      // every queued client saw its connection closed
  CHECK(loop.get()->emfile_fd >= 0);  // the reserve is back

  // Business as usual afterwards.
  b.connect_clients(1);
  uv_run(loop, UV_RUN_ONCE);
  CHECK(b.connections == 1);
  CHECK(b.last_status == 0);
}

TEST_CASE("emfile: with RLIMIT_NOFILE exhausted, the trick frees one slot and sheds the backlog", "[emfile][ex:emfile]") {
  Backlog b;
  TestLoop loop;
  b.listen(loop);
  b.connect_clients(3);
  REQUIRE(loop.get()->emfile_fd >= 0);

  rlimit saved;
  REQUIRE(getrlimit(RLIMIT_NOFILE, &saved) == 0);
  int lowest_free = dup(0);
  REQUIRE(lowest_free >= 0);
  close(lowest_free);
  rlimit tight = saved;
  tight.rlim_cur = static_cast<rlim_t>(lowest_free);  // every slot below the limit is taken
  REQUIRE(setrlimit(RLIMIT_NOFILE, &tight) == 0);
  CHECK(dup(0) == -1);  // really exhausted
  CHECK(errno == EMFILE);

  uv_run(loop, UV_RUN_ONCE);
  bool reserve_back = loop.get()->emfile_fd >= 0;
  REQUIRE(setrlimit(RLIMIT_NOFILE, &saved) == 0);

  CHECK(b.connections == 0);
  CHECK(b.clients_shed() == 3);
  CHECK(reserve_back);
}

TEST_CASE("emfile: when the trick cannot help, connection_cb gets UV_EMFILE", "[emfile][ex:emfile]") {
  Backlog b;
  TestLoop loop;
  b.listen(loop);
  b.connect_clients(1);
  {
    // accept4 keeps failing, even after the reserve is given up (another thread took the slot).
    fault::ScopedFault full({.call = Call::accept4, .error = EMFILE, .times = 0});
    uv_run(loop, UV_RUN_ONCE);
  }
  CHECK(b.connections == 1);
  CHECK(b.last_status == UV_EMFILE);
  CHECK(loop.get()->emfile_fd >= 0);  // reopened all the same
  uv_run(loop, UV_RUN_ONCE);          // the client is still queued: now it is accepted
  CHECK(b.connections == 2);
  CHECK(b.last_status == 0);
}
