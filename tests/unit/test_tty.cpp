// uv_tty_t over a pseudo-terminal (openpty): reopening, the modes, the size,
// reads and writes through the stream code. Without a pty the cases skip
// and say why.
#include <fcntl.h>
#include <pty.h>
#include <sys/ioctl.h>
#include <termios.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "support/test_support.h"
#include "test_fs_support.h"
#include "test_pty.h"

using uvref::test::as_handle;
using uvref::test::as_stream;
using uvref::test::Pty;
using uvref::test::ScratchPath;
using uvref::test::TestLoop;

namespace {

int handle_fd(uv_tty_t* tty) {
  uv_os_fd_t fd = -1;
  REQUIRE(uv_fileno(as_handle(tty), &fd) == 0);
  return fd;
}

}  // namespace

TEST_CASE("uv_tty_init reopens a pty slave by name: O_NONBLOCK stays off the shared description", "[tty]") {
  Pty pty;
  if (!pty.ok()) return;
  int other = dup(pty.slave);  // another holder of the original open file description
  REQUIRE(other >= 0);
  uv_tty_t tty;
  TestLoop loop;
  REQUIRE(uv_tty_init(loop, &tty, pty.slave, 0) == 0);
  CHECK(tty.type == UV_TTY);
  CHECK(tty.mode == UV_TTY_MODE_NORMAL);
  int fd = handle_fd(&tty);
  CHECK(fd != pty.slave);                                 // the reopened descriptor
  CHECK((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
  CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
  CHECK((fcntl(other, F_GETFL) & O_NONBLOCK) == 0);       // the old description: untouched
  CHECK((fcntl(pty.slave, F_GETFD) & FD_CLOEXEC) != 0);   // dup3(newfd, fd, O_CLOEXEC), as libuv
  CHECK(uv_is_readable(as_stream(&tty)) == 1);
  CHECK(uv_is_writable(as_stream(&tty)) == 1);
  CHECK(uv_guess_handle(fd) == UV_TTY);
  uv_close(as_handle(&tty), nullptr);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(fcntl(fd, F_GETFD) == -1);  // the handle's own descriptor is closed...
  CHECK(fcntl(pty.slave, F_GETFD) >= 0);  // ...the caller's number stays open
  close(other);
}

TEST_CASE("uv_tty_init on a pty master uses the descriptor as it is, with blocking writes", "[tty]") {
  Pty pty;
  if (!pty.ok()) return;
  uv_tty_t tty;
  TestLoop loop;
  REQUIRE(uv_tty_init(loop, &tty, pty.master, 1) == 0);
  CHECK(handle_fd(&tty) == pty.master);                 // TIOCGPTN answered: a master, not reopened
  CHECK((fcntl(pty.master, F_GETFL) & O_NONBLOCK) == 0);  // blocking writes: left blocking
  uv_close(as_handle(&tty), nullptr);
  uv_run(loop, UV_RUN_DEFAULT);
  pty.master = -1;  // closed with the handle (it is > 2)
}

TEST_CASE("uv_tty_init refuses files, accepts pipes without reopening them", "[tty]") {
  TestLoop loop;
  uv_tty_t tty;
  ScratchPath path;
  path.write("x");
  int file = open(path.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(file >= 0);
  CHECK(uv_tty_init(loop, &tty, file, 0) == UV_EINVAL);  // epoll cannot watch a file
  close(file);
  CHECK(uv_tty_init(loop, &tty, -1, 0) == UV_EINVAL);
  int p[2];
  REQUIRE(pipe2(p, O_CLOEXEC) == 0);
  REQUIRE(uv_tty_init(loop, &tty, p[1], 0) == 0);
  CHECK(handle_fd(&tty) == p[1]);
  CHECK(uv_is_readable(as_stream(&tty)) == 0);  // O_WRONLY end
  CHECK(uv_is_writable(as_stream(&tty)) == 1);
  int w, h;
  CHECK(uv_tty_get_winsize(&tty, &w, &h) == UV_ENOTTY);
  CHECK(uv_tty_set_mode(&tty, UV_TTY_MODE_RAW) == UV_ENOTTY);
  CHECK(tty.mode == UV_TTY_MODE_NORMAL);
  uv_close(as_handle(&tty), nullptr);
  uv_run(loop, UV_RUN_DEFAULT);
  close(p[0]);
}

TEST_CASE("uv_tty_set_mode: raw, io and back to normal; uv_tty_reset_mode restores", "[tty]") {
  Pty pty;
  if (!pty.ok()) return;
  struct termios before;
  REQUIRE(tcgetattr(pty.slave, &before) == 0);
  REQUIRE((before.c_lflag & (ICANON | ECHO)) == (ICANON | ECHO));
  uv_tty_t tty;
  TestLoop loop;
  REQUIRE(uv_tty_init(loop, &tty, pty.slave, 0) == 0);

  CHECK(uv_tty_set_mode(&tty, UV_TTY_MODE_RAW) == 0);
  struct termios now;
  REQUIRE(tcgetattr(pty.slave, &now) == 0);
  CHECK((now.c_lflag & (ICANON | ECHO | ISIG | IEXTEN)) == 0);
  CHECK((now.c_iflag & (ICRNL | IXON)) == 0);
  CHECK((now.c_oflag & OPOST) != 0);  // raw keeps output processing
  CHECK(now.c_cc[VMIN] == 1);
  CHECK(tty.mode == UV_TTY_MODE_RAW);

  CHECK(uv_tty_set_mode(&tty, UV_TTY_MODE_IO) == 0);
  REQUIRE(tcgetattr(pty.slave, &now) == 0);
  CHECK((now.c_oflag & OPOST) == 0);  // cfmakeraw: no output processing either

  CHECK(uv_tty_set_mode(&tty, UV_TTY_MODE_NORMAL) == 0);
  REQUIRE(tcgetattr(pty.slave, &now) == 0);
  CHECK(now.c_lflag == before.c_lflag);
  CHECK(now.c_iflag == before.c_iflag);

  CHECK(uv_tty_set_mode(&tty, UV_TTY_MODE_RAW) == 0);
  CHECK(uv_tty_reset_mode() == 0);
  REQUIRE(tcgetattr(pty.slave, &now) == 0);
  CHECK(now.c_lflag == before.c_lflag);
  uv_close(as_handle(&tty), nullptr);
}

TEST_CASE("uv_tty_get_winsize reports the size the terminal was given", "[tty]") {
  Pty pty;
  if (!pty.ok()) return;
  struct winsize ws {};
  ws.ws_col = 132;
  ws.ws_row = 43;
  REQUIRE(ioctl(pty.master, TIOCSWINSZ, &ws) == 0);
  uv_tty_t tty;
  TestLoop loop;
  REQUIRE(uv_tty_init(loop, &tty, pty.slave, 0) == 0);
  int width = 0, height = 0;
  CHECK(uv_tty_get_winsize(&tty, &width, &height) == 0);
  CHECK(width == 132);
  CHECK(height == 43);
  uv_tty_vtermstate_t state;
  CHECK(uv_tty_get_vterm_state(&state) == UV_ENOTSUP);
  uv_tty_set_vterm_state(UV_TTY_SUPPORTED);  // does nothing on Unix
  uv_close(as_handle(&tty), nullptr);
}

TEST_CASE("a tty is a stream: uv_write reaches the master, typed input reaches read_cb", "[tty]") {
  Pty pty;
  if (!pty.ok()) return;
  uv_tty_t tty;
  TestLoop loop;
  REQUIRE(uv_tty_init(loop, &tty, pty.slave, 0) == 0);

  uv_write_t req;
  char text[] = "hi\n";
  uv_buf_t buf = uv_buf_init(text, 3);
  REQUIRE(uv_write(&req, as_stream(&tty), &buf, 1, nullptr) == 0);
  uv_run(loop, UV_RUN_DEFAULT);
  char out[16];
  ssize_t n = read(pty.master, out, sizeof out);
  CHECK(std::string(out, n > 0 ? static_cast<size_t>(n) : 0) == "hi\r\n");  // ONLCR

  struct Got {
    std::string bytes;
    char storage[64];
  } got;
  tty.data = &got;
  REQUIRE(write(pty.master, "line\n", 5) == 5);  // canonical mode: delivered at the newline
  REQUIRE(uv_read_start(as_stream(&tty),
                        [](uv_handle_t* h, size_t, uv_buf_t* b) {
                          auto* g = static_cast<Got*>(h->data);
                          *b = uv_buf_init(g->storage, sizeof g->storage);
                        },
                        [](uv_stream_t* s, ssize_t nread, const uv_buf_t* b) {
                          auto* g = static_cast<Got*>(s->data);
                          if (nread > 0) g->bytes.append(b->base, static_cast<size_t>(nread));
                          if (g->bytes.find('\n') != std::string::npos) uv_read_stop(s);
                        }) == 0);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(got.bytes == "line\n");
  uv_close(as_handle(&tty), nullptr);
}
