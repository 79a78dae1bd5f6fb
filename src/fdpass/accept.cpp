/**
 * @file accept.cpp
 * @brief Step 7 of descriptor passing: uv_accept() on an IPC pipe opens the next pending descriptor into a handle.
 *
 * What it does: takes the oldest pending descriptor (step 6) and opens it
 * into the client handle with stream_open(), as a readable and writable
 * stream, after making it non-blocking with fcntl(F_SETFL, O_NONBLOCK).
 * (accept_fd.cpp hands it to the caller instead: uvref_pipe_accept_fd().)
 *
 * Why a handle type check and nothing more: uv_accept() into a uv_pipe_t or
 * uv_tcp_t; any other client is UV_EINVAL and the descriptor stays pending
 * for a better-suited handle. Whether it *is* a pipe or a TCP socket is the
 * caller's business (uv_pipe_pending_type() tells), as in libuv.
 *
 * Why O_NONBLOCK here: a stream's loop must never block in read() or
 * write(). libuv 1.44.2 does not set the flag in uv_accept(); it relies on
 * the sender's handle having set it already, which holds for uv_write2()
 * of a libuv stream but not for a raw descriptor from uvref_write2_fd().
 * Note the flag lives in the open file description, which sender and
 * receiver share: the sender's copy becomes non-blocking too.
 *
 * Why the file type first: stream_open_checked() must know whether epoll can
 * watch the descriptor. For a socket or a FIFO (a pipe end) the type says
 * yes; only other kinds are put to epoll itself. The type comes from the
 * fstat() that uv_pipe_pending_type() made for the same descriptor
 * (pending_mode() keeps it), so asking the type and accepting cost one
 * fstat() between them.
 *
 * Why the descriptor is closed if opening fails: it is already out of the
 * queue and no handle owns it; the error is returned to the caller.
 *
 * libuv: src/unix/stream.c uv_accept (the IPC branch, UV_NAMED_PIPE / UV_TCP clients)
 *
 * Page: \docpage{fdpass-accept}
 */
#include "fdpass/fdpass.h"
#include "fdpass/steps.h"
#include "stream/stream.h"
#include "sys/sys.h"

namespace uvref::detail::fdpass {

// [docs:fdpass-accept]
int accept_pending(uv_stream_t* server, uv_stream_t* client) noexcept {
  // [docs:ex-accept-pending]
  if (server->accepted_fd == -1) return UV_EAGAIN;
  if (client->type != UV_NAMED_PIPE && client->type != UV_TCP) return UV_EINVAL;  // stays pending
  if (stream_fd(client) != -1) return UV_EBUSY;                                    // stays pending

  unsigned mode = pending_mode(server);  // the fstat() uv_pipe_pending_type() made, or one now
  int fd = take_pending(server);
  int r = sys::set_nonblock(fd, true);
  if (r == 0) r = stream_open_checked(client, fd, kReadable | kWritable, mode);  // a file: as uv_pipe_open
  if (r < 0) {
    sys::close_fd(fd);  // out of the queue and owned by no handle: do not leak it
    return r;
  }
  client->flags |= kBound;  // as libuv: an accepted handle cannot be bound again
  return 0;
  // [/docs:ex-accept-pending]
}
// [/docs:fdpass-accept]

}  // namespace uvref::detail::fdpass
