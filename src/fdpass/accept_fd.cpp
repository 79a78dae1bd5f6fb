/**
 * @file accept_fd.cpp
 * @brief Step 7b of descriptor passing: take a pending descriptor as a raw fd (uvref extension).
 *
 * What it does: removes the oldest pending descriptor of an IPC pipe and
 * gives it to the caller, who then owns it. No syscall.
 *
 * Why: libuv can only accept into a uv_pipe_t or uv_tcp_t, yet any
 * descriptor travels: a regular file, an eventfd, a memfd, an epoll
 * descriptor (uvref_write2_fd() sends them). This is the receiving half.
 * The descriptor arrives close-on-exec (MSG_CMSG_CLOEXEC) and in whatever
 * blocking mode the sender's open file description has.
 *
 * libuv: no counterpart (uv_accept's IPC branch, without the handle)
 *
 * Page: \docpage{fdpass-accept}
 */
#include "fdpass/steps.h"

// [docs:fdpass-accept-fd]
int uvref_pipe_accept_fd(uv_pipe_t* handle, int* fd) {
  if (handle == nullptr || fd == nullptr || handle->type != UV_NAMED_PIPE || !handle->ipc) return UV_EINVAL;
  int taken = uvref::detail::fdpass::take_pending(reinterpret_cast<uv_stream_t*>(handle));
  if (taken == -1) return UV_EAGAIN;
  *fd = taken;  // the caller owns it now: close-on-exec, blocking mode as the sender left it
  return 0;
}
// [/docs:fdpass-accept-fd]
