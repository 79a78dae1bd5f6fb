/**
 * @file pending_type.cpp
 * @brief Step 6b of descriptor passing: what kind of handle a received descriptor needs.
 *
 * What it does: uv_pipe_pending_type() answers "pipe or TCP?" for the next
 * pending descriptor, so the receiver can initialise the right handle before
 * uv_accept(). Nothing travels with the descriptor to say what it is: the
 * answer is read off the descriptor itself by uv_guess_handle():
 *  1. fstat(): a regular file or a character device (/dev/null) is UV_FILE,
 *     unless the device is a terminal (UV_TTY); a FIFO (a pipe(2) end) is
 *     UV_NAMED_PIPE; anything else that is not a socket (an eventfd, an epoll
 *     descriptor, a directory) is UV_UNKNOWN_HANDLE.
 *  2. For a socket, getsockname() for the address family and
 *     getsockopt(SOL_SOCKET, SO_TYPE) for the socket type: AF_INET/AF_INET6
 *     stream is UV_TCP, datagram UV_UDP; AF_UNIX stream is UV_NAMED_PIPE;
 *     anything else (an AF_UNIX datagram socket) UV_UNKNOWN_HANDLE.
 *
 * The terminal test: glibc's isatty() is an ioctl(TCGETS) that fills a struct
 * termios; uvref asks for the line discipline instead (ioctl(TIOCGETD), one
 * int), which every terminal has and every other device refuses with ENOTTY.
 * It is asked of character devices only, the one kind a terminal can be.
 *
 * libuv: src/unix/tty.c uv_guess_handle; src/unix/pipe.c uv_pipe_pending_type
 *
 * Page: \docpage{fdpass-pending-type}
 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>

#include "fdpass/steps.h"
#include "sys/sys.h"

namespace {

bool is_terminal(int fd) noexcept {
  int line_discipline;
  return uvref::sys::ioctl(fd, TIOCGETD, &line_discipline) == 0;
}

}  // namespace

// [docs:fdpass-guess-handle]
uv_handle_type uv_guess_handle(uv_file file) {
  namespace sys = uvref::sys;
  if (file < 0) return UV_UNKNOWN_HANDLE;

  struct stat st;
  if (sys::fstat(file, &st) < 0) return UV_UNKNOWN_HANDLE;
  if (S_ISCHR(st.st_mode)) return is_terminal(file) ? UV_TTY : UV_FILE;
  if (S_ISREG(st.st_mode)) return UV_FILE;
  if (S_ISFIFO(st.st_mode)) return UV_NAMED_PIPE;
  if (!S_ISSOCK(st.st_mode)) return UV_UNKNOWN_HANDLE;  // eventfd, epoll (anon inodes), directory

  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (sys::getsockname(file, reinterpret_cast<struct sockaddr*>(&ss), &len) < 0) {
    return UV_UNKNOWN_HANDLE;
  }
  int type;
  len = sizeof type;
  if (sys::getsockopt(file, SOL_SOCKET, SO_TYPE, &type, &len) < 0) return UV_UNKNOWN_HANDLE;

  bool inet = ss.ss_family == AF_INET || ss.ss_family == AF_INET6;
  if (type == SOCK_STREAM && inet) return UV_TCP;
  if (type == SOCK_DGRAM && inet) return UV_UDP;
  if (type == SOCK_STREAM && ss.ss_family == AF_UNIX) return UV_NAMED_PIPE;
  return UV_UNKNOWN_HANDLE;
}
// [/docs:fdpass-guess-handle]

// [docs:fdpass-pending-type]
uv_handle_type uv_pipe_pending_type(uv_pipe_t* handle) {
  // [docs:ex-pending-type]
  if (!handle->ipc || handle->accepted_fd == -1) return UV_UNKNOWN_HANDLE;
  return uv_guess_handle(handle->accepted_fd);  // the oldest: the one uv_accept() takes next
  // [/docs:ex-pending-type]
}
// [/docs:fdpass-pending-type]
