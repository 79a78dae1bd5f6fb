/**
 * @file write_queue.cpp
 * @brief Draining the write queue: writev() (or write()) from the head, partial writes, completion in order.
 *
 * A stream's pending writes wait in `write_queue`, oldest first. Each poll
 * wake-up with POLLOUT (or a call to uv_write() on an idle stream) runs
 * stream_write(), which takes the head request and does one writev(2) of
 * what is left of its buffers (a plain write(2) when one buffer is left):
 *
 *  - everything written: the request moves to `write_completed_queue`, and
 *    the next request is tried at once (at most 32 per wake-up);
 *  - a head that carries a descriptor takes the uv_write2 requests queued
 *    right behind it into the same sendmsg() (write_batch.cpp): one syscall
 *    for up to 60 descriptors; wrote() then completes them in order;
 *  - part written (the socket buffer filled up): the request's buffer
 *    pointers advance past the bytes that went out, and the watcher waits
 *    for POLLOUT, i.e. until the peer has read enough to make room;
 *  - EAGAIN: nothing went out; wait for POLLOUT likewise;
 *  - an error (EPIPE: the reader is gone): the request completes with it.
 *
 * Callbacks never run inside stream_write(). A finished request only moves
 * to the completed queue, and io_feed() puts the stream's watcher on the
 * loop's pending queue; write_callbacks() runs them at the next pending pass.
 * For a write that finished inside an I/O callback, that is one of the
 * pending passes right after the poll, in the same iteration (core/run.cpp);
 * otherwise it is the next iteration's pending phase. That keeps two promises: a write callback never runs inside the
 * uv_write() call that submitted it, and callbacks run in submission order.
 * While they run, the uv_write2()s they start on this stream are held and
 * written together after the last one (write_cork.cpp).
 *
 * `write_queue_size` counts bytes submitted and not yet written. After an
 * error it keeps counting the failed request's unwritten bytes until its
 * callback runs: a non-zero size is how libuv tells a program to stop
 * writing.
 *
 * SIGPIPE: writev() on a socket or pipe whose reader has gone raises SIGPIPE,
 * which kills a program that has not ignored it, before EPIPE is ever seen.
 * libuv (and uvref, here) leaves that to the program: ignore SIGPIPE (node
 * does; uvref's tests do). Descriptor passing uses sendmsg(MSG_NOSIGNAL),
 * which never raises it.
 *
 * libuv: src/unix/stream.c uv__write, uv__try_write, uv__write_req_update,
 * uv__write_req_finish, uv__write_callbacks, uv__stream_flush_write_queue
 *
 * Page: \docpage{stream-write}
 */
#include <algorithm>
#include <climits>
#include <cstdlib>

#include "fdpass/fdpass.h"
#include "stream/stream.h"
#include "sys/sys.h"

