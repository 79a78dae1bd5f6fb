/**
 * @file control_buffer.h
 * @brief Step 1 of descriptor passing: the buffer that carries SCM_RIGHTS control messages.
 *
 * What it is: a zero-filled byte array with room for one control message
 * holding @p N descriptors, `CMSG_SPACE(N * sizeof(int))` bytes, wrapped in a
 * union with `struct cmsghdr`.
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
 * Room for one SCM_RIGHTS message with up to @p N descriptors, aligned for
 * struct cmsghdr. Value-initialise it (`ControlBuffer<1> control{};`) to
 * zero-fill it.
 */
template <std::size_t N>
union ControlBuffer {
  unsigned char bytes[control_space(N)];  ///< what msg_control points at
  // [docs:ex-control-align]
  struct cmsghdr align;                   ///< never read: gives the union cmsghdr's alignment
  // [/docs:ex-control-align]
};

/** How many descriptors one recvmsg() can take: 64, as libuv 1.44 (UV__CMSG_FD_COUNT). */
constexpr std::size_t kMaxRecvFds = 64;
// [/docs:fdpass-control-buffer]

// [docs:ex-control-asserts]
// The x86-64 numbers the docs quote: a 16-byte header, one 4-byte descriptor, 4 bytes of padding.
static_assert(sizeof(struct cmsghdr) == 16);
static_assert(control_space(1) == 24 && control_len(1) == 20);
static_assert(sizeof(ControlBuffer<1>) == 24 && alignof(ControlBuffer<1>) == alignof(struct cmsghdr));
static_assert(control_space(kMaxRecvFds) == 272);  // libuv 1.44's receive buffer, measured
// [/docs:ex-control-asserts]

}  // namespace uvref::detail::fdpass
