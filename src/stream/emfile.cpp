/**
 * @file emfile.cpp
 * @brief Accepting under descriptor exhaustion: the reserve descriptor and the EMFILE trick.
 *
 * When a process has as many descriptors open as RLIMIT_NOFILE allows,
 * accept() fails with EMFILE, but the connection stays in the listen backlog.
 * The socket stays readable, so a level-triggered loop would wake, fail, and
 * wake again, forever, while the client waits for an answer that never comes.
 *
 * libuv's way out: keep one descriptor in reserve (loop->emfile_fd, an
 * open("/dev/null") made at the loop's first stream init, before any
 * shortage). On EMFILE, close the reserve, which frees exactly one slot;
 * accept and immediately close every pending connection (each client sees
 * its connection closed: EOF or ECONNRESET, instead of hanging); then open
 * the reserve again. The server is overloaded, and says so, but keeps going.
 *
 * The trick is best effort: the descriptor table is per process, so another
 * thread may take the freed slot between close() and accept(). Then the
 * accept fails with EMFILE again and the error goes to connection_cb.
 *
 * Syscalls: open(O_RDONLY | O_CLOEXEC), close, accept4.
 *
 * libuv: src/unix/stream.c uv__emfile_trick, uv__stream_init (the lazy open)
 *
 * Page: \docpage{emfile}
 */
#include <fcntl.h>

#include "stream/stream.h"
#include "sys/sys.h"

namespace uvref::detail {
namespace {

/** A descriptor that costs nothing to hold: /dev/null, or "/" where /dev is not mounted. */
int open_reserve() noexcept {
  int fd = sys::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (fd < 0) fd = sys::open("/", O_RDONLY | O_CLOEXEC);
  return fd;
}

}  // namespace

void emfile_reserve_open(uv_loop_t* loop) noexcept {
  if (loop->emfile_fd != -1) return;
  int fd = open_reserve();
  if (fd >= 0) loop->emfile_fd = fd;  // without one, EMFILE simply reaches connection_cb
}

// [docs:emfile-trick]
int emfile_trick(uv_loop_t* loop, int accept_fd) noexcept {
  if (loop->emfile_fd == -1) return UV_EMFILE;  // no reserve to give up

  sys::close_fd(loop->emfile_fd);  // one slot free now
  loop->emfile_fd = -1;

  int err;
  do {
    err = accept_nonblocking(accept_fd);
    if (err >= 0) sys::close_fd(err);  // shed the connection: the client sees it closed
  } while (err >= 0);                   // until the backlog is empty (EAGAIN) or another error

  int fd = open_reserve();  // take the slot back for next time
  if (fd >= 0) loop->emfile_fd = fd;
  return err;
}
// [/docs:emfile-trick]

}  // namespace uvref::detail
