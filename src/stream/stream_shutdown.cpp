/**
 * @file stream_shutdown.cpp
 * @brief Half-closing a stream: shutdown(SHUT_WR) once every queued write has gone out.
 *
 * uv_shutdown() does not call shutdown(2) itself. It marks the stream
 * "shutting" and no longer writable (later uv_write() calls get UV_EPIPE),
 * and leaves the work to the drain step: when the write queue becomes empty,
 * stream_drain() calls shutdown(fd, SHUT_WR). The peer then reads everything
 * that was written, followed by end of stream (read() returns 0), while this
 * side can still read what the peer sends: a half-close, which is how an
 * echo client says "that was all" and still waits for the echo.
 *
 * If the queue is already empty, io_feed() runs the drain in the next pending
 * phase, so the callback is never called from inside uv_shutdown(). A stream
 * closed before the drain cancels the request (UV_ECANCELED, stream_close.cpp).
 *
 * libuv: src/unix/stream.c uv_shutdown, uv__drain
 *
 * Page: \docpage{stream-shutdown}
 */
#include "stream/stream.h"
#include "sys/sys.h"

namespace uvref::detail {

// [docs:drain]
void stream_drain(uv_stream_t* stream) noexcept {
  if (!(stream->flags & kClosing)) io_stop(stream->loop, &stream->io_watcher, kPollOut);  // nothing to write

  if (!(stream->flags & kShutting)) return;
  uv_shutdown_t* req = stream->shutdown_req;
  stream->shutdown_req = nullptr;
  stream->flags &= ~kShutting;
  req_unregister(stream->loop);

  int err = 0;
  if (stream->flags & kClosing) {
    err = UV_ECANCELED;  // uv_close() came first
  } else {
    err = sys::shutdown(stream_fd(stream), SHUT_WR);  // the peer's read() now returns 0 after our last byte
    if (err == 0) stream->flags |= kShut;
  }
  if (req->cb) req->cb(req, err);
}
// [/docs:drain]

}  // namespace uvref::detail

using namespace uvref::detail;

// [docs:shutdown]
int uv_shutdown(uv_shutdown_t* req, uv_stream_t* stream, uv_shutdown_cb cb) {
  if (stream == nullptr || (stream->type != UV_NAMED_PIPE && stream->type != UV_TCP &&
                            stream->type != UV_TTY)) return UV_EINVAL;
  if (!(stream->flags & kWritable) || (stream->flags & (kShut | kShutting)) ||
      handle_is_closing(reinterpret_cast<uv_handle_t*>(stream)))
    return UV_ENOTCONN;

  req_init(stream->loop, reinterpret_cast<uv_req_t*>(req), UV_SHUTDOWN);
  req->handle = stream;
  req->cb = cb;
  stream->shutdown_req = req;
  stream->flags |= kShutting;
  stream->flags &= ~kWritable;  // nothing may be queued behind the shutdown
  if (queue_empty(&stream->write_queue)) io_feed(stream->loop, &stream->io_watcher);
  return 0;
}
// [/docs:shutdown]
