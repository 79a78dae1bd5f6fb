/**
 * @file tty_winsize.cpp
 * @brief uv_tty_get_winsize(): the terminal's size; and the Windows-only virtual-terminal switches.
 *
 * `ioctl(fd, TIOCGWINSZ)` reads the size the terminal emulator last set
 * (it sends SIGWINCH when it changes), repeated on EINTR. A descriptor that
 * is not a terminal gives UV_ENOTTY. The vterm functions concern Windows
 * consoles: on Unix one does nothing, the other answers UV_ENOTSUP.
 *
 * libuv: src/unix/tty.c uv_tty_get_winsize, uv_tty_set_vterm_state, uv_tty_get_vterm_state
 *
 * Page: \docpage{tty}
 */
#include "stream/stream.h"
#include "sys/sys.h"

// [docs:tty-winsize]
int uv_tty_get_winsize(uv_tty_t* tty, int* width, int* height) {
  struct winsize ws;
  int r;
  do {
    r = uvref::sys::get_winsize(uvref::detail::stream_fd(reinterpret_cast<uv_stream_t*>(tty)), &ws);
  } while (r == -EINTR);
  if (r < 0) return r;
  *width = ws.ws_col;
  *height = ws.ws_row;
  return 0;
}
// [/docs:tty-winsize]

void uv_tty_set_vterm_state(uv_tty_vtermstate_t /*state*/) {}

int uv_tty_get_vterm_state(uv_tty_vtermstate_t* /*state*/) { return UV_ENOTSUP; }
