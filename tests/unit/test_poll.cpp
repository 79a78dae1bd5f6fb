// uv_poll_t: readiness of a descriptor the program owns, through the loop's I/O watcher.
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support/test_support.h"
#include "test_fs_support.h"

using uvref::test::as_handle;
using uvref::test::ScratchPath;
using uvref::test::TestLoop;

namespace {

struct Sockets {
  int fd[2];
  Sockets() { REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fd) == 0); }
  ~Sockets() {
    close(fd[0]);
    close(fd[1]);
  }
};

struct Seen {
  int calls = 0;
  int status = 0;
  int events = 0;
  bool stop_after = true;
};

void on_poll(uv_poll_t* h, int status, int events) {
  auto* seen = static_cast<Seen*>(h->data);
  seen->calls++;
  seen->status = status;
  seen->events = events;
  if (seen->stop_after) uv_poll_stop(h);
}

}  // namespace

TEST_CASE("uv_poll_t reports UV_READABLE when data arrives, again while it stays unread", "[poll]") {
  Sockets s;
  uv_poll_t poll;
  TestLoop loop;
  Seen seen;
  REQUIRE(uv_poll_init(loop, &poll, s.fd[0]) == 0);
  CHECK((fcntl(s.fd[0], F_GETFL) & O_NONBLOCK) != 0);  // made non-blocking
  CHECK(uv_poll_init(loop, &poll, -1) == UV_EBADF);
  poll.data = &seen;
  seen.stop_after = false;
  REQUIRE(uv_poll_start(&poll, UV_READABLE, on_poll) == 0);
  CHECK(uv_is_active(as_handle(&poll)));
  uv_run(loop, UV_RUN_NOWAIT);
  CHECK(seen.calls == 0);  // nothing to read yet

  REQUIRE(write(s.fd[1], "x", 1) == 1);
  uv_run(loop, UV_RUN_NOWAIT);
  CHECK(seen.calls == 1);
  CHECK(seen.status == 0);
  CHECK(seen.events == UV_READABLE);
  uv_run(loop, UV_RUN_NOWAIT);
  CHECK(seen.calls == 2);  // level-triggered: the byte is still there

  CHECK(uv_poll_stop(&poll) == 0);
  CHECK_FALSE(uv_is_active(as_handle(&poll)));
  uv_run(loop, UV_RUN_NOWAIT);
  CHECK(seen.calls == 2);
  uv_close(as_handle(&poll), nullptr);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(fcntl(s.fd[0], F_GETFD) >= 0);  // the descriptor is the program's: still open
}

TEST_CASE("uv_poll_start: UV_WRITABLE at once, UV_DISCONNECT after the peer's shutdown, 0 stops", "[poll]") {
  Sockets s;
  uv_poll_t poll;
  TestLoop loop;
  Seen seen;
  REQUIRE(uv_poll_init_socket(loop, &poll, s.fd[0]) == 0);
  poll.data = &seen;
  REQUIRE(uv_poll_start(&poll, UV_WRITABLE | UV_READABLE, on_poll) == 0);
  uv_run(loop, UV_RUN_DEFAULT);  // the callback stops the handle, so the loop ends
  CHECK(seen.calls == 1);
  CHECK(seen.events == UV_WRITABLE);

  REQUIRE(shutdown(s.fd[1], SHUT_WR) == 0);
  REQUIRE(uv_poll_start(&poll, UV_DISCONNECT, on_poll) == 0);  // replaces the earlier set
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(seen.calls == 2);
  CHECK(seen.events == UV_DISCONNECT);

  REQUIRE(uv_poll_start(&poll, UV_READABLE, on_poll) == 0);
  CHECK(uv_poll_start(&poll, 0, on_poll) == 0);  // no events: stopped
  CHECK_FALSE(uv_is_active(as_handle(&poll)));
  CHECK(uv_poll_start(&poll, 64, on_poll) == UV_EINVAL);
  uv_close(as_handle(&poll), nullptr);
  CHECK(uv_poll_start(&poll, UV_READABLE, on_poll) == UV_EINVAL);  // closing
}

TEST_CASE("uv_poll_init: UV_EPERM for a file, UV_EEXIST for a descriptor the loop watches", "[poll]") {
  TestLoop loop;
  uv_poll_t a, b;
  ScratchPath path;
  path.write("x");
  int file = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(file >= 0);
  CHECK(uv_poll_init(loop, &a, file) == UV_EPERM);
  close(file);

  Sockets s;
  REQUIRE(uv_poll_init(loop, &a, s.fd[0]) == 0);
  REQUIRE(uv_poll_start(&a, UV_READABLE, on_poll) == 0);
  CHECK(uv_poll_init(loop, &b, s.fd[0]) == UV_EEXIST);
  uv_os_fd_t fd = -1;
  CHECK(uv_fileno(as_handle(&a), &fd) == 0);
  CHECK(fd == s.fd[0]);
  uv_close(as_handle(&a), nullptr);
  uv_run(loop, UV_RUN_DEFAULT);
}
