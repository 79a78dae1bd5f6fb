/**
 * @file pipe_connect.cpp
 * @brief Connecting to a named pipe server: socket(), a non-blocking connect(), the answer through connect_cb.
 *
 * uv_pipe_connect() never reports through its return value (it returns
 * void): every outcome reaches connect_cb, on a later loop iteration.
 *  - connect() on an AF_UNIX stream socket completes at once when the server
 *    has room in its backlog: the watcher waits for POLLOUT, which is
 *    immediate, and getsockopt(SO_ERROR) confirms (stream_connect.cpp);
 *  - it fails at once otherwise: no such path (UV_ENOENT); a path that is a
 *    regular file, or a socket file nobody listens on (UV_ECONNREFUSED); a
 *    full backlog (UV_EAGAIN: unlike TCP, a non-blocking AF_UNIX connect does
 *    not wait); no search permission (UV_EACCES). The error waits in
 *    `delayed_error` and io_feed() delivers it in the next pending phase.
 *
 * uv_pipe_connect2() (libuv 1.46) takes an explicit length, so abstract names
 * (leading NUL) can be reached, and reports bad arguments synchronously:
 * UV_EINVAL for unknown flags, an empty name, a NUL inside a path, or a name
 * too long with UV_PIPE_NO_TRUNCATE; UV_ENAMETOOLONG for a name too long
 * without it (libuv truncates; see pipe_names.cpp).
 *
 * libuv: src/unix/pipe.c uv_pipe_connect (1.46 added uv_pipe_connect2)
 *
 * Page: \docpage{pipe-connect}
 */
#include <cstring>

#include "pipe/pipe.h"
#include "stream/stream.h"
#include "sys/sys.h"

namespace uvref::detail {
namespace {

/** Registers @p req as the stream's connect request; an error is delivered next iteration. */
void start_connect_req(uv_connect_t* req, uv_pipe_t* handle, int err, uv_connect_cb cb) noexcept {
  auto* stream = reinterpret_cast<uv_stream_t*>(handle);
  stream->delayed_error = err;
  stream->connect_req = req;
  req_init(handle->loop, reinterpret_cast<uv_req_t*>(req), UV_CONNECT);
  req->handle = stream;
  req->cb = cb;
  queue_init(&req->queue);
  if (err != 0) io_feed(handle->loop, &stream->io_watcher);  // never call back from inside the call
}

}  // namespace
}  // namespace uvref::detail

using namespace uvref::detail;
namespace sys = uvref::sys;

// [docs:connect]
int uv_pipe_connect2(uv_connect_t* req, uv_pipe_t* handle, const char* name, size_t namelen,
                     unsigned int flags, uv_connect_cb cb) {
  if (req == nullptr || handle == nullptr || name == nullptr || namelen == 0) return UV_EINVAL;
  if (flags & ~static_cast<unsigned>(UV_PIPE_NO_TRUNCATE)) return UV_EINVAL;
  auto* stream = reinterpret_cast<uv_stream_t*>(handle);
  if (handle_is_closing(reinterpret_cast<uv_handle_t*>(handle))) return UV_EINVAL;
  if (stream->connect_req != nullptr) return UV_EALREADY;

  PipeAddress addr;
  int err = pipe_make_address(name, namelen, &addr);
  if (err == UV_ENAMETOOLONG && (flags & UV_PIPE_NO_TRUNCATE)) return UV_EINVAL;
  if (err < 0) return err;

  bool new_socket = stream_fd(stream) == -1;
  if (new_socket) {
    err = pipe_socket();
    if (err >= 0) {
      stream->io_watcher.fd = err;
      err = 0;
    }
  }
  if (err == 0) {
    do {
      err = sys::connect(stream_fd(stream), reinterpret_cast<const sockaddr*>(&addr.sa), addr.len);
    } while (err == -EINTR);
    if (err == -EINPROGRESS) err = 0;  // finishes later; POLLOUT will say so
  }
  if (err == 0 && new_socket) err = stream_open(stream, stream_fd(stream), kReadable | kWritable);
  if (err == 0) err = io_start(handle->loop, &stream->io_watcher, kPollOut);

  start_connect_req(req, handle, err, cb);
  return 0;
}
// [/docs:connect]

void uv_pipe_connect(uv_connect_t* req, uv_pipe_t* handle, const char* name, uv_connect_cb cb) {
  if (req == nullptr || handle == nullptr) {
    report_misuse("uv_pipe_connect", reinterpret_cast<uv_handle_t*>(handle), "NULL request or handle");
    return;
  }
  if (handle_is_closing(reinterpret_cast<uv_handle_t*>(handle))) {
    // No callback can be promised: the handle may be freed before the next iteration.
    report_misuse("uv_pipe_connect", reinterpret_cast<uv_handle_t*>(handle), "handle is closing");
    return;
  }
  if (reinterpret_cast<uv_stream_t*>(handle)->connect_req != nullptr) {
    report_misuse("uv_pipe_connect", reinterpret_cast<uv_handle_t*>(handle), "a connect is already in progress");
    return;
  }
  // Every error, even a bad name, reaches cb on the next iteration (no return value here).
  int err = name == nullptr ? UV_EINVAL : uv_pipe_connect2(req, handle, name, std::strlen(name), 0, cb);
  if (err < 0) start_connect_req(req, handle, err, cb);
}
