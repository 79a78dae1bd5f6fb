/**
 * @file stream.h
 * @brief What the stream units share: a stream's life (init, open, close, destroy) and its I/O paths.
 *
 * A stream (uv_stream_t) is one descriptor, one I/O watcher and two request
 * queues. The watcher's callback, stream_io(), is the single entry point from
 * the poll phase; it hands the events to the connect, read and write paths,
 * each in its own unit:
 *
 *     stream_init.cpp     stream_init, stream_open, uv_is_readable/writable, set_blocking
 *     stream_io.cpp       stream_io: connect completion, then read, then write
 *     stream_read.cpp     uv_read_start/stop, the read loop, EOF
 *     uv_write.cpp        uv_write, uv_write2, uvref_write2_fd, uv_try_write
 *     write_queue.cpp     stream_write(): writing the queue head, partial writes, completion callbacks
 *     write_batch.cpp     queued uv_write2 requests sent together in one sendmsg
 *     write_cork.cpp      uv_write2s from write callbacks held until the pass ends, then sent together
 *     stream_shutdown.cpp uv_shutdown and the drain step that runs it
 *     emfile.cpp          the reserve descriptor and the EMFILE trick
 *     stream_close.cpp    stream_close (at uv_close) and stream_destroy (before close_cb)
 *     stream_watch_failed.cpp  epoll refused the watcher: the error goes to the callbacks
 *
 * uv_listen, the server watcher and uv_accept are in dispatch/listen_accept.cpp,
 * above the stream and its types: uv_listen and uv_accept choose by type.
 *
 * Other folders call stream_open() to adopt a descriptor: uv_pipe_open,
 * uv_accept, the process helper's stdio pipes, descriptor passing.
 *
 * libuv: src/unix/internal.h (uv__stream_* declarations), src/unix/stream.c
 *
 * Page: \docpage{stream-read}
 */
#pragma once

#include <cstddef>

#include "core/internal.h"
#include "uv.h"

