/**
 * @file pipe_init_open.cpp
 * @brief uv_pipe_t's life: init, adopting an existing descriptor, and close (which unlinks the bound path).
 *
 * uv_pipe_init() makes no syscall: a pipe handle gets its descriptor later,
 * from uv_pipe_bind(), uv_pipe_connect(), uv_accept() or uv_pipe_open().
 * `ipc` decides whether reads use recvmsg() and may carry descriptors.
 *
 * uv_pipe_open() adopts a descriptor the program already has: a pipe(2) end,
 * a socket, stdin. What it checks and changes, in order:
 *  - UV_EEXIST if this loop already watches that descriptor (two handles on
 *    one fd would fight over one epoll registration);
 *  - fcntl(F_GETFL): UV_EBADF for a closed descriptor; the access mode
 *    decides readable (not O_WRONLY) and writable (not O_RDONLY);
 *  - whether epoll can wait on it. A regular file, a directory or
 *    /dev/null cannot be polled (epoll_ctl says EPERM); libuv and uvref
 *    adopt them anyway, writes complete at once, and uvref refuses what would
 *    need epoll with UV_EPERM (stream_unpollable.cpp);
 *  - fcntl(F_SETFL, O_NONBLOCK): the loop must never block in read().
 *    The flag lives in the open file description, so it is shared with
 *    every process that has the same file (a terminal's stdin, say).
 *
 * uv_close() of a pipe unlinks the bound path first and closes the socket
 * second: the other order would let another process bind the same path in
 * between, and then lose its file to our unlink.
 *
 * libuv: src/unix/pipe.c uv_pipe_init, uv_pipe_open, uv__pipe_close,
 * uv_pipe_pending_instances; src/unix/core.c uv__fd_exists
 *
 * Page: \docpage{pipe-init-open}
 */
#include <fcntl.h>

#include <cstdlib>

#include "pipe/pipe.h"
#include "stream/stream.h"
#include "sys/sys.h"

namespace uvref::detail {

void pipe_close(uv_pipe_t* pipe) noexcept {
  if (pipe->pipe_fname != nullptr) {
    sys::unlink(pipe->pipe_fname);  // before close(): see the file comment
    std::free(const_cast<char*>(pipe->pipe_fname));
    pipe->pipe_fname = nullptr;
  }
  stream_close(reinterpret_cast<uv_stream_t*>(pipe));
}

}  // namespace uvref::detail

using namespace uvref::detail;

int uv_pipe_init(uv_loop_t* loop, uv_pipe_t* handle, int ipc) {
  if (loop == nullptr || handle == nullptr) return UV_EINVAL;
  stream_init(loop, reinterpret_cast<uv_stream_t*>(handle), UV_NAMED_PIPE);
  handle->ipc = ipc;
  handle->pending_mode = 0;
  handle->pipe_fname = nullptr;
  return 0;
}

// [docs:pipe-open]
int uv_pipe_open(uv_pipe_t* handle, uv_file fd) {
  if (handle == nullptr || handle_is_closing(reinterpret_cast<uv_handle_t*>(handle))) return UV_EINVAL;
  if (fd < 0) return UV_EBADF;
  if (loop_watches(handle->loop, fd)) return UV_EEXIST;

  int mode;
  do {
    mode = uvref::sys::fcntl(fd, F_GETFL);
  } while (mode == -EINTR);
  if (mode < 0) return mode;  // EBADF: not an open descriptor

  int r = uvref::sys::set_nonblock(fd, true);
  if (r < 0) return r;

  unsigned flags = 0;
  int access = mode & O_ACCMODE;
  if (access != O_WRONLY) flags |= kReadable;
  if (access != O_RDONLY) flags |= kWritable;
  return stream_open_checked(reinterpret_cast<uv_stream_t*>(handle), fd, flags, 0);  // 0: mode not known
}
// [/docs:pipe-open]

void uv_pipe_pending_instances(uv_pipe_t* /*handle*/, int /*count*/) {
  // Windows sizes its named-pipe server with this; a Unix socket needs nothing.
}
