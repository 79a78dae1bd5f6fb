/**
 * @file stream_connect.cpp
 * @brief Finishing a connect: the result of a non-blocking connect() arrives as POLLOUT.
 *
 * uv_pipe_connect() and uv_tcp_connect() call connect() on a non-blocking
 * socket and return at once. Three outcomes, one path to the callback:
 *  - connect() failed on the spot (ENOENT, ECONNREFUSED, a name too long):
 *    the error is parked in `delayed_error` and io_feed() runs this unit in
 *    the next pending phase, so the callback never runs inside the call that
 *    started the connect (libuv's rule: callbacks are always asynchronous);
 *  - connect() succeeded at once (AF_UNIX usually does) or returned
 *    EINPROGRESS (TCP): the watcher waits for POLLOUT, then
 *    getsockopt(SO_ERROR) tells success (0) from failure.
 *  - SO_ERROR still says EINPROGRESS: a spurious wake-up; keep waiting.
 *
 * After a failure, writes queued while connecting are cancelled with
 * UV_ECANCELED; after a success they start flowing (POLLOUT stays on), and a
 * shutdown requested meanwhile gets its turn (libuv 1.44 leaves it waiting
 * when no write was queued).
 *
 * libuv: src/unix/stream.c uv__stream_connect
 *
 * Page: \docpage{pipe-connect}
 */
#include "stream/stream.h"
#include "sys/sys.h"

namespace uvref::detail {

// [docs:connect-done]
void stream_connect_done(uv_stream_t* stream) noexcept {
  uv_connect_t* req = stream->connect_req;
  int error;
  if (stream->delayed_error != 0) {
    error = stream->delayed_error;  // failed synchronously; reported now, one loop turn later
    stream->delayed_error = 0;
  } else {
    int so_error = 0;
    socklen_t len = sizeof so_error;
    int r = sys::getsockopt(stream_fd(stream), SOL_SOCKET, SO_ERROR, &so_error, &len);
    error = r < 0 ? r : -so_error;
  }
  if (error == -EINPROGRESS) return;  // not finished yet: wait for the next POLLOUT

  stream->connect_req = nullptr;
  req_unregister(stream->loop);
  if (error < 0 || queue_empty(&stream->write_queue)) io_stop(stream->loop, &stream->io_watcher, kPollOut);

  if (req->cb) req->cb(req, error);
  if (stream_fd(stream) == -1) return;  // the callback closed the stream

  if (error < 0) {
    flush_write_queue(stream, UV_ECANCELED);
    write_callbacks(stream);
  } else if ((stream->flags & kShutting) && queue_empty(&stream->write_queue)) {
    // uv_shutdown() while connecting: its drain step was skipped; run it now.
    io_feed(stream->loop, &stream->io_watcher);
  }
}
// [/docs:connect-done]

}  // namespace uvref::detail
