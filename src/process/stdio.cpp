/**
 * @file stdio.cpp
 * @brief Step 3 of uv_spawn(): decide which descriptor the child gets as each of its fds 0..n-1.
 *
 * A uv_stdio_container_t per child descriptor i, turned into a pair
 * `fds = {parent's end, child's descriptor}` before fork():
 *
 *  - UV_IGNORE: {-1, -1}. The child gets /dev/null as fd 0, 1 or 2 (a program
 *    that writes to a closed stdout would otherwise write into whatever file
 *    it opens next) and leaves fds 3 and up alone.
 *  - UV_CREATE_PIPE: `socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC)`, not
 *    pipe(2): one bidirectional channel serves UV_READABLE_PIPE,
 *    UV_WRITABLE_PIPE or both, and an IPC pipe (uv_pipe_init(..., 1)) can
 *    pass descriptors over it (SCM_RIGHTS needs a socket). {0} stays in the
 *    parent and is opened into data.stream after the exec succeeded; {1}
 *    becomes the child's fd i and is closed in the parent.
 *  - UV_INHERIT_FD: {-1, data.fd}. UV_INHERIT_STREAM: {-1, the stream's fd}.
 *    The parent keeps its descriptor; the child gets a copy (dup2).
 *
 * Both ends are close-on-exec: the child's copy survives exec only because
 * child_init() dup2()s it onto fd i, and dup2 clears FD_CLOEXEC on the copy.
 * Nothing else of the parent leaks into the program the child runs.
 *
 * Direction: UV_READABLE_PIPE means the *child* reads, so the parent's end
 * is writable; UV_WRITABLE_PIPE makes it readable.
 *
 * libuv: src/unix/process.c uv__process_init_stdio, uv__process_open_stream,
 * uv__process_close_stream
 *
 * Page: \docpage{process-stdio}
 */
#include "core/internal.h"
#include "process/process.h"
#include "stream/stream.h"
#include "sys/sys.h"

namespace uvref::detail::process {

// [docs:stdio-init]
int init_stdio(const uv_stdio_container_t* c, StdioPair& fds) noexcept {
  fds[0] = fds[1] = -1;
  constexpr unsigned kinds = UV_IGNORE | UV_CREATE_PIPE | UV_INHERIT_FD | UV_INHERIT_STREAM;
  switch (c->flags & kinds) {
    case UV_IGNORE:
      return 0;

    case UV_CREATE_PIPE: {
      uv_stream_t* s = c->data.stream;
      if (s == nullptr) return UV_EINVAL;
      if (s->type != UV_NAMED_PIPE) return UV_ENOTSUP;  // as libuv: only a uv_pipe_t
      // Checked here, not after fork: a stream that cannot take the descriptor
      // must fail the spawn before a child exists.
      if (s->io_watcher.fd != -1 || uv_is_closing(reinterpret_cast<uv_handle_t*>(s)))
        return UV_EBUSY;
      return sys::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds);
    }

    case UV_INHERIT_FD:
      if (c->data.fd < 0) return UV_EINVAL;
      fds[1] = c->data.fd;
      return 0;

    case UV_INHERIT_STREAM:
      if (c->data.stream == nullptr || c->data.stream->io_watcher.fd < 0) return UV_EINVAL;
      fds[1] = c->data.stream->io_watcher.fd;
      return 0;

    default:
      return UV_EINVAL;  // more than one kind: libuv asserts
  }
}
// [/docs:stdio-init]

// [docs:stdio-open]
int open_stdio_stream(const uv_stdio_container_t* c, StdioPair& fds) noexcept {
  if (!(c->flags & UV_CREATE_PIPE) || fds[0] < 0) return 0;

  sys::close_fd(fds[1]);  // the child has its copy now
  fds[1] = -1;

  unsigned flags = 0;
  if (c->flags & UV_WRITABLE_PIPE) flags |= kReadable;  // the child writes, we read
  if (c->flags & UV_READABLE_PIPE) flags |= kWritable;  // the child reads, we write
  int r = sys::set_nonblock(fds[0], true);  // the loop never blocks on it
  if (r == 0) r = stream_open(c->data.stream, fds[0], flags);
  if (r < 0) return r;
  fds[0] = -1;  // the stream owns it: uv_close() closes it
  return 0;
}
// [/docs:stdio-open]

void close_stdio(const uv_stdio_container_t* c, StdioPair& fds) noexcept {
  if (!(c->flags & UV_CREATE_PIPE)) return;  // inherited descriptors belong to the caller
  for (int& fd : fds) {
    if (fd >= 0) sys::close_fd(fd);
    fd = -1;
  }
}

}  // namespace uvref::detail::process
