// Step 6 alone: the pending queue (accepted_fd, then queued_fds) and the
// pending type (uv_guess_handle on every kind of descriptor).
#include <fcntl.h>
#include <pty.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstring>
#include <deque>
#include <string>

#include "test_fdpass_support.h"

using namespace uvref::detail::fdpass;
using namespace uvref::test::fdpass;

TEST_CASE("pending queue: first in accepted_fd, the rest queued, taken oldest first",
          "[fdpass][pending][ex:fdpass-pending-queue]") {
  Fd origin(::eventfd(0, EFD_CLOEXEC));
  StandInPipe p(-1);
  std::deque<int> model;  // what must come out, in order

  auto add = [&](int n) {
    for (int i = 0; i < n; i++) {
      int fd = ::fcntl(origin, F_DUPFD_CLOEXEC, 0);
      REQUIRE(fd >= 0);
      REQUIRE(queue_fd(p.stream(), fd) == 0);
      model.push_back(fd);
    }
  };
  auto take = [&](int n) {
    for (int i = 0; i < n; i++) {
      int fd = take_pending(p.stream());
      REQUIRE(fd == model.front());
      model.pop_front();
      ::close(fd);
    }
  };

  CHECK(take_pending(p.stream()) == -1);
  add(1);
  CHECK(p.pipe.accepted_fd == model.front());
  CHECK(p.pipe.queued_fds == nullptr);  // one pending descriptor allocates nothing
  add(20);  // grows past the first capacity (8)
  CHECK(uv_pipe_pending_count(&p.pipe) == 21);
  take(15);
  add(40);  // compacts the freed front, then grows
  CHECK(pending_count(p.stream()) == model.size());
  take(30);
  add(3);
  take(static_cast<int>(model.size()));
  CHECK(p.pipe.accepted_fd == -1);
  CHECK(p.pipe.queued_fds == nullptr);  // freed once empty
  CHECK(uv_pipe_pending_count(&p.pipe) == 0);
}

TEST_CASE("pending queue: close_pending closes every waiting descriptor",
          "[fdpass][pending][ex:fdpass-pending-queue]") {
  Fd origin(::eventfd(0, EFD_CLOEXEC));
  StandInPipe p(-1);
  std::vector<int> fds;
  for (int i = 0; i < 12; i++) {
    fds.push_back(::fcntl(origin, F_DUPFD_CLOEXEC, 0));
    REQUIRE(queue_fd(p.stream(), fds.back()) == 0);
  }
  close_pending(p.stream());
  for (int fd : fds) CHECK_FALSE(is_open(fd));
  CHECK(p.pipe.accepted_fd == -1);
  CHECK(p.pipe.queued_fds == nullptr);
  close_pending(p.stream());  // a second time is harmless
}

TEST_CASE("pending count and type: a pipe that is not IPC has nothing pending",
          "[fdpass][pending][ex:fdpass-pending-queue]") {
  StandInPipe p(-1);
  REQUIRE(queue_fd(p.stream(), ::eventfd(0, EFD_CLOEXEC)) == 0);
  p.pipe.ipc = 0;
  CHECK(uv_pipe_pending_count(&p.pipe) == 0);
  CHECK(uv_pipe_pending_type(&p.pipe) == UV_UNKNOWN_HANDLE);
  p.pipe.ipc = 1;
  CHECK(uv_pipe_pending_count(&p.pipe) == 1);
}

