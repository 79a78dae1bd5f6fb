/**
 * @file recvmsg.cpp
 * @brief Step 4 of descriptor passing: recvmsg() so that every received descriptor is close-on-exec.
 *
 * What it does: `recvmsg(sock, msg, MSG_CMSG_CLOEXEC)`, retrying EINTR. If
 * the kernel answers EINVAL, it calls `recvmsg(sock, msg, 0)` and then sets
 * FD_CLOEXEC with fcntl(F_SETFD) on each descriptor that arrived.
 *
 * Why close-on-exec: the receiving process did not open these descriptors
 * and its other threads may fork and exec at any moment; without the flag a
 * child program would inherit them (and, for a pipe's write end, keep the
 * reader from ever seeing end of stream). MSG_CMSG_CLOEXEC (Linux 2.6.23)
 * makes the kernel install them with the flag atomically, like O_CLOEXEC for
 * open(). The fallback has a window between recvmsg() and fcntl() in which an
 * exec in another thread leaks them: that is the reason the flag exists, and
 * why the fallback is only a fallback.
 *
 * When the fallback runs: a kernel that does not know the flag rejects the
 * call with EINVAL before it reads anything, so retrying without the flag
 * loses nothing. Linux has known it since 2.6.23, so tests reach the fallback
 * through the syscall seam: fault::Rule{.call = Call::recvmsg, .error = EINVAL}.
 * Older libuv had the same fallback; libuv 1.44.2 on Linux passes the flag
 * and reports the EINVAL.
 *
 * libuv: src/unix/core.c uv__recvmsg
 *
 * Page: \docpage{fdpass-recvmsg}
 */
#include "fdpass/steps.h"
#include "sys/sys.h"

namespace uvref::detail::fdpass {

namespace {

ssize_t recvmsg_retry(int sock, struct msghdr* msg, int flags) noexcept {
  ssize_t n;
  do {
    n = sys::recvmsg(sock, msg, flags);
  } while (n == -EINTR);
  return n;
}

}  // namespace

// [docs:fdpass-recvmsg]
ssize_t recvmsg_cloexec(int sock, struct msghdr* msg) noexcept {
  // [docs:ex-recvmsg-cloexec]
  ssize_t n = recvmsg_retry(sock, msg, MSG_CMSG_CLOEXEC);
  if (n != -EINVAL) return n;

  // The kernel refused the flag before reading anything: read plainly...
  n = recvmsg_retry(sock, msg, 0);
  if (n < 0) return n;

  // ...and mark each received descriptor ourselves (step 5 validates the headers).
  bool malformed = false;
  for (struct cmsghdr* c = next_cmsg(msg, nullptr, &malformed); c != nullptr;
       c = next_cmsg(msg, c, &malformed)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    for (int i = 0; i < cmsg_fd_count(c); i++) sys::set_cloexec(cmsg_fd(c, i), true);
  }
  return n;
  // [/docs:ex-recvmsg-cloexec]
}
// [/docs:fdpass-recvmsg]

}  // namespace uvref::detail::fdpass
