// Steps 4-6 together: recv_with_fds() on a stand-in IPC pipe, including
// the most one message can carry (SCM_MAX_FD), and MSG_CTRUNC when the
// receiver's descriptor table (RLIMIT_NOFILE) cannot hold them all.
#include <sys/eventfd.h>

#include "test_fdpass_support.h"

using namespace uvref::detail::fdpass;
using namespace uvref::test::fdpass;


TEST_CASE("recv_with_fds: bytes to the buffer, descriptors to the pending queue",
          "[fdpass][recv][ex:fdpass-pending-queue]") {
  auto [a, b] = socket_pair();
  Fd origin(::eventfd(0, EFD_CLOEXEC));
  std::vector<int> sent = dups(origin, 3);
  REQUIRE(send_fds(a, sent, "three") == 5);
  close_all(sent);  // in flight: the message holds its own references

  StandInPipe p(b);
  char buf[64];
  int err = -1;  // the cmsg error slot: must come back 0 for a clean message
  CHECK(recv_with_fds(p.stream(), buf, sizeof buf, &err) == 5);
  CHECK(err == 0);
  CHECK(std::string(buf, 5) == "three");
  REQUIRE(uv_pipe_pending_count(&p.pipe) == 3);
  for (int i = 0; i < 3; i++) {
    Fd got(take_pending(p.stream()));
    CHECK(same_file(got, origin));
  }
}

TEST_CASE("recv_with_fds: one read never runs past a message that carried descriptors",
          "[fdpass][recv][ex:fdpass-pending-queue]") {
  auto [a, b] = socket_pair();
  Fd origin(::eventfd(0, EFD_CLOEXEC));
  std::vector<int> two = dups(origin, 2), one = dups(origin, 1);
  REQUIRE(send_fds(a, two, "ab") == 2);
  REQUIRE(send_fds(a, one, "cd") == 2);
  close_all(two);
  close_all(one);

  StandInPipe p(b);
  char buf[64];
  int err = -1;  // the cmsg error slot: must come back 0 for a clean message
  CHECK(recv_with_fds(p.stream(), buf, sizeof buf, &err) == 2);  // "ab" only, though "cd" is waiting
  CHECK(uv_pipe_pending_count(&p.pipe) == 2);
  CHECK(recv_with_fds(p.stream(), buf, sizeof buf, &err) == 2);
  CHECK(std::string(buf, 2) == "cd");
  CHECK(uv_pipe_pending_count(&p.pipe) == 3);
}

TEST_CASE("recv_with_fds: 253 descriptors (SCM_MAX_FD) in one message: all queued, no error",
          "[fdpass][recv][ctrunc][ex:fdpass-pending-queue]") {
  // libuv 1.44 takes 64 per read; the kernel closes the rest and nobody is told.
  auto [a, b] = socket_pair();
  SECTION("alone") {}
  SECTION("with the sender's credentials (SO_PASSCRED): they fit too") {
    int on = 1;
    REQUIRE(::setsockopt(b, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) == 0);
  }
  Fd origin(::eventfd(0, EFD_CLOEXEC));
  send_copies(a, origin, 253);
  std::size_t before = open_fd_count();

  StandInPipe p(b);
  char buf[64];
  int cmsg_error = -1;
  CHECK(recv_with_fds(p.stream(), buf, sizeof buf, &cmsg_error) == 1);
  CHECK(cmsg_error == 0);
  CHECK(uv_pipe_pending_count(&p.pipe) == 253);
  CHECK(open_fd_count() == before + 253);
  close_pending(p.stream());
  CHECK(open_fd_count() == before);
}

TEST_CASE("recv_with_fds: 254 descriptors are refused by the sender's kernel (EINVAL)", "[fdpass][recv]") {
  // SCM_MAX_FD is the most one message can carry: a buffer for 253 is enough.
  auto [a, b] = socket_pair();
  Fd origin(::eventfd(0, EFD_CLOEXEC));
  std::vector<int> sent = dups(origin, 254);
  CHECK(send_fds(a, sent) == -EINVAL);
  close_all(sent);
}

TEST_CASE("recv_with_fds: RLIMIT_NOFILE cuts a message: what fitted queued, UV_EMSGSIZE, none leaked",
          "[fdpass][recv][ctrunc][ex:fdpass-pending-queue]") {
  auto [a, b] = socket_pair();
  Fd origin(::eventfd(0, EFD_CLOEXEC));
  send_copies(a, origin, 10);
  std::size_t before = open_fd_count();

  StandInPipe p(b);
  char buf[64];
  int cmsg_error = 0;
  ssize_t got = 0;
  {
    // No assertion while the limit is low: UBSan's runtime needs a pipe to
    // check an object's memory, and would report a false "invalid vptr".
    NofileRoom room(4);
    got = recv_with_fds(p.stream(), buf, sizeof buf, &cmsg_error);
  }
  CHECK(got == 1);                   // the data byte is kept
  CHECK(cmsg_error == UV_EMSGSIZE);  // libuv: no error at all
  CHECK(uv_pipe_pending_count(&p.pipe) == 4);
  CHECK(open_fd_count() == before + 4);  // the kernel closed the other 6
  close_pending(p.stream());
  CHECK(open_fd_count() == before);
}

TEST_CASE("recv_with_fds: EAGAIN when empty, 0 at end of stream", "[fdpass][recv]") {
  auto [a, b] = socket_pair();
  REQUIRE(uvref::sys::set_nonblock(b, true) == 0);
  StandInPipe p(b);
  char buf[8];
  int err = -1;  // the cmsg error slot: must come back 0 for a clean message
  CHECK(recv_with_fds(p.stream(), buf, sizeof buf, &err) == UV_EAGAIN);
  a.reset();
  CHECK(recv_with_fds(p.stream(), buf, sizeof buf, &err) == 0);
  CHECK(uv_pipe_pending_count(&p.pipe) == 0);
}
