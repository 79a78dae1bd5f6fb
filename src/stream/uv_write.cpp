/**
 * @file uv_write.cpp
 * @brief Submitting writes: uv_write, uv_write2, uvref_write2_fd, uv_try_write.
 *
 * uv_write() copies the uv_buf_t array (not the bytes: those must stay valid
 * until the callback), appends the request to the stream's write queue and,
 * if nothing was queued before, tries to write at once. A write that cannot
 * finish now waits for POLLOUT (write_queue.cpp). Either way the callback
 * runs later, from the loop, in the order the writes were submitted.
 *
 * uv_write2() also sends a descriptor (SCM_RIGHTS) with the first byte of
 * the write; only an IPC pipe can carry one (UV_EINVAL otherwise, as libuv).
 * uvref also refuses a write with no bytes: on a stream socket a descriptor
 * must travel with at least one byte, and libuv 1.44.2 reports success for
 * such a write while the peer never gets the descriptor. uvref_write2_fd()
 * is the same path for a raw descriptor.
 *
 * uv_try_write() writes only what fits now, never queues, and returns the
 * byte count (UV_EAGAIN if nothing fits or writes are already queued).
 *
 * libuv: src/unix/stream.c uv__check_before_write, uv_write2, uv_write, uv_try_write
 *
 * Page: \docpage{stream-write}
 */
#include <cstdlib>
#include <cstring>

#include "stream/stream.h"

namespace uvref::detail {
namespace {

constexpr unsigned kInlineBufs = sizeof(uv_write_t::bufsml) / sizeof(uv_buf_t);

/**
 * The handle's type as the integer in memory. A caller's handle may be
 * uninitialised memory; loading a value outside uv_handle_type into the enum
 * is undefined behaviour in C++ (the UBSan build aborts on it), comparing
 * integers is not.
 */
int raw_type(const void* handle) noexcept {
  int type;
  std::memcpy(&type, static_cast<const char*>(handle) + offsetof(uv_handle_t, type), sizeof type);
  return type;
}

/** True for the handle types a stream write can use or send: a pipe, a TCP handle, a terminal. */
bool is_stream_type(const void* handle) noexcept {
  int type = raw_type(handle);
  return type == UV_NAMED_PIPE || type == UV_TCP || type == UV_TTY;
}

/** The argument checks libuv makes (several are assertions there). libuv: uv__check_before_write */
int check_before_write(uv_stream_t* stream, const uv_buf_t bufs[], unsigned int nbufs,
                       bool sends_fd) noexcept {
  if (stream == nullptr || !is_stream_type(stream)) return UV_EINVAL;
  if (bufs == nullptr || nbufs == 0) return UV_EINVAL;  // libuv asserts nbufs > 0
  if (stream_fd(stream) < 0) return UV_EBADF;
  if (!(stream->flags & kWritable)) return UV_EPIPE;  // shut down, or never writable
  if (sends_fd) {
    if (!stream_is_ipc(stream)) return UV_EINVAL;
    // A descriptor needs a byte to travel with; refusing beats losing it.
    if (count_bufs(bufs, nbufs) == 0) return UV_EINVAL;
  }
  return 0;
}

// [docs:write-submit]
int write_submit(uv_write_t* req, uv_stream_t* stream, const uv_buf_t bufs[], unsigned int nbufs,
                 uv_stream_t* send_handle, int send_fd, uv_write_cb cb) noexcept {
  uv_buf_t* copy = req->bufsml;
  if (nbufs > kInlineBufs) {
    copy = static_cast<uv_buf_t*>(std::malloc(nbufs * sizeof(uv_buf_t)));
    if (copy == nullptr) return UV_ENOMEM;  // before req_init: nothing to undo
  }
  std::memcpy(copy, bufs, nbufs * sizeof(uv_buf_t));

  // A non-zero size with an empty queue means failed requests still await
  // their callbacks: do not write now, let the queue report them first.
  bool idle = stream->write_queue_size == 0;

  req_init(stream->loop, reinterpret_cast<uv_req_t*>(req), UV_WRITE);
  req->cb = cb;
  req->handle = stream;
  req->error = 0;
  req->send_handle = send_handle;
  req->send_fd = send_fd;
  req->bufs = copy;
  req->nbufs = nbufs;
  req->write_index = 0;
  queue_init(&req->queue);
  stream->write_queue_size += count_bufs(bufs, nbufs);
  queue_insert_tail(&stream->write_queue, &req->queue);

  if (stream->connect_req != nullptr) {
    // Still connecting: the queue starts moving once the connect succeeds.
  } else if (cork_holds(stream, req, idle)) {
    // Submitted from a write callback of this stream: sent when the callbacks are done (write_cork.cpp).
  } else if (idle) {
    stream_write(stream);  // try now; the callback still comes from the loop
  } else if (stream->flags & kUnpollable) {
    io_feed(stream->loop, &stream->io_watcher);  // a file is always writable: the pending phase writes
  } else {
    io_start(stream->loop, &stream->io_watcher, kPollOut);  // behind others: wait for room
  }
  return 0;
}
// [/docs:write-submit]

}  // namespace
}  // namespace uvref::detail

using namespace uvref::detail;

int uv_write(uv_write_t* req, uv_stream_t* handle, const uv_buf_t bufs[], unsigned int nbufs,
             uv_write_cb cb) {
  int r = check_before_write(handle, bufs, nbufs, false);
  if (r < 0) return r;
  return write_submit(req, handle, bufs, nbufs, nullptr, -1, cb);
}

int uv_write2(uv_write_t* req, uv_stream_t* handle, const uv_buf_t bufs[], unsigned int nbufs,
              uv_stream_t* send_handle, uv_write_cb cb) {
  if (send_handle == nullptr) return uv_write(req, handle, bufs, nbufs, cb);
  int r = check_before_write(handle, bufs, nbufs, true);
  if (r < 0) return r;
  if (!is_stream_type(send_handle)) return UV_EBADF;  // garbage too: libuv's uv__handle_fd gives -1
  if (handle_is_closing(reinterpret_cast<uv_handle_t*>(send_handle))) return UV_EBADF;
  int fd = stream_fd(send_handle);
  if (fd < 0) return UV_EBADF;
  return write_submit(req, handle, bufs, nbufs, send_handle, fd, cb);
}

int uvref_write2_fd(uv_write_t* req, uv_stream_t* handle, const uv_buf_t bufs[], unsigned int nbufs,
                    int fd, uv_write_cb cb) {
  int r = check_before_write(handle, bufs, nbufs, true);
  if (r < 0) return r;
  if (fd < 0) return UV_EBADF;
  return write_submit(req, handle, bufs, nbufs, nullptr, fd, cb);
}

// [docs:try-write]
int uv_try_write(uv_stream_t* handle, const uv_buf_t bufs[], unsigned int nbufs) {
  // Writes held in a write callback go first, as libuv had already written them (write_cork.cpp).
  if (handle != nullptr && is_stream_type(handle) && handle->loop->write_cork == handle) cork_release(handle->loop);
  // Writing now would overtake queued bytes (or precede the connection).
  if (handle != nullptr && (handle->connect_req != nullptr || handle->write_queue_size != 0)) return UV_EAGAIN;
  int r = check_before_write(handle, bufs, nbufs, false);
  if (r < 0) return r;
  ssize_t n = write_bufs(handle, bufs, nbufs, -1);
  return static_cast<int>(n);
}
// [/docs:try-write]
