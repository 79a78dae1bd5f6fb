/**
 * @file stream_watch_failed.cpp
 * @brief When epoll refuses a stream's watcher: the error goes to the stream's callbacks.
 *
 * The poll phase registers a stream's descriptor with epoll_ctl(EPOLL_CTL_ADD
 * or EPOLL_CTL_MOD) only when it is about to sleep (core/epoll_poll.cpp). The
 * kernel can refuse then: ENOMEM, or ENOSPC once the user's max_user_watches
 * (/proc/sys/fs/epoll/max_user_watches) is reached. libuv 1.44.2 aborts the
 * process there. Dropping the watcher quietly would be worse than either: the
 * stream would never hear of its descriptor again and the loop could wait for
 * ever. So the poll phase forgets the watcher and hands the error here:
 *  - a connect in progress: connect_cb gets it (through delayed_error, as a
 *    connect() that failed at once);
 *  - a listener: connection_cb gets it, and the listener stops (listen_accept.cpp);
 *  - otherwise: every queued write fails with it (write_cb; a pending
 *    shutdown then goes ahead, as after any write error), then, if the
 *    program is reading, reading stops and read_cb gets it.
 * The error is delivered from the next pending phase (io_feed), never inside
 * a uv_* call, and the poll phase does not sleep while it waits. The stream
 * stays open and usable: uv_read_start() or uv_write() ask epoll again.
 *
 * libuv: src/unix/epoll.c uv__io_poll (where 1.44.2 aborts instead)
 *
 * Page: \docpage{core-poll}
 */
#include "stream/stream.h"

namespace uvref::detail {

bool stream_watch_failed(uv_loop_t* loop, uv__io_t* w, int error) noexcept {
  if (w->cb != stream_io && w->cb != server_io) return false;  // the signal pipe, the async eventfd
  io_stop(loop, w, w->pevents);  // not in the set: the loop must not wait for it
  uv_stream_t* stream = stream_of(w);
  stream->delayed_error = error;
  if (stream->connect_req == nullptr) stream->flags |= kWatchFailed;
  io_feed(loop, w);
  return true;
}

// [docs:watch-failed]
void stream_report_watch_failed(uv_stream_t* stream) noexcept {
  int error = stream->delayed_error;
  stream->delayed_error = 0;
  stream->flags &= ~kWatchFailed;

  flush_write_queue(stream, error);  // nothing can wait for POLLOUT: every queued write fails
  write_callbacks(stream);
  if (stream_fd(stream) == -1) return;                          // a write_cb closed the stream
  if (queue_empty(&stream->write_queue)) stream_drain(stream);  // a pending shutdown goes ahead
  if (stream_fd(stream) == -1 || !(stream->flags & kReading)) return;
  uv_buf_t none = uv_buf_init(nullptr, 0);
  stream->read_cb(stream, error, &none);  // as a read error: the callback first, then reading stops
  if (stream_fd(stream) != -1 && (stream->flags & kReading)) uv_read_stop(stream);
}
// [/docs:watch-failed]

}  // namespace uvref::detail