namespace uvref::detail {

/** The stream that owns io watcher @p w (the watcher is embedded in the stream). */
inline uv_stream_t* stream_of(uv__io_t* w) noexcept {
  return reinterpret_cast<uv_stream_t*>(reinterpret_cast<char*>(w) - offsetof(uv_stream_t, io_watcher));
}

/** The stream's descriptor, or -1. libuv: uv__stream_fd */
inline int stream_fd(const uv_stream_t* s) noexcept { return s->io_watcher.fd; }

/** True for an IPC pipe: reads use recvmsg and may carry descriptors. */
inline bool stream_is_ipc(const uv_stream_t* s) noexcept {
  return s->type == UV_NAMED_PIPE && reinterpret_cast<const uv_pipe_t*>(s)->ipc != 0;
}

/**
 * True if an IPC pipe keeps a read error it could not deliver yet (lost
 * descriptors, reported after the bytes: stream_read.cpp). It waits in
 * `delayed_error`, which a connected stream has no other use for: connect
 * errors are delivered and cleared before reading can start.
 */
inline bool read_error_waits(const uv_stream_t* s) noexcept { return stream_is_ipc(s) && s->delayed_error != 0; }

/**
 * True if the handle @p req was to send has been closed: uv_close() took its
 * descriptor (stream_close() sets it to -1), and the number sent at
 * uv_write2() may name another file by now. libuv tests uv__is_closing(), the
 * same moment but for one: uv_close() first sends what a write callback held,
 * this handle included (write_cork.cpp).
 */
inline bool send_handle_closed(const uv_write_t* req) noexcept {
  return req->send_handle != nullptr && stream_fd(req->send_handle) == -1;
}

/** Total length of @p nbufs buffers. libuv: src/uv-common.c uv__count_bufs */
inline std::size_t count_bufs(const uv_buf_t* bufs, unsigned int nbufs) noexcept {
  std::size_t total = 0;
  for (unsigned int i = 0; i < nbufs; ++i) total += bufs[i].len;
  return total;
}

// --- life cycle (stream_init.cpp, stream_close.cpp) --------------------------------

/** Initialises the stream part of a pipe or TCP handle; opens the loop's EMFILE reserve. libuv: uv__stream_init */
void stream_init(uv_loop_t* loop, uv_stream_t* stream, uv_handle_type type) noexcept;

/**
 * Adopts @p fd: the stream now owns it and closes it at uv_close(). @p flags
 * are HandleFlag bits, normally kReadable | kWritable. The descriptor must
 * already be non-blocking (callers make it so). Returns UV_EBUSY if the
 * stream already holds another descriptor. libuv: uv__stream_open
 */
int stream_open(uv_stream_t* stream, int fd, unsigned flags) noexcept;

/**
 * SO_KEEPALIVE on @p fd; when on, the first probe after @p delay idle
 * seconds, then one a second, ten at most. Defined in tcp/tcp_options.cpp;
 * declared here because stream_open() calls it when a TCP handle gets its
 * socket late. libuv: src/unix/tcp.c uv__tcp_keepalive
 */
int tcp_keepalive_fd(int fd, bool on, unsigned delay) noexcept;

/**
 * stream_open() after deciding whether epoll can watch @p fd: a socket or a
 * FIFO by its @p mode (st_mode; 0 when not known), anything else by asking
 * epoll. If it cannot (a regular file, /dev/null) the stream is marked
 * kUnpollable: see stream_unpollable.cpp. libuv: src/unix/pipe.c uv_pipe_open
 */
int stream_open_checked(uv_stream_t* stream, int fd, unsigned flags, unsigned mode) noexcept;

/** uv_close() of a stream: stop the watcher, close the descriptor. libuv: uv__stream_close */
void stream_close(uv_stream_t* stream) noexcept;

/**
 * The last step before close_cb: cancel the connect request, the queued
 * writes (UV_ECANCELED) and the shutdown request. libuv: uv__stream_destroy
 */
void stream_destroy(uv_stream_t* stream) noexcept;

// --- the I/O paths -----------------------------------------------------------------

/** The io watcher callback of a connected (or connecting) stream. libuv: uv__stream_io */
void stream_io(uv_loop_t* loop, uv__io_t* w, unsigned int events) noexcept;

/** Reads until EAGAIN, EOF, an error, or 32 reads. libuv: uv__read */
void stream_read(uv_stream_t* stream) noexcept;

/**
 * One writev() of @p bufs (write() for a single buffer; with @p send_fd != -1,
 * one sendmsg() carrying that descriptor), retried on EINTR. Returns bytes written or -errno;
 * EAGAIN/ENOBUFS come back as UV_EAGAIN. libuv: uv__try_write
 */
ssize_t write_bufs(uv_stream_t* stream, const uv_buf_t* bufs, unsigned int nbufs, int send_fd) noexcept;

/**
 * Sends the head of the write queue and the uv_write2() requests queued
 * right behind it in one sendmsg() (write_batch.cpp). Returns how many
 * requests it carried (2 or more), with the result in @p *n (bytes written,
 * or UV_EAGAIN); 0 when there was nothing to batch or the kernel refused the
 * batch with an error: then nothing was sent, and the head goes alone.
 */
unsigned send_batch(uv_stream_t* stream, ssize_t* n) noexcept;

// --- the cork (write_cork.cpp) --------------------------------------------------------

/** write_callbacks() starts running @p stream's callbacks: uv_write2()s to it may be held. */
void cork_begin(uv_stream_t* stream) noexcept;

/**
 * write_submit() asks whether to hold @p req instead of writing: true inside
 * @p stream's callbacks for a uv_write2() with a handle of this loop when the
 * queue was @p idle, and for any write behind a held one (one sending another
 * loop's handle is written at once, with those held before it).
 */
bool cork_holds(uv_stream_t* stream, const uv_write_t* req, bool idle) noexcept;

/** Writes what @p loop holds, if anything (before uv_close(), uv_try_write(), the pass's end). */
void cork_release(uv_loop_t* loop) noexcept;

/** The pass is over: write what was held; hold nothing more. */
void cork_end(uv_stream_t* stream) noexcept;

/** Writes from the head of the write queue until EAGAIN or empty. libuv: uv__write */
void stream_write(uv_stream_t* stream) noexcept;

/** Runs the callbacks of finished writes, in submission order. libuv: uv__write_callbacks */
void write_callbacks(uv_stream_t* stream) noexcept;

/** Moves every queued write to the completed queue with @p error. libuv: uv__stream_flush_write_queue */
void flush_write_queue(uv_stream_t* stream, int error) noexcept;

/** The write queue is empty: stop POLLOUT, run a pending shutdown. libuv: uv__drain */
void stream_drain(uv_stream_t* stream) noexcept;

/** A connect request completes (or fails). libuv: uv__stream_connect */
void stream_connect_done(uv_stream_t* stream) noexcept;

/** epoll refused the stream's watcher: fail its writes, then its read, with the error. (stream_watch_failed.cpp) */
void stream_report_watch_failed(uv_stream_t* stream) noexcept;

/** The io watcher callback of a listening stream. libuv: uv__server_io */
void server_io(uv_loop_t* loop, uv__io_t* w, unsigned int events) noexcept;

// --- the EMFILE reserve (emfile.cpp) ------------------------------------------------

/** Opens loop->emfile_fd if it is not open yet (at the first stream init, as libuv). */
void emfile_reserve_open(uv_loop_t* loop) noexcept;

/**
 * accept() failed with EMFILE/ENFILE: give up the reserve, accept and close
 * every pending connection, take the reserve back. Returns the last accept
 * error (UV_EAGAIN when the backlog was emptied). libuv: uv__emfile_trick
 */
int emfile_trick(uv_loop_t* loop, int accept_fd) noexcept;

/** accept4(SOCK_NONBLOCK | SOCK_CLOEXEC), retried on EINTR. libuv: src/unix/core.c uv__accept */
int accept_nonblocking(int server_fd) noexcept;

}  // namespace uvref::detail
