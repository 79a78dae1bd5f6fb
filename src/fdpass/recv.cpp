/**
 * @file recv.cpp
 * @brief The read path of an IPC pipe: steps 4, 5 and 6 in a row.
 *
 * What it does, for each read the stream makes on an IPC pipe:
 *  1. recvmsg() into the caller's buffer, with a 1088-byte control buffer
 *     (room for 253 descriptors, the most one message can carry, plus
 *     credentials and a pidfd) and MSG_CMSG_CLOEXEC (step 4, recvmsg.cpp);
 *  2. walk the control messages (step 5, cmsg_walk.cpp), handing every
 *     SCM_RIGHTS descriptor to
 *  3. the stream's pending queue (step 6, pending_queue.cpp).
 * Then read_cb gets the bytes and the application calls uv_accept() once per
 * pending descriptor.
 *
 * Why one recvmsg() never mixes two senders' descriptors: on a stream
 * socket, Linux stops a read at the end of a message that carried
 * descriptors (unix_stream_read_generic), so the bytes returned belong with
 * the descriptors returned.
 *
 * Errors: a truncated control part (MSG_CTRUNC: with this buffer, only the
 * kernel truncates, e.g. a descriptor table full under RLIMIT_NOFILE) queues
 * what arrived and reports UV_EMSGSIZE through @p cmsg_error; the bytes that
 * came with it are returned as usual, so the stream layer hands the program
 * both.
 *
 * libuv: src/unix/stream.c uv__read (the `is_ipc` branch)
 *
 * Page: \docpage{fdpass-recvmsg}
 */
#include "fdpass/fdpass.h"
#include "fdpass/steps.h"

namespace uvref::detail::fdpass {

// [docs:fdpass-recv-with-fds]
ssize_t recv_with_fds(uv_stream_t* stream, char* buf, size_t len, int* cmsg_error) noexcept {
  *cmsg_error = 0;
  RecvControlBuffer control{};
  struct iovec iov = {buf, len};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.bytes;
  msg.msg_controllen = sizeof control.bytes;

  ssize_t n = recvmsg_cloexec(stream->io_watcher.fd, &msg);
  if (n < 0) return n;  // UV_EAGAIN included: nothing read, nothing received

  CmsgWalk walk = walk_cmsgs(&msg, queue_sink(stream));
  *cmsg_error = walk.error;  // UV_EMSGSIZE (truncated) or UV_EPROTO (malformed), else 0
  return n;
}
// [/docs:fdpass-recv-with-fds]

}  // namespace uvref::detail::fdpass
