/**
 * @file tty_mode.cpp
 * @brief uv_tty_set_mode() and uv_tty_reset_mode(): the terminal's line discipline settings.
 *
 * A terminal's kernel driver edits lines (canonical mode), echoes, and
 * turns ^C into SIGINT before a program sees a byte. The three modes:
 *
 *  - NORMAL: the settings the terminal had before the first change;
 *  - RAW: byte-at-a-time input (no ICANON, VMIN 1, VTIME 0), no echo, no
 *    signal keys (ISIG), no ^S/^Q flow control (IXON), no CR-to-NL (ICRNL);
 *    output still turns "\n" into "\r\n" (ONLCR);
 *  - IO: cfmakeraw(3): raw in both directions, for binary data.
 *
 * `tcgetattr()` saves the settings on the first change away from NORMAL,
 * in the handle and, once per process, in a global copy that
 * uv_tty_reset_mode() restores: a program calls it on exit or from a
 * signal handler, so it is async-signal-safe (a spin flag, no mutex;
 * UV_EBUSY if a uv_tty_set_mode() on another thread holds it). Settings go
 * in with `tcsetattr(TCSADRAIN)`: after the output already written has
 * been sent. Both calls are repeated on EINTR.
 *
 * libuv: src/unix/tty.c uv_tty_set_mode, uv_tty_reset_mode, uv__tcsetattr, uv__tty_make_raw
 *
 * Page: \docpage{tty}
 */
#include <atomic>
#include <cerrno>

#include "stream/stream.h"
#include "sys/sys.h"

namespace {

/** The first terminal whose settings this process changed, and those settings. */
int orig_termios_fd = -1;
struct termios orig_termios;
/** Guards the two above; a flag, not a mutex, so that uv_tty_reset_mode() may run in a signal handler. */
std::atomic_flag termios_lock = ATOMIC_FLAG_INIT;

int tcsetattr_retry(int fd, int how, const struct termios* t) noexcept {
  int r;
  do {
    r = uvref::sys::tcsetattr(fd, how, t);
  } while (r == -EINTR);
  return r;
}

}  // namespace

// [docs:tty-set-mode]
int uv_tty_set_mode(uv_tty_t* tty, uv_tty_mode_t mode) {
  if (tty->mode == static_cast<int>(mode)) return 0;
  int fd = uvref::detail::stream_fd(reinterpret_cast<uv_stream_t*>(tty));
  if (tty->mode == UV_TTY_MODE_NORMAL && mode != UV_TTY_MODE_NORMAL) {
    int r;
    do {
      r = uvref::sys::tcgetattr(fd, &tty->orig_termios);
    } while (r == -EINTR);
    if (r < 0) return r;
    while (termios_lock.test_and_set(std::memory_order_acquire)) {
    }
    if (orig_termios_fd == -1) {  // the process's first change: what uv_tty_reset_mode() restores
      orig_termios = tty->orig_termios;
      orig_termios_fd = fd;
    }
    termios_lock.clear(std::memory_order_release);
  }

  struct termios t = tty->orig_termios;
  switch (mode) {
    case UV_TTY_MODE_NORMAL:
      break;
    case UV_TTY_MODE_RAW:
      t.c_iflag &= ~(BRKINT | ICRNL | INPCK | ISTRIP | IXON);
      t.c_oflag |= ONLCR;
      t.c_cflag |= CS8;
      t.c_lflag &= ~(ECHO | ICANON | IEXTEN | ISIG);
      t.c_cc[VMIN] = 1;
      t.c_cc[VTIME] = 0;
      break;
    case UV_TTY_MODE_IO:
      cfmakeraw(&t);
      break;
  }
  int r = tcsetattr_retry(fd, TCSADRAIN, &t);
  if (r == 0) tty->mode = mode;
  return r;
}
// [/docs:tty-set-mode]

int uv_tty_reset_mode(void) {
  int saved_errno = errno;  // a signal handler must not change errno
  if (termios_lock.test_and_set(std::memory_order_acquire)) return UV_EBUSY;
  int r = 0;
  if (orig_termios_fd != -1) r = tcsetattr_retry(orig_termios_fd, TCSANOW, &orig_termios);
  termios_lock.clear(std::memory_order_release);
  errno = saved_errno;
  return r;
}
