/**
 * @file pack.cpp
 * @brief Step 2 of descriptor passing: one SCM_RIGHTS control message, and the byte that carries it.
 *
 * What it does: fills a `struct msghdr` for sendmsg(2): the data bytes in
 * msg_iov, and in msg_control a single control message with
 * cmsg_level = SOL_SOCKET, cmsg_type = SCM_RIGHTS, cmsg_len = CMSG_LEN(n * 4)
 * and the n descriptor numbers as its payload. msg_controllen is
 * CMSG_SPACE(n * 4) (see control_buffer.h for why the two differ).
 *
 * Why at least one byte of data: on a stream socket the descriptors ride on
 * the bytes. Linux's unix_stream_sendmsg() loops "while bytes remain", so a
 * sendmsg() with zero data bytes returns 0 and sends nothing, descriptors
 * included, without an error: the descriptor is silently dropped (libuv
 * 1.44.2's uv_write2 with an empty buffer does exactly that). And if a
 * zero-length message could arrive, recvmsg() would return 0 for it, which a
 * reader takes for end of stream. So uvref refuses to pack descriptors
 * without data (UV_EINVAL) rather than lose them.
 *
 * Why memcpy into CMSG_DATA: the payload pointer is an `unsigned char*` that
 * cmsg(3) warns may not be aligned for an int; memcpy is the portable way.
 *
 * libuv: src/unix/stream.c uv__write (the `if (req->send_handle)` branch)
 *
 * Page: \docpage{fdpass-pack}
 */
#include <cstring>

#include "fdpass/steps.h"

namespace uvref::detail::fdpass {

// [docs:fdpass-pack]
int pack_rights(struct msghdr* msg, const struct iovec* iov, int iovcnt,
                std::span<unsigned char> control, std::span<const int> fds) noexcept {
  // [docs:ex-pack-rights]
  std::size_t data_bytes = 0;
  for (int i = 0; i < iovcnt; i++) data_bytes += iov[i].iov_len;
  if (fds.empty() || data_bytes == 0) return UV_EINVAL;  // descriptors need a byte to ride on
  if (control.size() < control_space(fds.size())) return UV_ENOBUFS;

  *msg = {};
  msg->msg_iov = const_cast<struct iovec*>(iov);  // sendmsg() does not write through it
  msg->msg_iovlen = static_cast<std::size_t>(iovcnt);
  msg->msg_control = control.data();
  msg->msg_controllen = control_space(fds.size());

  struct cmsghdr* cmsg = CMSG_FIRSTHDR(msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = control_len(fds.size());  // header + payload, no trailing padding
  std::memcpy(CMSG_DATA(cmsg), fds.data(), fds.size_bytes());
  return 0;
  // [/docs:ex-pack-rights]
}
// [/docs:fdpass-pack]

}  // namespace uvref::detail::fdpass
