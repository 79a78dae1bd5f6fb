// Step 1 alone: the control buffer's size, alignment and zero fill, and what
// goes wrong when CMSG_SPACE is used where CMSG_LEN belongs.
//
// STATIC_REQUIRE checks at run time here: the exercise fdpass-control-buffer blanks
// control_space()/control_len(), and a wrong answer must fail a check, not the build.
#define CATCH_CONFIG_RUNTIME_STATIC_REQUIRE
#include <sys/eventfd.h>

#include <cstring>

#include "test_fdpass_support.h"

using namespace uvref::detail::fdpass;
using namespace uvref::test::fdpass;

TEST_CASE("control buffer: sized by CMSG_SPACE, aligned for cmsghdr, zero-filled",
          "[fdpass][control-buffer][ex:fdpass-control-buffer]") {
  STATIC_REQUIRE(sizeof(ControlBuffer<1>) == CMSG_SPACE(sizeof(int)));
  STATIC_REQUIRE(sizeof(ControlBuffer<3>) == CMSG_SPACE(3 * sizeof(int)));
  STATIC_REQUIRE(sizeof(ControlBuffer<64>) == 272);                  // libuv 1.44's receive buffer
  STATIC_REQUIRE(kMaxRecvFds == 253);                                // SCM_MAX_FD
  STATIC_REQUIRE(sizeof(RecvControlBuffer) == 1032 + 32 + 24);       // + credentials + a pidfd
  STATIC_REQUIRE(alignof(RecvControlBuffer) == alignof(struct cmsghdr));
  STATIC_REQUIRE(alignof(ControlBuffer<7>) == alignof(struct cmsghdr));
  STATIC_REQUIRE(control_len(1) == 20);
  STATIC_REQUIRE(control_space(1) - control_len(1) == 4);  // the padding after one descriptor

  // Dirty the stack where the buffer will live, then value-initialise one.
  {
    volatile unsigned char dirt[sizeof(RecvControlBuffer)];
    for (auto& b : dirt) b = 0xAB;
  }
  RecvControlBuffer control{};
  for (unsigned char b : control.bytes) REQUIRE(b == 0);
  REQUIRE(reinterpret_cast<std::uintptr_t>(control.bytes) % alignof(struct cmsghdr) == 0);
}

TEST_CASE("control buffer: cmsg_len = CMSG_SPACE(4) sends whatever sits in the padding too",
          "[fdpass][control-buffer]") {
  auto [a, b] = socket_pair();
  Fd wanted(::eventfd(0, EFD_CLOEXEC));
  Fd stowaway(::eventfd(0, EFD_CLOEXEC));
  REQUIRE(wanted >= 0);
  REQUIRE(stowaway >= 0);

  ControlBuffer<1> control{};
  char byte = 'x';
  struct iovec iov = {&byte, 1};
  struct msghdr msg;
  int fd = wanted;
  REQUIRE(pack_rights(&msg, &iov, 1, control.bytes, std::span<const int>(&fd, 1)) == 0);
  // The mistake: the buffer size in cmsg_len. The 4 padding bytes become a second descriptor.
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_len = CMSG_SPACE(sizeof(int));
  int planted = stowaway;
  std::memcpy(CMSG_DATA(c) + sizeof(int), &planted, sizeof planted);
  REQUIRE(::sendmsg(a, &msg, 0) == 1);

  Received got = recv_fds(b);
  REQUIRE(got.n == 1);
  REQUIRE(got.fds.size() == 2);  // one asked for, one not
  CHECK(same_file(got.fds[0], wanted));
  CHECK(same_file(got.fds[1], stowaway));
}
