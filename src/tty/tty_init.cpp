/**
 * @file tty_init.cpp
 * @brief uv_tty_init(): a terminal descriptor as a stream, reopened so that O_NONBLOCK stays ours.
 *
 * A stream needs a non-blocking descriptor, but O_NONBLOCK belongs to the
 * open file description, which a terminal's descriptors 0, 1 and 2 share
 * with the shell and every other program in the pipeline: `prog | cat`
 * with prog setting O_NONBLOCK on its stdout... on a terminal it would make
 * the shell's reads fail with EAGAIN. So, as libuv does, a terminal slave is
 * reopened by name: `ttyname_r(fd)` gives "/dev/pts/N", `open(name,
 * mode | O_NOCTTY | O_CLOEXEC)` makes a new open file description of the
 * same terminal, and `dup3(newfd, fd, O_CLOEXEC)` puts it under the
 * caller's number too. The handle uses the new descriptor; O_NONBLOCK on it
 * changes nobody else's. A pty master (where TIOCGPTN succeeds) cannot be
 * reopened (opening /dev/ptmx makes a new pair), and a reopen can fail: the
 * descriptor is then used as it is, blocking, and writes block (the
 * handle's "blocking writes" flag).
 *
 * Descriptors that are not terminals: pipes and sockets are accepted as
 * they are; a regular file or an unknown kind is UV_EINVAL (epoll cannot
 * watch it).
 *
 * libuv: src/unix/tty.c uv_tty_init, uv__tty_is_slave
 *
 * Page: \docpage{tty}
 */
#include <climits>

#include "stream/stream.h"
#include "sys/sys.h"

namespace uvref::detail {
namespace {

/** A pty master answers TIOCGPTN (its pair's number); a slave, or a real terminal, does not. */
bool tty_is_slave(int fd) noexcept {
  int number;
  return sys::ioctl(fd, TIOCGPTN, &number) != 0;
}

// [docs:tty-reopen]
/** The terminal reopened by name, with the access mode of @p fd; -1 if that is not possible. */
int tty_reopen(int fd, int mode) noexcept {
  char path[256];
  if (!tty_is_slave(fd) || sys::ttyname(fd, path, sizeof path) != 0) return -1;
  return sys::open(path, mode | O_NOCTTY | O_CLOEXEC);
}
// [/docs:tty-reopen]

}  // namespace
}  // namespace uvref::detail

using namespace uvref::detail;

// [docs:tty-init]
int uv_tty_init(uv_loop_t* loop, uv_tty_t* tty, uv_file fd, int /*readable: deprecated*/) {
  if (loop == nullptr || tty == nullptr) return UV_EINVAL;
  uv_handle_type type = uv_guess_handle(fd);
  if (type == UV_FILE || type == UV_UNKNOWN_HANDLE) return UV_EINVAL;

  int saved_flags;
  do {
    saved_flags = uvref::sys::fcntl(fd, F_GETFL);
  } while (saved_flags == -EINTR);
  if (saved_flags < 0) return saved_flags;
  int mode = saved_flags & O_ACCMODE;

  unsigned flags = 0;
  if (type == UV_TTY) {
    int newfd = tty_reopen(fd, mode);
    if (newfd < 0) {
      if (mode != O_RDONLY) flags |= kBlockingWrites;  // shared description: stay blocking
    } else {
      int r = uvref::sys::dup3(newfd, fd, O_CLOEXEC);
      if (r < 0 && r != UV_EINVAL) {  // EINVAL: newfd == fd (another thread closed fd meanwhile)
        uvref::sys::close_fd(newfd);
        return r;
      }
      fd = newfd;
    }
  }

  auto* stream = reinterpret_cast<uv_stream_t*>(tty);
  stream_init(loop, stream, UV_TTY);
  if (!(flags & kBlockingWrites)) uvref::sys::set_nonblock(fd, true);
  if (mode != O_WRONLY) flags |= kReadable;
  if (mode != O_RDONLY) flags |= kWritable;
  stream_open(stream, fd, flags);
  tty->mode = UV_TTY_MODE_NORMAL;
  return 0;
}
// [/docs:tty-init]
