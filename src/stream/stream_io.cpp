/**
 * @file stream_io.cpp
 * @brief The one callback the poll phase calls for a stream: connect, then read, then write.
 *
 * epoll reports a set of events for the stream's descriptor; stream_io()
 * turns them into work, in a fixed order:
 *
 *  1. A connect in progress owns the watcher: POLLOUT means "connect()
 *     finished", and nothing else happens until its callback has run.
 *  2. POLLIN, POLLERR or POLLHUP: read. A hang-up does not mean "nothing left
 *     to read": the peer's last bytes may still be queued, so the read path
 *     reads until read() itself returns 0 and only then reports UV_EOF.
 *  3. POLLOUT (also from io_feed() in the pending phase), POLLERR or POLLHUP:
 *     write what the queue holds, run the callbacks of finished writes, and,
 *     if the queue is now empty, stop POLLOUT and run a pending shutdown.
 *
 * Any callback may close the stream; the descriptor is then -1 and the
 * remaining steps are skipped.
 *
 * What uvref leaves out on purpose: libuv 1.44 has a step between 2 and 3
 * that reports UV_EOF when POLLHUP is set and the last read() "came up short"
 * (UV_HANDLE_READ_PARTIAL), assuming a short read means the socket is empty.
 * A read can be short for other reasons: a recvmsg() stops at every message
 * that carries descriptors, so a peer that sends several such messages and
 * closes has all but the first dropped, descriptors included. libuv fixed
 * this upstream in 2026 (PR 4997); uvref never had the short-cut.
 *
 * libuv: src/unix/stream.c uv__stream_io
 *
 * Page: \docpage{stream-read}
 */
#include "stream/stream.h"

namespace uvref::detail {

// [docs:stream-io]
void stream_io(uv_loop_t* /*loop*/, uv__io_t* w, unsigned int events) noexcept {
  uv_stream_t* stream = stream_of(w);

  if (stream->connect_req != nullptr) {
    stream_connect_done(stream);
    return;
  }
  if (stream->flags & kWatchFailed) {  // epoll refused the watcher: report, do not read or write
    stream_report_watch_failed(stream);
    return;
  }

  // A read error kept for the program (stream_read.cpp) comes by io_feed(),
  // which reports POLLOUT: read then too, so the error is delivered.
  if ((events & (kPollIn | kPollErr | kPollHup)) || read_error_waits(stream)) stream_read(stream);
  if (stream_fd(stream) == -1) return;  // read_cb closed the stream

  // No "POLLHUP + short read means EOF" short-cut here: see the file comment.

  if (events & (kPollOut | kPollErr | kPollHup)) {
    stream_write(stream);
    write_callbacks(stream);
    if (stream_fd(stream) == -1) return;  // a write callback closed the stream
    if (queue_empty(&stream->write_queue)) stream_drain(stream);
  }
}
// [/docs:stream-io]

}  // namespace uvref::detail
