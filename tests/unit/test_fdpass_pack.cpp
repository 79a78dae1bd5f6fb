// Step 2 alone: one SCM_RIGHTS message, and the byte of data it rides on.
#include <sys/eventfd.h>

#include <cstring>

#include "test_fdpass_support.h"

using namespace uvref::detail::fdpass;
using namespace uvref::test::fdpass;

TEST_CASE("pack: one SCM_RIGHTS header, CMSG_LEN in cmsg_len, CMSG_SPACE in msg_controllen",
          "[fdpass][pack][ex:fdpass-pack]") {
  ControlBuffer<3> control{};
  char data[] = "hi";
  struct iovec iov = {data, 2};
  const int fds[3] = {7, 8, 9};
  struct msghdr msg;
  REQUIRE(pack_rights(&msg, &iov, 1, control.bytes, fds) == 0);

  CHECK(msg.msg_iov == &iov);
  CHECK(msg.msg_iovlen == 1);
  CHECK(msg.msg_control == control.bytes);
  CHECK(msg.msg_controllen == CMSG_SPACE(3 * sizeof(int)));
  CHECK(msg.msg_name == nullptr);
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  REQUIRE(c != nullptr);
  CHECK(c->cmsg_level == SOL_SOCKET);
  CHECK(c->cmsg_type == SCM_RIGHTS);
  CHECK(c->cmsg_len == CMSG_LEN(3 * sizeof(int)));
  int out[3];
  std::memcpy(out, CMSG_DATA(c), sizeof out);
  CHECK(out[0] == 7);
  CHECK(out[1] == 8);
  CHECK(out[2] == 9);
  CHECK(CMSG_NXTHDR(&msg, c) == nullptr);  // exactly one message
}

TEST_CASE("pack: refuses descriptors without a byte of data, no descriptors, a small buffer",
          "[fdpass][pack][ex:fdpass-pack]") {
  ControlBuffer<1> control{};
  struct msghdr msg;
  const int fd = 5;
  struct iovec empty = {nullptr, 0};
  CHECK(pack_rights(&msg, &empty, 1, control.bytes, std::span<const int>(&fd, 1)) == UV_EINVAL);
  CHECK(pack_rights(&msg, nullptr, 0, control.bytes, std::span<const int>(&fd, 1)) == UV_EINVAL);

  char byte = 'x';
  struct iovec one = {&byte, 1};
  CHECK(pack_rights(&msg, &one, 1, control.bytes, std::span<const int>()) == UV_EINVAL);
  const int three[3] = {5, 6, 7};
  CHECK(pack_rights(&msg, &one, 1, control.bytes, three) == UV_ENOBUFS);  // 24 bytes hold two at most
}

TEST_CASE("pack: the one-byte rule, and what a receiver sees without it",
          "[fdpass][pack][ex:fdpass-pack]") {
  auto [a, b] = socket_pair();
  REQUIRE(uvref::sys::set_nonblock(b, true) == 0);
  Fd passed(::eventfd(0, EFD_CLOEXEC));
  REQUIRE(passed >= 0);

  // Without the rule: a zero-byte sendmsg "succeeds" and sends nothing at all.
  ControlBuffer<1> control{};
  int fd = passed;
  char byte = 'x';
  struct iovec iov = {&byte, 1};
  struct msghdr msg;
  REQUIRE(pack_rights(&msg, &iov, 1, control.bytes, std::span<const int>(&fd, 1)) == 0);
  iov.iov_len = 0;  // bypass the check, as libuv 1.44.2's uv_write2 with an empty buffer does
  CHECK(::sendmsg(a, &msg, MSG_NOSIGNAL) == 0);
  Received lost = recv_fds(b);
  CHECK(lost.n == UV_EAGAIN);  // nothing arrived: the descriptor was dropped, no error anywhere
  CHECK(lost.fds.empty());

  // With it: the byte carries the descriptor.
  iov.iov_len = 1;
  REQUIRE(::sendmsg(a, &msg, MSG_NOSIGNAL) == 1);
  Received got = recv_fds(b);
  REQUIRE(got.n == 1);
  REQUIRE(got.fds.size() == 1);
  CHECK(same_file(got.fds[0], passed));
}
