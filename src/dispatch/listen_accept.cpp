/**
 * @file listen_accept.cpp
 * @brief Servers: uv_listen and uv_accept, which choose by handle type (pipe, TCP, IPC pipe).
 *
 * uv_listen() calls listen(2) (pipe_listen / tcp_listen do the type-specific
 * checks) and swaps the stream's io watcher callback for server_io()
 * (stream/server_io.cpp), which parks each accepted connection in
 * `accepted_fd`. uv_accept() moves that descriptor into a client handle; on
 * an IPC pipe it takes a received descriptor instead (descriptor passing).
 * Both switch over the handle types, so they live in dispatch/, above the
 * stream and its types, as dispatch/close.cpp does for uv_close().
 *
 * A NULL connection_cb is accepted, as libuv does: a program may listen
 * before it knows what to do with connections. libuv would call through the
 * NULL pointer when the first one arrives; uvref parks it in `accepted_fd`
 * and stops watching, exactly as for a callback that did not accept, so
 * uv_accept() can take it later.
 *
 * libuv: src/unix/stream.c uv_listen, uv_accept
 *
 * Page: \docpage{stream-listen-accept}
 */
#include "fdpass/fdpass.h"
#include "fdpass/steps.h"
#include "pipe/pipe.h"
#include "stream/stream.h"
#include "sys/sys.h"
#include "tcp/tcp.h"

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
