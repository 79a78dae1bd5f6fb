/**
 * @file listen_accept.cpp
 * @brief Servers: uv_listen, the listening socket's watcher, and uv_accept.
 *
 * uv_listen() calls listen(2) (pipe_listen / tcp_listen do the type-specific
 * checks) and swaps the stream's io watcher callback for server_io(): on a
 * listening socket POLLIN means "a connection is waiting in the backlog".
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
 * A NULL connection_cb is accepted, as libuv does: a program may listen
 * before it knows what to do with connections. libuv would call through the
 * NULL pointer when the first one arrives; uvref parks it in `accepted_fd`
 * and stops watching, exactly as for a callback that did not accept, so
 * uv_accept() can take it later.
 *
 * Errors: EAGAIN ends the round (backlog empty); ECONNABORTED (the client
 * gave up while queued) is skipped; EMFILE/ENFILE go through the EMFILE trick
 * (emfile.cpp); anything else is given to connection_cb. libuv then goes on
 * accepting at once, which spins when the error persists; uvref ends the
 * round and lets the next poll try again.
 *
 * libuv: src/unix/stream.c uv_listen, uv__server_io, uv_accept; src/unix/core.c uv__accept
 *
 * Page: \docpage{stream-listen-accept}
 */
#include "fdpass/fdpass.h"
#include "fdpass/steps.h"
#include "pipe/pipe.h"
#include "stream/stream.h"
#include "sys/sys.h"
#include "tcp/tcp.h"

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

using namespace uvref::detail;

// [docs:listen]
int uv_listen(uv_stream_t* stream, int backlog, uv_connection_cb cb) {
  if (stream == nullptr) return UV_EINVAL;  // a NULL cb is allowed: see the file comment
  if (handle_is_closing(reinterpret_cast<uv_handle_t*>(stream))) return UV_EINVAL;
  int err;
  switch (stream->type) {
    case UV_NAMED_PIPE:
      err = pipe_listen(reinterpret_cast<uv_pipe_t*>(stream), backlog);
      break;
    case UV_TCP:
      err = tcp_listen(reinterpret_cast<uv_tcp_t*>(stream), backlog);
      break;
    default:
      err = UV_EINVAL;
  }
  if (err < 0) return err;

  stream->connection_cb = cb;
  stream->io_watcher.cb = server_io;  // POLLIN now means "a connection is waiting"
  err = io_start(stream->loop, &stream->io_watcher, kPollIn);
  if (err < 0) return err;
  stream->flags |= kListening;
  handle_start(reinterpret_cast<uv_handle_t*>(stream));
  return 0;
}
// [/docs:listen]

// [docs:accept]
int uv_accept(uv_stream_t* server, uv_stream_t* client) {
  if (server == nullptr || client == nullptr || server->loop != client->loop) return UV_EINVAL;
  if (client->type != UV_NAMED_PIPE && client->type != UV_TCP) return UV_EINVAL;
  if (handle_is_closing(reinterpret_cast<uv_handle_t*>(client))) return UV_EINVAL;
  // An IPC pipe's "connections" are received descriptors: step 7 of descriptor passing.
  if (stream_is_ipc(server)) return fdpass::accept_pending(server, client);

  if (server->accepted_fd == -1) return UV_EAGAIN;
  // libuv closes the connection when the client already holds a descriptor;
  // uvref keeps it waiting so that another handle can take it.
  if (stream_fd(client) != -1) return UV_EBUSY;

  // The connection accept4() took in server_io. A listener holds one at a
  // time (it stops watching until this call), so no queue is involved.
  int fd = server->accepted_fd;
  server->accepted_fd = -1;
  int err = stream_open(client, fd, kReadable | kWritable);
  if (err < 0) {
    uvref::sys::close_fd(fd);  // as libuv: the descriptor is not left half-adopted
  } else {
    client->flags |= kBound;
  }
  // A listener paused while a connection waited (server_io): watch for the next.
  if ((server->flags & kListening) && !handle_is_closing(reinterpret_cast<uv_handle_t*>(server)))
    io_start(server->loop, &server->io_watcher, kPollIn);
  return err;
}
// [/docs:accept]
