/**
 * @file stream_read.cpp
 * @brief Reading a stream: uv_read_start/stop and the read loop behind them.
 *
 * The contract with the program, per read:
 *  1. alloc_cb(handle, 65536, &buf) asks for a buffer (65536 is a hint);
 *  2. read() fills some of it;
 *  3. read_cb(stream, nread, &buf) gets it back:
 *       nread > 0      that many bytes arrived;
 *       nread == 0     nothing to read now (EAGAIN): not an error, not the end;
 *                      the buffer comes back so the program can free it;
 *       UV_EOF         the peer will send nothing more (read() returned 0);
 *       UV_ENOBUFS     alloc_cb gave no buffer (NULL or length 0);
 *       other < 0      an error; the stream stops reading, the program should close it.
 *
 * The read path makes one read(2) per iteration (recvmsg(2) on an IPC pipe,
 * see src/fdpass/), retried on EINTR, at most 32 per wake-up so one busy
 * stream cannot starve the others; epoll is level-triggered, so whatever is
 * left wakes the loop again at once.
 *
 * UV_EOF is reported only when read() itself returned 0: after the kernel
 * has handed over every byte the peer sent. A hang-up (POLLHUP) only makes
 * the loop read; it never ends the stream by itself (see stream_io.cpp).
 *
 * Descriptors lost on an IPC pipe (MSG_CTRUNC: UV_EMSGSIZE; or a malformed
 * control part: UV_EPROTO) are reported after the bytes they came with, and
 * never dropped. The program sees, in order:
 *  1. read_cb(n) with the message's bytes (the descriptors that did arrive
 *     are pending for uv_accept());
 *  2. read_cb(UV_EMSGSIZE) right after, if it is still reading; if it called
 *     uv_read_stop() in step 1, the error is kept in `delayed_error` and comes
 *     first after the next uv_read_start(), from the loop (never inside
 *     uv_read_start()), before any later bytes;
 *  3. the bytes sent after that message. The stream stays usable.
 *
 * libuv: src/unix/stream.c uv__read, uv__stream_eof, uv__read_start, uv_read_stop,
 * src/uv-common.c uv_read_start
 *
 * Page: \docpage{stream-read}
 */
#include "fdpass/fdpass.h"
#include "stream/stream.h"
#include "sys/sys.h"

namespace uvref::detail {
namespace {

constexpr std::size_t kSuggestedSize = 64 * 1024;  // libuv's hint to alloc_cb
constexpr int kReadsPerWakeup = 32;                // libuv's starvation guard

/** Stops reading: flag, POLLIN interest, active state. */
void stop_reading(uv_stream_t* stream) noexcept {
  stream->flags &= ~kReading;
  io_stop(stream->loop, &stream->io_watcher, kPollIn);
  handle_stop(reinterpret_cast<uv_handle_t*>(stream));
}

// [docs:read-eof]
/** read() returned 0: the end of the stream. libuv: uv__stream_eof */
void read_eof(uv_stream_t* stream, const uv_buf_t* buf) noexcept {
  stream->flags |= kReadEof;
  stop_reading(stream);
  stream->read_cb(stream, UV_EOF, buf);
}
// [/docs:read-eof]

// [docs:read-once]
/**
 * One read, retried on EINTR. Returns bytes, 0 at end of stream, or -errno.
 * An IPC pipe reads with recvmsg(): descriptors that arrive with the bytes
 * wait in the stream for uv_accept() (src/fdpass/); if some were cut off
 * (MSG_CTRUNC), @p cmsg_error says so while the bytes still count.
 */
ssize_t read_once(uv_stream_t* stream, const uv_buf_t& buf, int* cmsg_error) noexcept {
  *cmsg_error = 0;
  if (stream_is_ipc(stream)) return fdpass::recv_with_fds(stream, buf.base, buf.len, cmsg_error);
  ssize_t n;
  do {
    n = sys::read(stream_fd(stream), buf.base, buf.len);
  } while (n == -EINTR);
  return n;
}
// [/docs:read-once]

}  // namespace

// [docs:read-loop]
void stream_read(uv_stream_t* stream) noexcept {
  for (int budget = kReadsPerWakeup;
       stream->read_cb != nullptr && (stream->flags & kReading) && budget > 0; --budget) {
    if (read_error_waits(stream)) {
      // Descriptors were lost while the program was not reading: say so first.
      int error = stream->delayed_error;
      stream->delayed_error = 0;
      uv_buf_t none = uv_buf_init(nullptr, 0);
      stream->read_cb(stream, error, &none);
      continue;
    }
    uv_buf_t buf = uv_buf_init(nullptr, 0);
    stream->alloc_cb(reinterpret_cast<uv_handle_t*>(stream), kSuggestedSize, &buf);
    if (buf.base == nullptr || buf.len == 0) {
      stream->read_cb(stream, UV_ENOBUFS, &buf);  // the program cannot take data now
      return;
    }

    int cmsg_error;
    ssize_t nread = read_once(stream, buf, &cmsg_error);

    if (nread == UV_EAGAIN) {
      stream->read_cb(stream, 0, &buf);  // nothing now; hand the buffer back
      return;
    }
    if (nread < 0) {
      // A hard error (ECONNRESET...): no more reading or writing on this stream.
      stream->flags &= ~(kReadable | kWritable);
      stream->read_cb(stream, nread, &buf);
      if (stream->flags & kReading) stop_reading(stream);
      return;
    }
    if (nread == 0) {
      read_eof(stream, &buf);
      return;
    }

    // The bytes first; then (at the top of the loop, or after the next
    // uv_read_start() if read_cb stops reading) that descriptors sent with
    // them were lost. The stream itself is fine.
    if (cmsg_error != 0) stream->delayed_error = cmsg_error;
    stream->read_cb(stream, nread, &buf);
    if (cmsg_error != 0) continue;
    // A short read means the kernel had no more *right now*. It says nothing
    // about the end of the stream: only read() == 0 does.
    if (static_cast<std::size_t>(nread) < buf.len) return;
  }
}
// [/docs:read-loop]

}  // namespace uvref::detail

using namespace uvref::detail;

// [docs:read-start]
int uv_read_start(uv_stream_t* stream, uv_alloc_cb alloc_cb, uv_read_cb read_cb) {
  if (stream == nullptr || alloc_cb == nullptr || read_cb == nullptr) return UV_EINVAL;
  if (handle_is_closing(reinterpret_cast<uv_handle_t*>(stream))) return UV_EINVAL;
  if (stream->flags & kReading) return UV_EALREADY;
  if (!(stream->flags & kReadable)) return UV_ENOTCONN;
  // epoll cannot watch it: a watcher would never fire (stream_unpollable.cpp).
  if (stream->flags & kUnpollable) return UV_EPERM;

  int r = io_start(stream->loop, &stream->io_watcher, kPollIn);
  if (r < 0) return r;
  stream->flags |= kReading;
  stream->flags &= ~kReadEof;
  stream->alloc_cb = alloc_cb;
  stream->read_cb = read_cb;
  handle_start(reinterpret_cast<uv_handle_t*>(stream));  // a reading stream keeps the loop alive
  // A read error kept while the program was not reading: delivered from the
  // loop's pending phase, even if no byte ever comes again.
  if (read_error_waits(stream)) io_feed(stream->loop, &stream->io_watcher);
  return 0;
}
// [/docs:read-start]

int uv_read_stop(uv_stream_t* stream) {
  if (!(stream->flags & kReading)) return 0;
  stop_reading(stream);
  stream->read_cb = nullptr;
  stream->alloc_cb = nullptr;
  return 0;
}