namespace uvref::detail {
namespace {

constexpr int kWritesPerWakeup = 32;  // requests completed per wake-up before yielding
constexpr unsigned kIovMax = IOV_MAX;  // writev() refuses more buffers than this (EINVAL)

uv_write_t* write_of(uv__queue* q) noexcept { return entry<uv_write_t, offsetof(uv_write_t, queue)>(q); }

/** Bytes of @p req not yet written. libuv: uv__write_req_size */
std::size_t unwritten(const uv_write_t* req) noexcept {
  return count_bufs(req->bufs + req->write_index, req->nbufs - req->write_index);
}

// [docs:write-advance]
/**
 * @p n bytes of @p req went out: move its buffer pointers past them.
 * Returns true if the request is now fully written. libuv: uv__write_req_update
 */
bool advance(uv_stream_t* stream, uv_write_t* req, std::size_t n) noexcept {
  stream->write_queue_size -= n;
  uv_buf_t* buf = req->bufs + req->write_index;
  uv_buf_t* end = req->bufs + req->nbufs;
  while (buf != end && n >= buf->len) {  // whole buffers written (and empty ones skipped)
    n -= buf->len;
    ++buf;
  }
  if (buf != end) {  // a buffer written in part: start the next writev() inside it
    buf->base += n;
    buf->len -= n;
  }
  req->write_index = static_cast<unsigned int>(buf - req->bufs);
  return buf == end;
}
// [/docs:write-advance]

/** Moves @p req from the write queue to the completed queue. libuv: uv__write_req_finish */
void finish(uv_write_t* req) noexcept {
  uv_stream_t* stream = req->handle;
  queue_remove(&req->queue);
  if (req->error == 0) {
    // Fully written: nothing left to count, so release the buffer array now.
    if (req->bufs != req->bufsml) std::free(req->bufs);
    req->bufs = nullptr;
  }
  queue_insert_tail(&stream->write_completed_queue, &req->queue);
  io_feed(stream->loop, &stream->io_watcher);  // callbacks at the next pending pass
}

// [docs:write-wrote]
/**
 * @p n bytes went out for the first @p count requests of the queue (one
 * request, or a batch from send_batch()). Every descriptor they carried went
 * with the first byte: none is sent again. Completes, in order, each request
 * written in full; returns false if one is left part-written at the head.
 */
bool wrote(uv_stream_t* stream, unsigned count, std::size_t n, int* budget) noexcept {
  uv__queue* q = queue_head(&stream->write_queue);
  for (unsigned i = 0; i < count; ++i, q = q->next) {
    write_of(q)->send_fd = -1;
    write_of(q)->send_handle = nullptr;
  }
  for (unsigned i = 0; i < count; ++i) {
    uv_write_t* req = write_of(queue_head(&stream->write_queue));
    std::size_t mine = std::min(n, unwritten(req));  // the bytes are the requests', in order
    n -= mine;
    if (!advance(stream, req, mine)) return false;  // short: the rest waits for room
    finish(req);
    --*budget;
  }
  return true;
}
// [/docs:write-wrote]

}  // namespace

// [docs:write-bufs]
ssize_t write_bufs(uv_stream_t* stream, const uv_buf_t* bufs, unsigned int nbufs, int send_fd) noexcept {
  // uv_buf_t has struct iovec's layout on Unix (uv.h), so the array is passed as is.
  const auto* iov = reinterpret_cast<const struct iovec*>(bufs);
  int iovcnt = static_cast<int>(nbufs < kIovMax ? nbufs : kIovMax);
  ssize_t n;
  if (send_fd != -1) {
    n = fdpass::send_with_fd(stream_fd(stream), iov, iovcnt, send_fd);  // sendmsg + SCM_RIGHTS, MSG_NOSIGNAL
  } else if (iovcnt == 1) {
    // One buffer (the common case): write(2), as libuv does. writev(2) would
    // first import a one-entry iovec array from user memory; the pump
    // benchmark measures about 4% more CPU time that way.
    do {
      n = sys::write(stream_fd(stream), iov[0].iov_base, iov[0].iov_len);
    } while (n == -EINTR);
  } else {
    do {
      n = sys::writev(stream_fd(stream), iov, iovcnt);
    } while (n == -EINTR);
  }
  if (n == -EAGAIN || n == -ENOBUFS) return UV_EAGAIN;  // socket buffer full: wait for POLLOUT
  return n;
}
// [/docs:write-bufs]

namespace {

// [docs:write-head]
/**
 * One write for the head request @p req: write()/writev(), or sendmsg() with
 * its descriptor, or one sendmsg() for it and the uv_write2s queued right
 * behind it (send_batch()). Sets @p *carried to the number of requests the
 * write carries. Returns bytes written or -errno, as write_bufs().
 */
ssize_t write_head(uv_stream_t* stream, uv_write_t* req, unsigned* carried) noexcept {
  *carried = 1;
  if (send_handle_closed(req)) return UV_EBADF;  // closed while the request waited: its fd may be reused
  if (req->send_fd != -1) {
    ssize_t n;
    *carried = send_batch(stream, &n);
    if (*carried > 0) return n;
    *carried = 1;  // nothing queued behind it (or the batch was refused): the head alone
  }
  return write_bufs(stream, req->bufs + req->write_index, req->nbufs - req->write_index, req->send_fd);
}
// [/docs:write-head]

}  // namespace

// [docs:write-loop]
void stream_write(uv_stream_t* stream) noexcept {
  int budget = kWritesPerWakeup;
  while (!queue_empty(&stream->write_queue) && budget > 0) {
    uv_write_t* req = write_of(queue_head(&stream->write_queue));
    // A descriptor rides on the first byte of one sendmsg(), which takes at
    // most IOV_MAX buffers: step past empty ones first (they hold nothing to
    // write), or 1024 of them would leave it no byte to travel with.
    if (req->send_fd != -1)
      while (req->write_index + 1 < req->nbufs && req->bufs[req->write_index].len == 0) ++req->write_index;

    unsigned carried;  // requests this write carries: 1, or a batch of queued uv_write2s
    ssize_t n = write_head(stream, req, &carried);

    if (n >= 0) {
      // Whatever the count, a descriptor attached to this sendmsg() has
      // travelled: never attach it again to the rest of a partial write.
      if (wrote(stream, carried, static_cast<std::size_t>(n), &budget)) continue;  // all of it: next request
    } else if (n != UV_EAGAIN) {
      req->error = static_cast<int>(n);  // EPIPE, ECONNRESET...: report it in the callback
      finish(req);
      io_stop(stream->loop, &stream->io_watcher, kPollOut);
      return;
    }

    // Partial write or EAGAIN: the socket buffer is full.
    if (stream->flags & (kBlockingWrites | kUnpollable)) continue;  // blocking, or a file: just write again
    io_start(stream->loop, &stream->io_watcher, kPollOut);  // wait for room
    return;
  }
  // Budget spent with requests left: finish() has queued the watcher for the
  // pending phase, which comes back here after the other phases had a turn.
}
// [/docs:write-loop]

// [docs:write-callbacks]
void write_callbacks(uv_stream_t* stream) noexcept {
  if (queue_empty(&stream->write_completed_queue)) return;
  // Detach the list first: a callback may submit new writes (and complete them).
  uv__queue done;
  queue_move(&stream->write_completed_queue, &done);
  cork_begin(stream);  // uv_write2()s from these callbacks are held and go together (write_cork.cpp)
  while (!queue_empty(&done)) {
    uv_write_t* req = write_of(queue_head(&done));
    queue_remove(&req->queue);
    req_unregister(stream->loop);
    if (req->bufs != nullptr) {  // failed or cancelled: its unwritten bytes leave the count now
      stream->write_queue_size -= unwritten(req);
      if (req->bufs != req->bufsml) std::free(req->bufs);
      req->bufs = nullptr;
    }
    if (req->cb) req->cb(req, req->error);
  }
  cork_end(stream);  // what the callbacks wrote goes out now
}
// [/docs:write-callbacks]

void flush_write_queue(uv_stream_t* stream, int error) noexcept {
  while (!queue_empty(&stream->write_queue)) {
    uv_write_t* req = write_of(queue_head(&stream->write_queue));
    queue_remove(&req->queue);
    req->error = error;
    queue_insert_tail(&stream->write_completed_queue, &req->queue);
  }
}

}  // namespace uvref::detail
