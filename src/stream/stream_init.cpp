/**
 * @file stream_init.cpp
 * @brief A stream's birth: common fields, adopting a descriptor, and the small state queries.
 *
 * stream_init() gives a pipe or TCP handle an empty write queue, an empty
 * completed-write queue, no descriptor (-1) and an io watcher whose callback
 * is stream_io(). It makes no syscall of its own, except that the first
 * stream of a loop opens the loop's EMFILE reserve descriptor (emfile.cpp),
 * as libuv does, so that the reserve exists before the process runs out.
 *
 * stream_open() is where a descriptor becomes the stream's: pipe and socket
 * ends from uv_pipe_open(), accepted connections from uv_accept(), the
 * parent's stdio ends from uv_spawn(), descriptors received over IPC. The
 * caller has made it non-blocking already; stream_open() only records it.
 * Nothing is registered with epoll until reading or writing needs it.
 *
 * uv_stream_set_blocking() is fcntl(F_SETFL) on O_NONBLOCK. With a blocking
 * descriptor, a write() blocks until everything is written, so the write
 * queue never waits for POLLOUT (the write path retries EAGAIN instead).
 *
 * libuv: src/unix/stream.c uv__stream_init, uv__stream_open, uv_is_readable,
 * uv_is_writable, uv_stream_set_blocking; src/uv-data-getter-setters.c
 * uv_stream_get_write_queue_size
 *
 * Page: \docpage{pipe-init-open}
 */
#include <netinet/in.h>
#include <netinet/tcp.h>

#include "stream/stream.h"
#include "sys/sys.h"

namespace uvref::detail {

// [docs:stream-init]
void stream_init(uv_loop_t* loop, uv_stream_t* stream, uv_handle_type type) noexcept {
  handle_init(loop, reinterpret_cast<uv_handle_t*>(stream), type);
  stream->write_queue_size = 0;
  stream->alloc_cb = nullptr;
  stream->read_cb = nullptr;
  stream->connect_req = nullptr;
  stream->shutdown_req = nullptr;
  stream->connection_cb = nullptr;
  stream->delayed_error = 0;
  stream->accepted_fd = -1;
  stream->queued_fds = nullptr;
  queue_init(&stream->write_queue);
  queue_init(&stream->write_completed_queue);
  emfile_reserve_open(loop);  // lazily, at the loop's first stream
  io_init(&stream->io_watcher, stream_io, -1);
}

int stream_open(uv_stream_t* stream, int fd, unsigned flags) noexcept {
  if (stream->io_watcher.fd != -1 && stream->io_watcher.fd != fd) return UV_EBUSY;
  if (fd < 0) return UV_EBADF;
  stream->flags |= flags;
  if (stream->type == UV_TCP && (stream->flags & kTcpNodelay)) {
    // uv_tcp_nodelay() before the socket existed: apply it now.
    int on = 1;
    int r = sys::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    if (r < 0) return r;
  }
  if (stream->type == UV_TCP && (stream->flags & kTcpKeepalive)) {
    // uv_tcp_keepalive() before the socket existed: libuv applies 60 s then.
    int r = tcp_keepalive_fd(fd, true, 60);
    if (r < 0) return r;
  }
  stream->io_watcher.fd = fd;
  return 0;
}
// [/docs:stream-init]

}  // namespace uvref::detail

using namespace uvref::detail;

int uv_is_readable(const uv_stream_t* handle) { return (handle->flags & kReadable) ? 1 : 0; }
int uv_is_writable(const uv_stream_t* handle) { return (handle->flags & kWritable) ? 1 : 0; }

size_t uv_stream_get_write_queue_size(const uv_stream_t* stream) { return stream->write_queue_size; }

// [docs:set-blocking]
int uv_stream_set_blocking(uv_stream_t* handle, int blocking) {
  // No descriptor yet: fcntl(-1) fails with EBADF, which is what libuv returns too.
  int r = uvref::sys::set_nonblock(stream_fd(handle), blocking == 0);
  if (r < 0) return r;
  if (blocking)
    handle->flags |= kBlockingWrites;
  else
    handle->flags &= ~kBlockingWrites;
  return 0;
}
// [/docs:set-blocking]
