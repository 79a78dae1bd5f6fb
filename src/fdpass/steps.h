/**
 * @file steps.h
 * @brief The step units of descriptor passing, one function (or two) per file.
 *
 * fdpass.h is what the stream layer sees; this header is what the steps
 * offer each other and the unit tests, so each step can be driven alone:
 *
 *   send:    control_buffer.h -> pack.cpp -> send.cpp
 *   receive: recvmsg.cpp -> cmsg_walk.cpp -> pending_queue.cpp -> pending_type.cpp, accept.cpp
 *
 * recv.cpp strings the receive steps together into recv_with_fds().
 *
 * libuv: src/unix/stream.c, src/unix/pipe.c
 */
#pragma once

#include <sys/socket.h>
#include <sys/uio.h>

#include <span>

#include "fdpass/control_buffer.h"
#include "uv.h"

/**
 * Descriptors received on an IPC pipe after the first (which waits in
 * uv_stream_t::accepted_fd). A growable array used as a FIFO: fds[head..tail)
 * are pending, oldest first. Taking one advances head, so uv_accept() is
 * O(1) however many are queued (libuv shifts the array with memmove instead).
 *
 * libuv: src/unix/internal.h struct uv__stream_queued_fds_s (size, offset, fds[])
 */
struct uv__queued_fds {
  int* fds;           ///< heap array of capacity entries
  unsigned capacity;  ///< allocated length of fds
  unsigned head;      ///< index of the oldest pending descriptor
  unsigned tail;      ///< one past the newest
};

namespace uvref::detail::fdpass {

// --- step 2: pack.cpp ---------------------------------------------------------

/**
 * Fills @p msg to send the bytes of @p iov with the descriptors @p fds in one
 * SCM_RIGHTS control message written into @p control (from a ControlBuffer).
 * Returns 0, UV_EINVAL if there are no descriptors or no byte of data to
 * carry them, or UV_ENOBUFS if @p control is too small.
 */
int pack_rights(struct msghdr* msg, const struct iovec* iov, int iovcnt,
                std::span<unsigned char> control, std::span<const int> fds) noexcept;

// --- step 3: send.cpp ---------------------------------------------------------
// send_with_fd() is declared in fdpass.h.

// --- step 4: recvmsg.cpp ------------------------------------------------------

/**
 * recvmsg(2) that leaves every received descriptor close-on-exec: first with
 * MSG_CMSG_CLOEXEC; if the kernel answers EINVAL (a kernel older than 2.6.23
 * does not know the flag), plainly, then FD_CLOEXEC on each descriptor.
 * Retries EINTR. Returns bytes read, 0 at end of stream, or -errno.
 */
ssize_t recvmsg_cloexec(int sock, struct msghdr* msg) noexcept;

// --- step 5: cmsg_walk.cpp ----------------------------------------------------

/**
 * The next well-formed control message of @p msg after @p prev (nullptr: the
 * first). Returns nullptr at the end; sets @p *malformed when a header's
 * cmsg_len is shorter than a header or runs past msg_controllen (then nothing
 * after it can be trusted either).
 */
struct cmsghdr* next_cmsg(const struct msghdr* msg, struct cmsghdr* prev, bool* malformed) noexcept;

/** Number of descriptors in a well-formed control message that carries them. */
int cmsg_fd_count(const struct cmsghdr* cmsg) noexcept;

/** Descriptor @p i of such a message (read with memcpy: CMSG_DATA may be unaligned). */
int cmsg_fd(const struct cmsghdr* cmsg, int i) noexcept;

/** Where the walker hands each received descriptor; take() owns it on success. */
struct FdSink {
  int (*take)(void* ctx, int fd) noexcept;  ///< 0, or a UV_E* error (the walker then closes fd)
  void* ctx;                                ///< passed to take()
};

/** What walk_cmsgs() found. */
struct CmsgWalk {
  int taken = 0;    ///< descriptors handed to the sink and kept by it
  int closed = 0;   ///< descriptors the walker closed (refused by the sink, or unwanted)
  int ignored = 0;  ///< control messages without descriptors that were skipped (SCM_CREDENTIALS...)
  int error = 0;    ///< 0, UV_EMSGSIZE (MSG_CTRUNC), UV_EPROTO (malformed), or the sink's error
};

/**
 * Takes every descriptor out of a received message: SCM_RIGHTS descriptors
 * go to @p sink, descriptors in any other message are closed, other control
 * data is skipped. Reports MSG_CTRUNC as UV_EMSGSIZE. Never leaves a
 * received descriptor open and unowned.
 */
CmsgWalk walk_cmsgs(const struct msghdr* msg, FdSink sink) noexcept;

// --- step 6: pending_queue.cpp, pending_type.cpp ----------------------------------

/** Appends @p fd to @p stream's pending descriptors. 0 or UV_ENOMEM (fd not taken). */
int queue_fd(uv_stream_t* stream, int fd) noexcept;

/** An FdSink that queues on the stream passed as ctx. */
FdSink queue_sink(uv_stream_t* stream) noexcept;

/** Removes and returns the oldest pending descriptor of @p stream, or -1 if none. */
int take_pending(uv_stream_t* stream) noexcept;

/** How many descriptors wait on @p stream. */
unsigned pending_count(const uv_stream_t* stream) noexcept;

/**
 * st_mode of the oldest pending descriptor of the IPC pipe @p stream, from
 * one fstat() kept until the head changes (pending_type.cpp); 0 if nothing
 * is pending or fstat() failed.
 */
unsigned pending_mode(uv_stream_t* stream) noexcept;

}  // namespace uvref::detail::fdpass
