/**
 * @file fdpass.h
 * @brief The interface between the stream layer and descriptor passing (Part III of the docs).
 *
 * The stream layer (src/stream/) calls these functions at four points;
 * everything about SCM_RIGHTS lives behind them, one step per unit in this
 * folder: control buffer, packing, sendmsg, recvmsg (with its fallback),
 * walking the control messages, the pending queue, accepting.
 *
 * libuv: src/unix/stream.c uv__write (sendmsg branch), uv__read (IPC branch),
 * uv__stream_recv_cmsg, uv__stream_destroy (queued_fds), uv_accept (IPC branch)
 */
#pragma once

#include <sys/types.h>
#include <sys/uio.h>

#include <cstddef>
#include <span>

#include "uv.h"

namespace uvref::detail::fdpass {

/**
 * Write path: sendmsg() of @p iov with one SCM_RIGHTS descriptor @p fd attached.
 * Retries EINTR. Returns bytes written (the descriptor has then travelled,
 * whatever the count) or -errno (UV_EAGAIN: wait for POLLOUT, send again).
 */
ssize_t send_with_fd(int sock, const struct iovec* iov, int iovcnt, int fd) noexcept;

/** The most descriptors one sendmsg() may carry: Linux's SCM_MAX_FD (EINVAL beyond). */
constexpr std::size_t kMaxSendFds = 253;

/**
 * send_with_fd() with several descriptors (1 to kMaxSendFds) in one
 * SCM_RIGHTS message: all of them travel with the first byte. Same results;
 * UV_ENOBUFS for more than kMaxSendFds.
 */
ssize_t send_with_fds(int sock, const struct iovec* iov, int iovcnt, std::span<const int> fds) noexcept;

/**
 * Read path of an IPC pipe: recvmsg() into @p buf; every received descriptor
 * is queued on @p stream (accepted_fd first, then queued_fds). Returns bytes
 * read, 0 at end of stream, or -errno. A truncated control message
 * (MSG_CTRUNC: the kernel closed descriptors that did not fit) sets
 * @p *cmsg_error to UV_EMSGSIZE after queuing the ones that arrived, and the
 * bytes of that message are still returned: the caller reports both, so
 * neither the data nor the loss goes unnoticed. Otherwise @p *cmsg_error is 0.
 */
ssize_t recv_with_fds(uv_stream_t* stream, char* buf, size_t len, int* cmsg_error) noexcept;

/** Closes every descriptor still pending on @p stream (at uv_close()). */
void close_pending(uv_stream_t* stream) noexcept;

/** uv_accept() on an IPC pipe: opens the next pending descriptor into @p client. */
int accept_pending(uv_stream_t* server, uv_stream_t* client) noexcept;

}  // namespace uvref::detail::fdpass