TEST_CASE("uv_guess_handle: the kind of every descriptor that can travel", "[fdpass][pending-type]") {
  int sv[2];
  REQUIRE(::pipe2(sv, O_CLOEXEC) == 0);
  Fd pipe_r(sv[0]), pipe_w(sv[1]);
  CHECK(uv_guess_handle(pipe_r) == UV_NAMED_PIPE);
  CHECK(uv_guess_handle(pipe_w) == UV_NAMED_PIPE);

  auto [us1, us2] = socket_pair(SOCK_STREAM);
  CHECK(uv_guess_handle(us1) == UV_NAMED_PIPE);
  auto [ud1, ud2] = socket_pair(SOCK_DGRAM);
  CHECK(uv_guess_handle(ud1) == UV_UNKNOWN_HANDLE);
  auto [up1, up2] = socket_pair(SOCK_SEQPACKET);
  CHECK(uv_guess_handle(up1) == UV_UNKNOWN_HANDLE);

  Fd tcp4(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  Fd tcp6(::socket(AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0));
  Fd udp4(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  CHECK(uv_guess_handle(tcp4) == UV_TCP);
  CHECK(uv_guess_handle(tcp6) == UV_TCP);
  CHECK(uv_guess_handle(udp4) == UV_UDP);

  Fd file(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
  Fd memfd(::memfd_create("uvref-test", MFD_CLOEXEC));
  Fd devnull(::open("/dev/null", O_RDWR | O_CLOEXEC));
  CHECK(uv_guess_handle(file) == UV_FILE);
  CHECK(uv_guess_handle(memfd) == UV_FILE);  // a memfd is a regular file in tmpfs
  CHECK(uv_guess_handle(devnull) == UV_FILE);

  Fd efd(::eventfd(0, EFD_CLOEXEC));
  Fd epfd(::epoll_create1(EPOLL_CLOEXEC));
  Fd dir(::open("/", O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  CHECK(uv_guess_handle(efd) == UV_UNKNOWN_HANDLE);
  CHECK(uv_guess_handle(epfd) == UV_UNKNOWN_HANDLE);
  CHECK(uv_guess_handle(dir) == UV_UNKNOWN_HANDLE);

  CHECK(uv_guess_handle(-1) == UV_UNKNOWN_HANDLE);
  int closed = ::dup(efd);
  ::close(closed);
  CHECK(uv_guess_handle(closed) == UV_UNKNOWN_HANDLE);
}

TEST_CASE("uv_guess_handle: both ends of a pseudo-terminal are UV_TTY", "[fdpass][pending-type][pty]") {
  int master = -1, slave = -1;
  if (::openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) {
    // A container without /dev/pts (or without a free pty): the environment, not uvref.
    std::string why = std::string("openpty() failed: ") + std::strerror(errno);
    uvref::test::skip(why.c_str());
    return;
  }
  Fd pty_m(master), pty_s(slave);
  CHECK(uv_guess_handle(pty_m) == UV_TTY);
  CHECK(uv_guess_handle(pty_s) == UV_TTY);
}

TEST_CASE("uv_pipe_pending_type: the type of the oldest pending descriptor",
          "[fdpass][pending-type][ex:fdpass-pending-queue]") {
  StandInPipe p(-1);
  CHECK(uv_pipe_pending_type(&p.pipe) == UV_UNKNOWN_HANDLE);  // nothing pending
  auto [a, b] = socket_pair();
  REQUIRE(queue_fd(p.stream(), ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == 0);
  REQUIRE(queue_fd(p.stream(), a.release()) == 0);
  REQUIRE(queue_fd(p.stream(), ::eventfd(0, EFD_CLOEXEC)) == 0);
  CHECK(uv_pipe_pending_type(&p.pipe) == UV_TCP);
  ::close(take_pending(p.stream()));
  CHECK(uv_pipe_pending_type(&p.pipe) == UV_NAMED_PIPE);
  ::close(take_pending(p.stream()));
  CHECK(uv_pipe_pending_type(&p.pipe) == UV_UNKNOWN_HANDLE);
  CHECK(uv_pipe_pending_count(&p.pipe) == 1);
}

TEST_CASE("uvref_pipe_accept_fd: hands over the oldest pending descriptor",
          "[fdpass][accept-fd][ex:fdpass-pending-queue]") {
  StandInPipe p(-1);
  int fd = -1;
  CHECK(uvref_pipe_accept_fd(&p.pipe, &fd) == UV_EAGAIN);
  CHECK(uvref_pipe_accept_fd(&p.pipe, nullptr) == UV_EINVAL);
  CHECK(uvref_pipe_accept_fd(nullptr, &fd) == UV_EINVAL);

  Fd first(::eventfd(0, EFD_CLOEXEC)), second(::memfd_create("uvref-accept", MFD_CLOEXEC));
  REQUIRE(queue_fd(p.stream(), ::fcntl(first, F_DUPFD_CLOEXEC, 0)) == 0);
  REQUIRE(queue_fd(p.stream(), ::fcntl(second, F_DUPFD_CLOEXEC, 0)) == 0);
  p.pipe.ipc = 0;
  CHECK(uvref_pipe_accept_fd(&p.pipe, &fd) == UV_EINVAL);  // not an IPC pipe
  p.pipe.ipc = 1;
  REQUIRE(uvref_pipe_accept_fd(&p.pipe, &fd) == 0);
  Fd a(fd);
  CHECK(same_file(a, first));
  REQUIRE(uvref_pipe_accept_fd(&p.pipe, &fd) == 0);
  Fd b(fd);
  CHECK(same_file(b, second));
  CHECK(uv_pipe_pending_count(&p.pipe) == 0);
}
