/**
 * @file cmsg_walk.cpp
 * @brief Step 5 of descriptor passing: walk the received control messages and take every descriptor.
 *
 * What it does: steps through msg_control with CMSG_FIRSTHDR / CMSG_NXTHDR,
 * checks each header before reading it, and routes what it finds:
 *  - SOL_SOCKET / SCM_RIGHTS: each descriptor goes to the sink (the pending
 *    queue of step 6); if the sink cannot take one, it is closed;
 *  - SOL_SOCKET / SCM_PIDFD (Linux 6.5, sent when the receiver set
 *    SO_PASSPIDFD): a descriptor nobody asked for here, closed;
 *  - anything else (SCM_CREDENTIALS, SCM_SECURITY...): data, no descriptor,
 *    skipped and counted.
 * Then it looks at msg_flags: MSG_CTRUNC means the control buffer (or the
 * descriptor table: RLIMIT_NOFILE) could not hold everything. The kernel has
 * already closed the descriptors that did not fit; those that did are queued
 * as usual and the walk reports UV_EMSGSIZE, which the stream passes to
 * read_cb. libuv has never checked MSG_CTRUNC: 70 descriptors sent in one
 * message arrive as 64 pending handles and no error.
 *
 * Why check lengths that the kernel wrote: CMSG_FIRSTHDR only checks that a
 * header fits, not that the header's cmsg_len does; the walker is also run on
 * hand-built buffers in the tests. A header is well-formed when
 * CMSG_LEN(0) <= cmsg_len <= the bytes left in the buffer. A payload of
 * descriptors (SCM_RIGHTS, SCM_PIDFD) must also be whole ints and
 * non-negative numbers, checked before any of them is used. A malformed
 * buffer did not come from the kernel, so the walk stops with UV_EPROTO and
 * closes nothing it cannot trust: closing a number read from garbage could
 * close a descriptor the process uses for something else.
 *
 * Why take everything: a received descriptor is a new entry in this
 * process's table. Whatever is not handed on must be closed here, or it
 * leaks until the process exits.
 *
 * libuv: src/unix/stream.c uv__stream_recv_cmsg, uv__stream_queue_fd
 *
 * Page: \docpage{fdpass-cmsg-walk}
 */
#include <cstring>

#include "fdpass/steps.h"
#include "sys/sys.h"

namespace uvref::detail::fdpass {

namespace {

#ifdef SCM_PIDFD
constexpr int kScmPidfd = SCM_PIDFD;
#else
constexpr int kScmPidfd = 0x04;  // Linux 6.5; glibc 2.36's headers predate it
#endif

/** Bytes of payload after the header. */
std::size_t payload_len(const struct cmsghdr* c) noexcept { return c->cmsg_len - CMSG_LEN(0); }

/** True if every slot of a descriptor payload (SCM_RIGHTS, SCM_PIDFD) holds a plausible number. */
bool fds_well_formed(const struct cmsghdr* c) noexcept {
  if (payload_len(c) % sizeof(int) != 0) return false;
  for (int i = 0; i < cmsg_fd_count(c); i++) {
    if (cmsg_fd(c, i) < 0) return false;
  }
  return true;
}

void close_all(const struct cmsghdr* c, CmsgWalk* w) noexcept {
  for (int i = 0; i < cmsg_fd_count(c); i++) {
    sys::close_fd(cmsg_fd(c, i));
    w->closed++;
  }
}

}  // namespace

// [docs:fdpass-cmsg-next]
struct cmsghdr* next_cmsg(const struct msghdr* msg, struct cmsghdr* prev, bool* malformed) noexcept {
  auto* m = const_cast<struct msghdr*>(msg);  // the CMSG_ macros take non-const pointers
  struct cmsghdr* c = prev == nullptr ? CMSG_FIRSTHDR(m) : CMSG_NXTHDR(m, prev);
  if (c == nullptr) return nullptr;  // no room left for another header: the end

  auto* end = static_cast<unsigned char*>(msg->msg_control) + msg->msg_controllen;
  auto left = static_cast<std::size_t>(end - reinterpret_cast<unsigned char*>(c));
  if (c->cmsg_len < CMSG_LEN(0) || c->cmsg_len > left) {
    *malformed = true;  // a length we cannot trust: stop here
    return nullptr;
  }
  return c;
}

int cmsg_fd_count(const struct cmsghdr* c) noexcept {
  return static_cast<int>(payload_len(c) / sizeof(int));
}

int cmsg_fd(const struct cmsghdr* c, int i) noexcept {
  int fd;
  std::memcpy(&fd, CMSG_DATA(c) + static_cast<std::size_t>(i) * sizeof(int), sizeof fd);
  return fd;
}
// [/docs:fdpass-cmsg-next]

// [docs:fdpass-cmsg-walk]
CmsgWalk walk_cmsgs(const struct msghdr* msg, FdSink sink) noexcept {
  // [docs:ex-walk-cmsgs]
  CmsgWalk w;
  bool malformed = false;
  for (struct cmsghdr* c = next_cmsg(msg, nullptr, &malformed); c != nullptr;
       c = next_cmsg(msg, c, &malformed)) {
    if (c->cmsg_level != SOL_SOCKET) {
      w.ignored++;
      continue;
    }
    if (c->cmsg_type != SCM_RIGHTS && c->cmsg_type != kScmPidfd) {
      w.ignored++;  // credentials and the like: data, not descriptors
      continue;
    }
    if (!fds_well_formed(c)) {  // nothing in it can be trusted: close none of it
      malformed = true;
      break;
    }
    if (c->cmsg_type == SCM_RIGHTS) {
      for (int i = 0; i < cmsg_fd_count(c); i++) {
        int fd = cmsg_fd(c, i);
        int r = sink.take(sink.ctx, fd);
        if (r == 0) {
          w.taken++;
          continue;
        }
        sys::close_fd(fd);  // the sink could not keep it: do not leak it
        w.closed++;
        if (w.error == 0) w.error = r;
      }
    } else {
      close_all(c, &w);  // SCM_PIDFD: a descriptor nobody here asked for
    }
  }
  if (malformed && w.error == 0) w.error = UV_EPROTO;
  // The kernel closed what did not fit; say so instead of losing it silently.
  if ((msg->msg_flags & MSG_CTRUNC) && w.error == 0) w.error = UV_EMSGSIZE;
  return w;
  // [/docs:ex-walk-cmsgs]
}
// [/docs:fdpass-cmsg-walk]

}  // namespace uvref::detail::fdpass
