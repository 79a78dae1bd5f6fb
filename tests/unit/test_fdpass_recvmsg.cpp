// Step 4 alone: recvmsg with MSG_CMSG_CLOEXEC, and the EINVAL fallback
// (plain recvmsg, then FD_CLOEXEC on each descriptor) driven through the seam.
#include <sys/eventfd.h>

#include "test_fdpass_support.h"

using namespace uvref::detail::fdpass;
using namespace uvref::test::fdpass;
using uvref::sys::Call;
using uvref::sys::fault::Rule;
using uvref::sys::fault::ScopedFault;

namespace {

/** Opens @p n eventfds WITHOUT close-on-exec, so only the receiver can set the flag. */
std::vector<Fd> plain_eventfds(int n) {
  std::vector<Fd> v;
  for (int i = 0; i < n; i++) {
    v.emplace_back(::eventfd(0, 0));
    REQUIRE(v.back() >= 0);
  }
  return v;
}

std::vector<int> numbers(const std::vector<Fd>& v) {
  std::vector<int> out;
  for (const Fd& f : v) out.push_back(f.get());
  return out;
}

bool cloexec(int fd) { return (::fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

}  // namespace

TEST_CASE("recvmsg_cloexec: descriptors arrive close-on-exec",
          "[fdpass][recvmsg][ex:fdpass-recvmsg]") {
  auto [a, b] = socket_pair();
  auto sent = plain_eventfds(3);
  REQUIRE(send_fds(a, numbers(sent)) == 1);
  Received got = recv_fds(b);
  REQUIRE(got.fds.size() == 3);
  for (const Fd& f : got.fds) CHECK(cloexec(f));
  for (const Fd& f : sent) CHECK_FALSE(cloexec(f));  // the flag is per descriptor, not per file
}

TEST_CASE("recvmsg_cloexec: EINVAL for MSG_CMSG_CLOEXEC falls back and sets FD_CLOEXEC itself",
          "[fdpass][recvmsg][ex:fdpass-recvmsg]") {
  auto [a, b] = socket_pair();
  int on = 1;  // an SCM_CREDENTIALS message before the SCM_RIGHTS one: skipped by the fallback
  REQUIRE(::setsockopt(b, SOL_SOCKET, SO_PASSCRED, &on, sizeof on) == 0);
  auto sent = plain_eventfds(5);
  REQUIRE(send_fds(a, numbers(sent), "abc") == 3);

  ScopedFault no_flag(Rule{.call = Call::recvmsg, .error = EINVAL});
  Received got = recv_fds(b);
  CHECK(uvref::sys::fault::fired(Call::recvmsg) == 1);  // the flagged call failed; the plain one ran
  CHECK(got.data == "abc");
  REQUIRE(got.fds.size() == 5);
  for (std::size_t i = 0; i < 5; i++) {
    CHECK(cloexec(got.fds[i]));
    CHECK(same_file(got.fds[i], sent[i]));
  }
}

TEST_CASE("recvmsg_cloexec: retries EINTR, passes other errors through untouched",
          "[fdpass][recvmsg][ex:fdpass-recvmsg]") {
  auto [a, b] = socket_pair();
  auto sent = plain_eventfds(1);
  REQUIRE(send_fds(a, numbers(sent)) == 1);
  {
    ScopedFault nomem(Rule{.call = Call::recvmsg, .error = ENOMEM});
    CHECK(recv_fds(b).n == UV_ENOMEM);  // no fallback for other errors: nothing was read
  }
  {
    ScopedFault eintr(Rule{.call = Call::recvmsg, .error = EINTR, .times = 3});
    Received got = recv_fds(b);
    CHECK(uvref::sys::fault::fired(Call::recvmsg) == 3);
    CHECK(got.n == 1);
    REQUIRE(got.fds.size() == 1);
    CHECK(cloexec(got.fds[0]));
  }
  REQUIRE(uvref::sys::set_nonblock(b, true) == 0);
  CHECK(recv_fds(b).n == UV_EAGAIN);
  a.reset();
  CHECK(recv_fds(b).n == 0);  // end of stream
}
