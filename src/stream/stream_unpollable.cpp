/**
 * @file stream_unpollable.cpp
 * @brief A stream over a descriptor epoll cannot watch: a regular file, a directory, /dev/null.
 *
 * epoll refuses such descriptors (epoll_ctl(EPOLL_CTL_ADD) fails with EPERM):
 * the kernel has no readiness to report, because a read or write on them
 * never waits. libuv 1.44 still lets uv_pipe_open() and uv_accept() adopt
 * them, and a program like the guide's `tee` relies on it to write to a file
 * through a uv_pipe_t. Its writes complete at once, so no epoll is needed;
 * but anything that does need epoll (uv_read_start(), a write that could not
 * finish) aborts libuv at the next poll.
 *
 * uvref adopts the same descriptors and decides at adoption whether epoll
 * can watch them. When the caller knows the file type (uv_accept() on an IPC
 * pipe does: uv_pipe_pending_type() needed an fstat() anyway), a socket or a
 * FIFO settles it: both always can be watched, so no syscall is spent. Any
 * other kind is put to epoll itself, by adding the descriptor and removing it
 * again (two epoll_ctl() calls; one when refused): the type alone cannot
 * tell, because some regular files can be watched (procfs and sysfs files
 * such as /proc/self/mounts, whose readiness reports a change). A refusal
 * marks the stream kUnpollable, and then:
 *  - writes are made in full at once, the way blocking writes are
 *    (write_queue.cpp), and a write queued behind another is driven from the
 *    pending phase instead of POLLOUT (uv_write.cpp);
 *  - uv_read_start() returns UV_EPERM, the answer epoll gave, instead of
 *    registering a watcher that can never fire (the loop would wait for ever).
 *
 * uv_pipe_open() and uv_accept() on an IPC pipe both adopt through
 * stream_open_checked(), so a file opened directly and a file received from
 * another process behave the same.
 *
 * libuv: src/unix/pipe.c uv_pipe_open; src/unix/stream.c uv__stream_open, uv_accept
 *
 * Page: \docpage{stream-unpollable}
 */
#include <sys/epoll.h>
#include <sys/stat.h>

#include "stream/stream.h"
#include "sys/sys.h"

namespace uvref::detail {
namespace {

// [docs:can-poll]
/** Asks epoll itself whether it can wait on @p fd: add it, then remove it again. */
int can_poll(const uv_loop_t* loop, int fd) noexcept {
  epoll_event e{};
  int r = sys::epoll_ctl(loop->backend_fd, EPOLL_CTL_ADD, fd, &e);
  if (r == -EEXIST) return 0;  // in the set already (a stopped watcher's removal is still queued): pollable
  if (r < 0) return r;         // -EPERM: regular file, directory, /dev/null...
  sys::epoll_ctl(loop->backend_fd, EPOLL_CTL_DEL, fd, &e);
  return 0;
}
// [/docs:can-poll]

}  // namespace

// [docs:open-checked]
int stream_open_checked(uv_stream_t* stream, int fd, unsigned flags, unsigned mode) noexcept {
  // A socket or a FIFO can always be watched; epoll is asked about the rest.
  int r = (S_ISSOCK(mode) || S_ISFIFO(mode)) ? 0 : can_poll(stream->loop, fd);
  if (r == UV_EPERM) {
    flags |= kUnpollable;
  } else if (r < 0) {
    return r;
  }
  return stream_open(stream, fd, flags);
}
// [/docs:open-checked]

}  // namespace uvref::detail
