/**
 * @file pipe_bind.cpp
 * @brief A named pipe server: bind an AF_UNIX socket to a name, listen, set the file's mode.
 *
 * uv_pipe_bind() creates the socket (socket(AF_UNIX, SOCK_STREAM |
 * SOCK_NONBLOCK | SOCK_CLOEXEC)) and bind()s it; uv_listen() then calls
 * listen(). Binding a path creates the socket file; the handle keeps a copy
 * of the path and uv_close() unlinks it (pipe_init_open.cpp).
 *
 * Errors, as libuv reports them:
 *  - the path exists (a socket file left by a live or dead server, or any
 *    other file): UV_EADDRINUSE, and nothing of the existing file is
 *    touched; whether to remove a stale socket file is the program's call;
 *  - a directory of the path is missing: bind() says ENOENT, libuv reports
 *    UV_EACCES (what Windows reports), and so does uvref;
 *  - the handle is already bound (or open): UV_EINVAL;
 *  - a name too long for sun_path: UV_ENAMETOOLONG (libuv 1.44.2 truncates;
 *    see pipe_names.cpp); with UV_PIPE_NO_TRUNCATE, UV_EINVAL (libuv 1.46);
 *  - uv_listen() on an IPC pipe: UV_EINVAL (an IPC pipe is a connection
 *    carrying descriptors, not a server).
 *
 * An abstract name (leading NUL, uv_pipe_bind2 with its length) creates no
 * file and needs no unlink. An empty name binds the abstract name made of
 * 108 NUL bytes, as libuv 1.44 does (one such socket per network namespace).
 *
 * libuv: src/unix/pipe.c uv_pipe_bind, uv__pipe_listen, uv_pipe_chmod
 * (1.46 added uv_pipe_bind2)
 *
 * Page: \docpage{pipe-bind}
 */
#include <sys/stat.h>

#include <cstdlib>
#include <cstring>

#include "pipe/pipe.h"
#include "stream/stream.h"
#include "sys/sys.h"

namespace uvref::detail {

int pipe_socket() noexcept {
  return sys::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
}

int pipe_listen(uv_pipe_t* pipe, int backlog) noexcept {
  int fd = stream_fd(reinterpret_cast<uv_stream_t*>(pipe));
  if (fd == -1) return UV_EINVAL;  // not bound
  if (pipe->ipc) return UV_EINVAL;
  return sys::listen(fd, backlog);
}

}  // namespace uvref::detail

using namespace uvref::detail;
namespace sys = uvref::sys;

// [docs:bind]
int uv_pipe_bind2(uv_pipe_t* handle, const char* name, size_t namelen, unsigned int flags) {
  if (handle == nullptr || name == nullptr) return UV_EINVAL;
  if (flags & ~static_cast<unsigned>(UV_PIPE_NO_TRUNCATE)) return UV_EINVAL;

  PipeAddress addr;
  int r = pipe_make_address(name, namelen, &addr);
  if (r == UV_ENAMETOOLONG && (flags & UV_PIPE_NO_TRUNCATE)) return UV_EINVAL;  // libuv 1.46's answer
  if (r < 0) return r;

  auto* stream = reinterpret_cast<uv_stream_t*>(handle);
  if (stream_fd(stream) >= 0) return UV_EINVAL;  // already bound (or opened, or connected)
  if (handle_is_closing(reinterpret_cast<uv_handle_t*>(handle))) return UV_EINVAL;

  // Keep the path to unlink at close; an abstract name has no file.
  char* fname = nullptr;
  if (namelen > 0 && name[0] != '\0') {
    fname = strndup(name, namelen);
    if (fname == nullptr) return UV_ENOMEM;
  }

  int fd = pipe_socket();
  if (fd < 0) {
    std::free(fname);
    return fd;
  }
  r = sys::bind(fd, reinterpret_cast<const sockaddr*>(&addr.sa), addr.len);
  if (r < 0) {
    sys::close_fd(fd);
    std::free(fname);
    return r == UV_ENOENT ? UV_EACCES : r;  // libuv's mapping for a missing directory
  }

  handle->flags |= kBound;
  handle->pipe_fname = fname;
  handle->io_watcher.fd = fd;
  return 0;
}
// [/docs:bind]

int uv_pipe_bind(uv_pipe_t* handle, const char* name) {
  if (name == nullptr) return UV_EINVAL;
  return uv_pipe_bind2(handle, name, std::strlen(name), 0);
}

// [docs:chmod]
int uv_pipe_chmod(uv_pipe_t* handle, int flags) {
  // uv.h's UV_READABLE and UV_WRITABLE (libuv's uv_poll_event values).
  constexpr int kReadableBits = 1;
  constexpr int kWritableBits = 2;
  if (handle == nullptr || stream_fd(reinterpret_cast<uv_stream_t*>(handle)) == -1) return UV_EBADF;
  if (flags != kReadableBits && flags != kWritableBits && flags != (kReadableBits | kWritableBits))
    return UV_EINVAL;

  // fchmod() on a socket changes the socket's own inode, not the file that
  // bind() created: change the file by name, as libuv does.
  char name[sizeof(sockaddr_un::sun_path) + 1];
  std::size_t len = sizeof name;
  int r = uv_pipe_getsockname(handle, name, &len);
  if (r < 0) return r;

  struct stat st;
  r = sys::stat(name, &st);
  if (r < 0) return r;  // an abstract or unnamed socket has no file: UV_ENOENT

  mode_t wanted = 0;
  if (flags & kReadableBits) wanted |= S_IRUSR | S_IRGRP | S_IROTH;
  if (flags & kWritableBits) wanted |= S_IWUSR | S_IWGRP | S_IWOTH;
  if ((st.st_mode & wanted) == wanted) return 0;  // libuv 1.44 only adds bits, never removes
  return sys::chmod(name, (st.st_mode | wanted) & 07777);
}
// [/docs:chmod]
