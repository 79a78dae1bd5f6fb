// Step 3 alone: send_with_fd() over a socket pair: EINTR, EAGAIN, a partial
// write, a vanished peer (EPIPE, not SIGPIPE), and the empty-buffer refusal.
#include <sys/eventfd.h>
#include <sys/wait.h>

#include <csignal>
#include <string>

#include "test_fdpass_support.h"

using namespace uvref::detail::fdpass;
using namespace uvref::test::fdpass;
using uvref::sys::Call;
using uvref::sys::fault::Rule;
using uvref::sys::fault::ScopedFault;

namespace {

ssize_t send_one(int sock, int fd, std::string data = "x") {
  struct iovec iov = {data.data(), data.size()};
  return send_with_fd(sock, &iov, 1, fd);
}

}  // namespace

TEST_CASE("send_with_fd: the bytes and the descriptor arrive together",
          "[fdpass][send][ex:fdpass-pack]") {
  auto [a, b] = socket_pair();
  Fd passed(::eventfd(0, EFD_CLOEXEC));
  REQUIRE(send_one(a, passed, "hello") == 5);
  Received got = recv_fds(b);
  CHECK(got.data == "hello");
  REQUIRE(got.fds.size() == 1);
  CHECK(got.fds[0].get() != passed.get());  // a new number...
  CHECK(same_file(got.fds[0], passed));     // ...for the same open file
}

TEST_CASE("send_with_fd: retries sendmsg interrupted by a signal (EINTR)",
          "[fdpass][send][ex:fdpass-pack]") {
  auto [a, b] = socket_pair();
  Fd passed(::eventfd(0, EFD_CLOEXEC));
  {
    ScopedFault eintr(Rule{.call = Call::sendmsg, .error = EINTR, .times = 2});
    CHECK(send_one(a, passed) == 1);
    CHECK(uvref::sys::fault::fired(Call::sendmsg) == 2);
  }
  Received got = recv_fds(b);
  REQUIRE(got.fds.size() == 1);  // sent once, not three times
  CHECK(same_file(got.fds[0], passed));
}

TEST_CASE("send_with_fd: a full socket gives UV_EAGAIN and the descriptor stays behind",
          "[fdpass][send][ex:fdpass-pack]") {
  auto [a, b] = socket_pair();
  REQUIRE(uvref::sys::set_nonblock(a, true) == 0);
  REQUIRE(uvref::sys::set_nonblock(b, true) == 0);
  char byte = '.';
  std::size_t filled = 0;
  while (::write(a, &byte, 1) == 1) filled++;
  REQUIRE(errno == EAGAIN);

  Fd passed(::eventfd(0, EFD_CLOEXEC));
  CHECK(send_one(a, passed, "!") == UV_EAGAIN);

  // Drain: only the filler arrives, no descriptor.
  std::size_t drained = 0;
  for (Received r = recv_fds(b, 4096); r.n > 0; r = recv_fds(b, 4096)) {
    CHECK(r.fds.empty());
    CHECK(r.data.find('!') == std::string::npos);
    drained += static_cast<std::size_t>(r.n);
  }
  CHECK(drained == filled);

  // Room again: the same send now goes through (what POLLOUT would trigger).
  REQUIRE(send_one(a, passed, "!") == 1);
  Received got = recv_fds(b);
  REQUIRE(got.fds.size() == 1);
  CHECK(same_file(got.fds[0], passed));
}

TEST_CASE("send_with_fd: on a partial write the descriptor went with the first bytes",
          "[fdpass][send][ex:fdpass-pack]") {
  auto [a, b] = socket_pair();
  Fd passed(::eventfd(0, EFD_CLOEXEC));
  {
    ScopedFault short_write(Rule{.call = Call::sendmsg, .max_len = 3});
    CHECK(send_one(a, passed, "0123456789") == 3);
  }
  // The write queue sends the rest without the descriptor (libuv clears send_handle).
  REQUIRE(::write(a, "3456789", 7) == 7);

  Received first = recv_fds(b);
  CHECK(first.data == "012");
  REQUIRE(first.fds.size() == 1);
  CHECK(same_file(first.fds[0], passed));
  Received rest = recv_fds(b);
  CHECK(rest.data == "3456789");
  CHECK(rest.fds.empty());
}

TEST_CASE("send_with_fd: a vanished peer is UV_EPIPE, not a SIGPIPE death",
          "[fdpass][send][ex:fdpass-pack]") {
  // The test runner ignores SIGPIPE; a child restores the default to prove MSG_NOSIGNAL.
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::signal(SIGPIPE, SIG_DFL);
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM, 0, sv) != 0) ::_exit(2);
    ::close(sv[1]);
    char byte = 'x';
    struct iovec iov = {&byte, 1};
    ::_exit(send_with_fd(sv[0], &iov, 1, 0) == UV_EPIPE ? 0 : 1);
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK_FALSE(WIFSIGNALED(status));
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("send_with_fd: no byte of data is UV_EINVAL and nothing is sent",
          "[fdpass][send][ex:fdpass-pack]") {
  auto [a, b] = socket_pair();
  REQUIRE(uvref::sys::set_nonblock(b, true) == 0);
  Fd passed(::eventfd(0, EFD_CLOEXEC));
  struct iovec empty = {nullptr, 0};
  CHECK(send_with_fd(a, &empty, 1, passed) == UV_EINVAL);
  CHECK(recv_fds(b).n == UV_EAGAIN);
}
