/**
 * @file stream_close.cpp
 * @brief A stream's end: uv_close() stops and closes at once; requests are answered just before close_cb.
 *
 * Closing happens in two steps, like every handle (core/handle.cpp):
 *
 *  1. stream_close(), inside uv_close(): send the writes a write callback
 *     may be holding (write_cork.cpp: libuv had sent them already, and one
 *     may carry this very handle's descriptor), stop reading, take the descriptor
 *     out of epoll (io_close, before close(2), so the number cannot be
 *     reused while epoll still reports events for it), close the descriptor
 *     and every descriptor still waiting for uv_accept(): a connection of a
 *     listening stream, or descriptors received on an IPC pipe.
 *     Descriptors 0-2 are left open, as libuv does: closing stdin would let
 *     the next open() become "stdin".
 *  2. stream_destroy(), in the closing phase right before close_cb: every
 *     request still outstanding gets its callback with UV_ECANCELED, the
 *     connect first, then the writes in submission order, then the shutdown.
 *     A program may therefore free its requests in their callbacks and its
 *     handle in close_cb.
 *
 * libuv: src/unix/stream.c uv__stream_close, uv__stream_destroy
 *
 * Page: \docpage{stream-shutdown}
 */
#include <unistd.h>

#include "fdpass/fdpass.h"
#include "stream/stream.h"
#include "sys/sys.h"

namespace uvref::detail {

// [docs:stream-close]
void stream_close(uv_stream_t* stream) noexcept {
  // Writes held in a write callback go first: this stream's, or one that sends this handle (write_cork.cpp).
  cork_release(stream->loop);
  io_close(stream->loop, &stream->io_watcher);  // out of epoll before the number is freed
  uv_read_stop(stream);
  handle_stop(reinterpret_cast<uv_handle_t*>(stream));
  stream->flags &= ~(kReadable | kWritable);

  if (stream->io_watcher.fd != -1) {
    if (stream->io_watcher.fd > STDERR_FILENO) sys::close_fd(stream->io_watcher.fd);
    stream->io_watcher.fd = -1;
  }
  if (stream_is_ipc(stream)) {
    fdpass::close_pending(stream);  // received, never accepted: accepted_fd and queued_fds
  } else if (stream->accepted_fd != -1) {
    // A connection nobody called uv_accept() for (a listener holds at most one).
    sys::close_fd(stream->accepted_fd);
    stream->accepted_fd = -1;
  }
}
// [/docs:stream-close]

// [docs:stream-destroy]
void stream_destroy(uv_stream_t* stream) noexcept {
  if (stream->connect_req != nullptr) {
    uv_connect_t* req = stream->connect_req;
    stream->connect_req = nullptr;
    req_unregister(stream->loop);
    if (req->cb) req->cb(req, UV_ECANCELED);
  }
  flush_write_queue(stream, UV_ECANCELED);
  write_callbacks(stream);
  stream_drain(stream);  // a pending shutdown gets UV_ECANCELED
}
// [/docs:stream-destroy]

}  // namespace uvref::detail
