/**
 * @file control_buffer.h
 * @brief Step 1 of descriptor passing: the buffer that carries SCM_RIGHTS control messages.
 *
 * What it is: a zero-filled byte array with room for one control message
 * holding @p N descriptors, `CMSG_SPACE(N * sizeof(int))` bytes (plus @p Extra
 * bytes for other control messages), wrapped in a union with `struct cmsghdr`.
 *
 * Why a union: sendmsg(2) and recvmsg(2) read and write `struct cmsghdr`
 * headers (a size_t and two ints) at the start of the buffer, and the CMSG_*
 * macros step through it assuming it starts on a cmsghdr boundary. A plain
 * `char buf[24]` on the stack may sit at any address; reading its header
 * through a `cmsghdr*` is then a misaligned access, which C and C++ call
 * undefined behaviour (UBSan reports it; some CPUs fault). The union member
 * forces the alignment of the whole object to alignof(cmsghdr), with no cast
 * and no attribute. cmsg(3) shows the same union. One catch in C++: glibc's
 * cmsghdr ends in a flexible array member (__cmsg_data), so g++ accepts a
 * ControlBuffer as a local or as the *last* member of a struct, not elsewhere.
 *
 * Why two macros: `CMSG_SPACE(n)` is the room one message takes *including*
 * the padding after its payload up to the next header boundary: that is the
 * size of the buffer (msg_controllen on send, the capacity on receive).
 * `CMSG_LEN(n)` is the header plus the payload *without* trailing padding:
 * that is what goes into cmsg_len, because the kernel counts the descriptors
 * as (cmsg_len - CMSG_LEN(0)) / sizeof(int). On x86-64 one descriptor gives
 * CMSG_SPACE(4) = 24 (16-byte header, 4 bytes, 4 of padding) and
 * CMSG_LEN(4) = 20. Put 24 into cmsg_len and the kernel counts
 * (24 - 16) / 4 = 2 descriptors: the real one and whatever the padding holds,
 * fd 0 (stdin) when zero-filled; test_fdpass_control_buffer.cpp plants an
 * eventfd in the padding and watches it arrive.
 * Size a buffer with CMSG_LEN and a second message after the first would start
 * off its alignment boundary.
 *
 * Why zero-filled: the padding bytes are handed to the kernel on send, and on
 * receive the kernel writes only msg_controllen bytes; zeros keep both ends
 * free of stack garbage, which also keeps Valgrind and MSan quiet.
 *
 * Why constexpr: glibc's CMSG_SPACE and CMSG_LEN expand to constant
 * expressions, so the sizes are fixed at compile time and checked by
 * static_assert below: no run-time arithmetic to get wrong.
 *
 * Why the receive buffer holds 253 descriptors: Linux refuses to send more
 * than SCM_MAX_FD (253) in one message (sendmsg() fails with EINVAL), so a
 * buffer for 253 takes any message a sender can make. A smaller one loses the
 * rest: the kernel closes what does not fit and sets MSG_CTRUNC (libuv 1.44
 * takes 64 and never looks at the flag). The buffer also has room for the two
 * other control messages the kernel adds on an AF_UNIX socket when the
 * program asked for them: credentials (SO_PASSCRED) and a pidfd
 * (SO_PASSPIDFD). With that, truncation is only ever the kernel's doing (a
 * full descriptor table under RLIMIT_NOFILE, a security module refusing a
 * file, or an SO_PASSSEC label longer than the room left), and the walker
 * always reports it. 1088 bytes on the stack, once per read.
 *
 * libuv: src/unix/stream.c uv__write (`union { char data[64]; struct cmsghdr alias; } scratch`),
 * uv__read (`char cmsg_space[CMSG_SPACE(UV__CMSG_FD_SIZE)]`, UV__CMSG_FD_COUNT = 64)
 *
 * Page: \docpage{fdpass-control-buffer}
 */
#pragma once

#include <sys/socket.h>

#include <cstddef>

namespace uvref::detail::fdpass {

// [docs:fdpass-control-buffer]
/** Bytes one control message carrying @p nfds descriptors occupies (buffer size). */
constexpr std::size_t control_space(std::size_t nfds) noexcept {
  // [docs:ex-control-space]
  return CMSG_SPACE(nfds * sizeof(int));
  // [/docs:ex-control-space]
}

/** The value of cmsg_len for a message carrying @p nfds descriptors (no trailing padding). */
constexpr std::size_t control_len(std::size_t nfds) noexcept {
  // [docs:ex-control-len]
  return CMSG_LEN(nfds * sizeof(int));
  // [/docs:ex-control-len]
}

/**
 * Room for one SCM_RIGHTS message with up to @p N descriptors (and @p Extra
 * bytes for other control messages), aligned for struct cmsghdr.
 * Value-initialise it (`ControlBuffer<1> control{};`) to zero-fill it.
 */
template <std::size_t N, std::size_t Extra = 0>
union ControlBuffer {
  unsigned char bytes[control_space(N) + Extra];  ///< what msg_control points at
  // [docs:ex-control-align]
  struct cmsghdr align;                           ///< never read: gives the union cmsghdr's alignment
  // [/docs:ex-control-align]
};
// [/docs:fdpass-control-buffer]

// [docs:fdpass-recv-buffer]
/** The most descriptors one message can carry: Linux's SCM_MAX_FD (a sender gets EINVAL beyond). */
constexpr std::size_t kMaxRecvFds = 253;

/** Room for what else the kernel may add: credentials (SO_PASSCRED), a pidfd (SO_PASSPIDFD). */
constexpr std::size_t kRecvExtraSpace = CMSG_SPACE(sizeof(struct ucred)) + control_space(1);

/** What recv_with_fds() hands recvmsg(): any message a sender can make fits whole. */
using RecvControlBuffer = ControlBuffer<kMaxRecvFds, kRecvExtraSpace>;
// [/docs:fdpass-recv-buffer]

// [docs:ex-control-asserts]
// The x86-64 numbers the docs quote: a 16-byte header, one 4-byte descriptor, 4 bytes of padding.
static_assert(sizeof(struct cmsghdr) == 16);
static_assert(control_space(1) == 24 && control_len(1) == 20);
static_assert(sizeof(ControlBuffer<1>) == 24 && alignof(ControlBuffer<1>) == alignof(struct cmsghdr));
static_assert(control_space(64) == 272);  // libuv 1.44's receive buffer (64 descriptors), measured
static_assert(control_space(kMaxRecvFds) == 1032 && kRecvExtraSpace == 32 + 24);
static_assert(sizeof(RecvControlBuffer) == 1088 && alignof(RecvControlBuffer) == alignof(struct cmsghdr));
// [/docs:ex-control-asserts]

}  // namespace uvref::detail::fdpass
