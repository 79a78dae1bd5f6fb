/**
 * @file server_io.cpp
 * @brief A listening stream's watcher: accept one connection per round and hand it to connection_cb.
 *
 * uv_listen() (dispatch/listen_accept.cpp) swaps the stream's io watcher
 * callback for server_io(): on a listening socket POLLIN means "a connection
 * is waiting in the backlog".
 *
 * server_io() accepts one connection with accept4(SOCK_NONBLOCK |
 * SOCK_CLOEXEC), parks it in `accepted_fd` and calls connection_cb. The
 * program is expected to call uv_accept() from the callback, which moves the
 * descriptor into a client handle; then the next connection is accepted. If
 * the program does not accept, the server stops watching POLLIN, so the
 * kernel keeps the remaining connections queued in the backlog (where
 * clients wait, or get EAGAIN from connect() when the backlog is full) until
 * uv_accept() takes the parked one.
 *
 * Errors: EAGAIN ends the round (backlog empty); ECONNABORTED (the client
 * gave up while queued) is skipped; EMFILE/ENFILE go through the EMFILE trick
 * (emfile.cpp); anything else is given to connection_cb. libuv then goes on
 * accepting at once, which spins when the error persists; uvref ends the
 * round and lets the next poll try again.
 *
 * libuv: src/unix/stream.c uv__server_io; src/unix/core.c uv__accept
 *
 * Page: \docpage{stream-listen-accept}
 */
#include "stream/stream.h"
#include "sys/sys.h"

namespace uvref::detail {

int accept_nonblocking(int server_fd) noexcept {
  int fd;
  do {
    fd = sys::accept4(server_fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  } while (fd == -EINTR);
  return fd;
}

// [docs:server-io]
void server_io(uv_loop_t* loop, uv__io_t* w, unsigned int /*events*/) noexcept {
  uv_stream_t* stream = stream_of(w);
  if (stream->flags & kWatchFailed) {  // epoll refused the listener (stream_watch_failed.cpp)
    int error = stream->delayed_error;
    stream->delayed_error = 0;
    stream->flags &= ~kWatchFailed;
    handle_stop(reinterpret_cast<uv_handle_t*>(stream));  // nothing watches it: do not keep the loop alive
    if (stream->connection_cb != nullptr) stream->connection_cb(stream, error);
    return;
  }
  io_start(loop, w, kPollIn);

  // connection_cb may close the server: check the descriptor every round.
  while (stream_fd(stream) != -1) {
    int fd = accept_nonblocking(stream_fd(stream));
    if (fd < 0) {
      if (fd == UV_EAGAIN) return;          // backlog empty
      if (fd == UV_ECONNABORTED) continue;  // the client left while queued
      if (fd == UV_EMFILE || fd == UV_ENFILE) {
        fd = emfile_trick(loop, stream_fd(stream));
        if (fd == UV_EAGAIN) return;  // the backlog was shed; the clients see their connection closed
      }
      if (stream->connection_cb != nullptr) stream->connection_cb(stream, fd);
      return;
    }

    stream->accepted_fd = fd;
    if (stream->connection_cb != nullptr) stream->connection_cb(stream, 0);
    if (stream->accepted_fd != -1) {
      // Not taken: leave the rest in the kernel's backlog until uv_accept().
      io_stop(loop, &stream->io_watcher, kPollIn);
      return;
    }
  }
}
// [/docs:server-io]

}  // namespace uvref::detail

