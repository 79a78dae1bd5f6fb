/**
 * @file send.cpp
 * @brief Step 3 of descriptor passing: sendmsg() with one descriptor attached, or several.
 *
 * What it does: packs @p fd into a 24-byte ControlBuffer<1> (step 2) and
 * calls `sendmsg(sock, &msg, MSG_NOSIGNAL)`, retrying while it is
 * interrupted (EINTR). send_with_fds() does the same with up to 253
 * descriptors in one control message (ControlBuffer<kMaxSendFds>), for the
 * write queue's batches of queued uv_write2() requests (write_batch.cpp).
 *
 * What the result means to the write queue (src/stream/):
 *  - n >= 0: the kernel took n bytes *and the descriptor*. The descriptor is
 *    attached to the first byte sent; if n is short of the request, the rest
 *    goes out later with plain writes and the descriptor is not sent again
 *    (libuv clears req->send_handle after any write of >= 0 bytes).
 *  - UV_EAGAIN (or UV_ENOBUFS): nothing went, descriptor included; the
 *    request stays queued and the stream waits for POLLOUT to try again.
 *  - another error: the request fails with it.
 *
 * Why MSG_NOSIGNAL: a send to a socket whose peer has gone raises SIGPIPE,
 * which kills a process that does not ignore it. With the flag the call
 * returns EPIPE instead, an error the write callback can report. libuv
 * 1.44.2 passes flags 0 here and leaves SIGPIPE to the application.
 *
 * Why the sender may close its descriptor right after: sendmsg() takes a
 * reference to the open file description for the message in flight; the
 * file stays open until the receiver takes it or the message is destroyed.
 *
 * libuv: src/unix/stream.c uv__write (sendmsg branch), uv__try_write
 *
 * Page: \docpage{fdpass-sendmsg}
 */
#include "fdpass/fdpass.h"
#include "fdpass/steps.h"
#include "sys/sys.h"

namespace uvref::detail::fdpass {

static_assert(kMaxSendFds == kMaxRecvFds, "SCM_MAX_FD both ways");

// [docs:fdpass-sendmsg]
ssize_t send_with_fd(int sock, const struct iovec* iov, int iovcnt, int fd) noexcept {
  // [docs:ex-send-with-fd]
  ControlBuffer<1> control{};  // zero-filled, aligned, 24 bytes
  struct msghdr msg;
  int r = pack_rights(&msg, iov, iovcnt, control.bytes, std::span<const int>(&fd, 1));
  if (r < 0) return r;

  ssize_t n;
  do {
    n = sys::sendmsg(sock, &msg, MSG_NOSIGNAL);
  } while (n == -EINTR);  // interrupted before anything was sent: try again
  return n;
  // [/docs:ex-send-with-fd]
}
// [/docs:fdpass-sendmsg]

// [docs:fdpass-sendmsg-many]
ssize_t send_with_fds(int sock, const struct iovec* iov, int iovcnt, std::span<const int> fds) noexcept {
  ControlBuffer<kMaxSendFds> control{};  // room for the most one message can carry: 1032 bytes
  struct msghdr msg;
  int r = pack_rights(&msg, iov, iovcnt, control.bytes, fds);  // UV_ENOBUFS beyond 253
  if (r < 0) return r;

  ssize_t n;
  do {
    n = sys::sendmsg(sock, &msg, MSG_NOSIGNAL);
  } while (n == -EINTR);
  return n;  // >= 0: every descriptor went with the first byte
}
// [/docs:fdpass-sendmsg-many]

}  // namespace uvref::detail::fdpass
