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
 * One fstat() per descriptor, shared with uv_accept(): pending_mode() keeps
 * the head descriptor's st_mode in the pipe (uv_pipe_t::pending_mode) until
 * the head changes (take_pending() forgets it), and uv_accept() decides from
 * it whether epoll must be asked about the descriptor at all
 * (stream_unpollable.cpp). A receiver that asks the type and then accepts
 * pays for one fstat(), not one per question.
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

// [docs:fdpass-guess-from-mode]
/** uv_guess_handle() once fstat() has given @p mode (0: fstat() failed). */
uv_handle_type guess_from_mode(int fd, unsigned mode) noexcept {
  namespace sys = uvref::sys;
  if (S_ISCHR(mode)) return is_terminal(fd) ? UV_TTY : UV_FILE;
  if (S_ISREG(mode)) return UV_FILE;
  if (S_ISFIFO(mode)) return UV_NAMED_PIPE;
  if (!S_ISSOCK(mode)) return UV_UNKNOWN_HANDLE;  // eventfd, epoll (anon inodes), directory, 0

  struct sockaddr_storage ss;
  socklen_t len = sizeof ss;
  if (sys::getsockname(fd, reinterpret_cast<struct sockaddr*>(&ss), &len) < 0) return UV_UNKNOWN_HANDLE;
  int type;
  len = sizeof type;
  if (sys::getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) < 0) return UV_UNKNOWN_HANDLE;

  bool inet = ss.ss_family == AF_INET || ss.ss_family == AF_INET6;
  if (type == SOCK_STREAM && inet) return UV_TCP;
  if (type == SOCK_DGRAM && inet) return UV_UDP;
  if (type == SOCK_STREAM && ss.ss_family == AF_UNIX) return UV_NAMED_PIPE;
  return UV_UNKNOWN_HANDLE;
}
// [/docs:fdpass-guess-from-mode]

}  // namespace

// [docs:fdpass-guess-handle]
uv_handle_type uv_guess_handle(uv_file file) {
  if (file < 0) return UV_UNKNOWN_HANDLE;
  struct stat st;
  if (uvref::sys::fstat(file, &st) < 0) return UV_UNKNOWN_HANDLE;
  return guess_from_mode(file, st.st_mode);
}
// [/docs:fdpass-guess-handle]

namespace uvref::detail::fdpass {

// [docs:fdpass-pending-mode]
unsigned pending_mode(uv_stream_t* stream) noexcept {
  auto* pipe = reinterpret_cast<uv_pipe_t*>(stream);  // only an IPC pipe has descriptors pending
  if (pipe->pending_mode == 0 && pipe->accepted_fd != -1) {
    struct stat st;
    if (sys::fstat(pipe->accepted_fd, &st) == 0) pipe->pending_mode = st.st_mode;  // never 0: a type is set
  }
  return pipe->pending_mode;
}
// [/docs:fdpass-pending-mode]

}  // namespace uvref::detail::fdpass

// [docs:fdpass-pending-type]
uv_handle_type uv_pipe_pending_type(uv_pipe_t* handle) {
  // [docs:ex-pending-type]
  if (!handle->ipc || handle->accepted_fd == -1) return UV_UNKNOWN_HANDLE;
  // The oldest: the one uv_accept() takes next. Its mode is kept for uv_accept().
  unsigned mode = uvref::detail::fdpass::pending_mode(reinterpret_cast<uv_stream_t*>(handle));
  return guess_from_mode(handle->accepted_fd, mode);
  // [/docs:ex-pending-type]
}
// [/docs:fdpass-pending-type]
