// Checks of the exercise fdpass-control-buffer (walkthroughs/exercises/): the
// sizes and the alignment of step 1 asked at run time, so that a starter with
// wrong values still builds and fails here, with the value it got.
#include <sys/eventfd.h>

#include <cstring>

#include "test_fdpass_support.h"

using namespace uvref::detail::fdpass;
using namespace uvref::test::fdpass;

TEST_CASE("ex control buffer: control_space() is CMSG_SPACE, control_len() is CMSG_LEN",
          "[fdpass][control-buffer][ex:fdpass-control-buffer]") {
  for (std::size_t n : {1u, 2u, 3u, 7u, 64u}) {
    CAPTURE(n);
    CHECK(control_space(n) == CMSG_SPACE(n * sizeof(int)));
    CHECK(control_len(n) == CMSG_LEN(n * sizeof(int)));
  }
  CHECK(control_space(1) == 24);  // 16-byte header, one 4-byte descriptor, 4 bytes of padding
  CHECK(control_len(1) == 20);    // no trailing padding
}

TEST_CASE("ex control buffer: the union holds control_space() bytes, aligned like struct cmsghdr",
          "[fdpass][control-buffer][ex:fdpass-control-buffer]") {
  CHECK(sizeof(ControlBuffer<1>{}.bytes) == CMSG_SPACE(sizeof(int)));
  CHECK(sizeof(ControlBuffer<5>{}.bytes) == CMSG_SPACE(5 * sizeof(int)));
  CHECK(alignof(ControlBuffer<1>) == alignof(struct cmsghdr));
  CHECK(alignof(ControlBuffer<5>) == alignof(struct cmsghdr));
}

TEST_CASE("ex control buffer: one descriptor sent, exactly one received",
          "[fdpass][control-buffer][ex:fdpass-control-buffer]") {
  // Raw sendmsg()/recvmsg() around a message sized by control_space() and control_len() only,
  // so this check needs nothing of the later steps.
  auto [a, b] = socket_pair();
  Fd passed(::eventfd(0, EFD_CLOEXEC));
  REQUIRE(passed >= 0);
  ControlBuffer<1> control{};
  char byte = 'x';
  struct iovec iov = {&byte, 1};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.bytes;
  msg.msg_controllen = control_space(1);
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  REQUIRE(c != nullptr);  // nullptr: msg_controllen cannot even hold a header
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = control_len(1);
  int fd = passed;
  std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
  REQUIRE(::sendmsg(a, &msg, MSG_NOSIGNAL) == 1);

  RawControl<8> in{};
  char got_byte = 0;
  struct iovec in_iov = {&got_byte, 1};
  struct msghdr in_msg = {};
  in_msg.msg_iov = &in_iov;
  in_msg.msg_iovlen = 1;
  in_msg.msg_control = in.bytes;
  in_msg.msg_controllen = sizeof in.bytes;
  REQUIRE(::recvmsg(b, &in_msg, MSG_CMSG_CLOEXEC) == 1);
  std::vector<Fd> received;
  for (struct cmsghdr* r = CMSG_FIRSTHDR(&in_msg); r != nullptr; r = CMSG_NXTHDR(&in_msg, r)) {
    if (r->cmsg_level != SOL_SOCKET || r->cmsg_type != SCM_RIGHTS) continue;
    for (std::size_t i = 0; i < (r->cmsg_len - CMSG_LEN(0)) / sizeof(int); i++) {
      int got;
      std::memcpy(&got, CMSG_DATA(r) + i * sizeof(int), sizeof got);
      received.emplace_back(got);
    }
  }
  REQUIRE(received.size() == 1);  // two: cmsg_len counted the padding as a descriptor (fd 0)
  CHECK(same_file(received[0], passed));
}
