/**
 * @file internal.h
 * @brief What the units share: handle flags, handle and request bookkeeping, the I/O watcher API.
 *
 * Everything here is internal (namespace uvref::detail, hidden symbols). Names
 * follow libuv's with the `uv__` prefix dropped, so `grep handle_start`
 * here finds the counterpart of libuv's `uv__handle_start`.
 *
 * libuv: src/uv-common.h, src/unix/internal.h
 */
#pragma once

#include <sys/epoll.h>

#include <cstdint>
#include <cstdio>

#include "core/queue.h"
#include "uv.h"

namespace uvref::detail {

/** Bits of uv_handle_t::flags. libuv: src/uv-common.h (UV_HANDLE_*). */
enum HandleFlag : unsigned int {
  kClosing = 1u << 0,    ///< uv_close() was called
  kClosed = 1u << 1,     ///< close callback has run (or is running)
  kActive = 1u << 2,     ///< counts as active (see handle_start)
  kRef = 1u << 3,        ///< keeps the loop alive while active
  kInternal = 1u << 4,   ///< the loop's own handle: hidden from uv_walk, not counted by loop_close
  kListening = 1u << 5,  ///< stream: uv_listen() succeeded
  kConnection = 1u << 6, ///< stream: connected (or accepted)
  kShutting = 1u << 7,   ///< stream: shutdown requested
  kShut = 1u << 8,       ///< stream: write side shut down
  kReadEof = 1u << 9,    ///< stream: end of stream seen
  kReading = 1u << 10,   ///< stream: uv_read_start() active
  kBound = 1u << 11,     ///< stream: bound to an address
  kReadable = 1u << 12,  ///< stream: may be read
  kWritable = 1u << 13,  ///< stream: may be written
  kBlockingWrites = 1u << 14,  ///< stream: uv_stream_set_blocking(1)
  kTcpNodelay = 1u << 15,      ///< tcp: TCP_NODELAY requested
  kTcpKeepalive = 1u << 18,    ///< tcp: SO_KEEPALIVE requested (60 s when applied later)
  kSignalOneShot = 1u << 16,   ///< signal: stop after the first delivery
  kUnpollable = 1u << 17,      ///< stream: epoll refuses the descriptor (a file): writes synchronous, no reads
  kWatchFailed = 1u << 19,     ///< stream: epoll_ctl() failed for its watcher; the error waits in delayed_error
  kWritesHeld = 1u << 20,      ///< stream: writes from its write callbacks wait for the end of the pass (write_cork.cpp)
};

/** Bits of uv_loop_t::flags. */
enum LoopFlag : unsigned long {
  kLoopBlockSigprof = 1ul << 0,  ///< uv_loop_configure(UV_LOOP_BLOCK_SIGNAL, SIGPROF): block it in epoll_wait
};

/** uv_loop_configure() without the variadic part (see loop_configure.c). */
int loop_configure(uv_loop_t* loop, uv_loop_option option, int signum) noexcept;

// --- handles -------------------------------------------------------------------

/** Initialises the common fields and links the handle into loop->handle_queue. */
void handle_init(uv_loop_t* loop, uv_handle_t* h, uv_handle_type type) noexcept;

inline bool handle_is_active(const uv_handle_t* h) noexcept { return (h->flags & kActive) != 0; }
inline bool handle_is_closing(const uv_handle_t* h) noexcept {
  return (h->flags & (kClosing | kClosed)) != 0;
}

/** Marks a handle active; an active, referenced handle keeps uv_run() going. */
inline void handle_start(uv_handle_t* h) noexcept {
  if (h->flags & kActive) return;
  h->flags |= kActive;
  if (h->flags & kRef) h->loop->active_handles++;
}

/** The opposite of handle_start(). */
inline void handle_stop(uv_handle_t* h) noexcept {
  if (!(h->flags & kActive)) return;
  h->flags &= ~kActive;
  if (h->flags & kRef) h->loop->active_handles--;
}

/** libuv: src/uv-common.h uv__handle_ref */
inline void handle_ref(uv_handle_t* h) noexcept {
  if (h->flags & kRef) return;
  h->flags |= kRef;
  if (h->flags & kClosing) return;
  if (h->flags & kActive) h->loop->active_handles++;
}

/** libuv: src/uv-common.h uv__handle_unref */
inline void handle_unref(uv_handle_t* h) noexcept {
  if (!(h->flags & kRef)) return;
  h->flags &= ~kRef;
  if (h->flags & kClosing) return;
  if (h->flags & kActive) h->loop->active_handles--;
}

/** Queues a closing handle for the closing phase of uv_run(). libuv: src/unix/core.c uv__make_close_pending */
void make_close_pending(uv_handle_t* h) noexcept;

// --- requests --------------------------------------------------------------------

/** Initialises a request and counts it as active on @p loop. libuv: uv__req_init + uv__req_register */
inline void req_init(uv_loop_t* loop, uv_req_t* req, uv_req_type type) noexcept {
  req->type = type;
  loop->active_reqs.count++;
}

/** The request has completed: it no longer keeps the loop alive. libuv: uv__req_unregister */
inline void req_unregister(uv_loop_t* loop) noexcept { loop->active_reqs.count--; }

// --- I/O watchers (libuv: src/unix/core.c uv__io_*) -------------------------------

/** Readable, writable, hang-up: the epoll bits uvref asks for. */
constexpr unsigned int kPollIn = EPOLLIN;
constexpr unsigned int kPollOut = EPOLLOUT;
constexpr unsigned int kPollErr = EPOLLERR;
constexpr unsigned int kPollHup = EPOLLHUP;
constexpr unsigned int kPollRdHup = EPOLLRDHUP;

/** Sets up a watcher for @p fd; it watches nothing until io_start(). */
void io_init(uv__io_t* w, uv__io_cb cb, int fd) noexcept;
/**
 * Adds @p events to what @p w waits for. The epoll registration is only
 * queued (loop->watcher_queue); io_poll() applies it before it blocks.
 * Returns 0 or UV_ENOMEM (growing loop->watchers).
 */
int io_start(uv_loop_t* loop, uv__io_t* w, unsigned int events) noexcept;
/** Removes @p events; when none are left the watcher is forgotten (and its EPOLL_CTL_DEL queued). */
void io_stop(uv_loop_t* loop, uv__io_t* w, unsigned int events) noexcept;
/** Stops the watcher entirely and removes its descriptor from epoll at once (before close()). */
void io_close(uv_loop_t* loop, uv__io_t* w) noexcept;
/** Queues the watcher's callback for the pending phase (e.g. a write error to report later). */
void io_feed(uv_loop_t* loop, uv__io_t* w) noexcept;
/** True if @p w waits for any of @p events. */
bool io_active(const uv__io_t* w, unsigned int events) noexcept;
/** Does this loop already watch @p fd? libuv: src/unix/core.c uv__fd_exists */
inline bool loop_watches(const uv_loop_t* loop, int fd) noexcept {
  return static_cast<unsigned>(fd) < loop->nwatchers && loop->watchers[fd] != nullptr;
}
/** Waits for events (at most @p timeout ms, -1 forever) and runs watcher callbacks. */
void io_poll(uv_loop_t* loop, int timeout) noexcept;
/** Cancels events for @p w's fd still undelivered in the current batch; removes the fd from epoll if it is there. */
void platform_invalidate_fd(uv_loop_t* loop, uv__io_t* w) noexcept;

// --- time ---------------------------------------------------------------------------

/** Monotonic clock in nanoseconds. */
uint64_t hrtime_ns() noexcept;
/** Refreshes loop->time (milliseconds). libuv: src/unix/internal.h uv__update_time */
inline void update_time(uv_loop_t* loop) noexcept { loop->time = hrtime_ns() / 1000000; }

// --- the idle, prepare and check watchers (core/loop_watchers.cpp) ---------------------
//
// Where hooks are declared (one rule for every handle type): a function is
// declared in the header of the directory that defines it (timer/timer.h,
// async/async.h, signal/signal.h, threadpool/threadpool.h, stream/stream.h,
// pipe/pipe.h, process/process.h; core's own here), unless a lower layer
// calls it: then the caller's header declares it, so that no include points
// upward. core/hooks.h (the timer phase, the close switch) and
// loop_init/stages.h (the signal and async watchers' callbacks) are those.
// tests/meta/check_layers.py fails if a core/ file includes a header from above.

void idle_close(uv_idle_t* h) noexcept;
void prepare_close(uv_prepare_t* h) noexcept;
void check_close(uv_check_t* h) noexcept;
void run_idle(uv_loop_t* loop) noexcept;
void run_prepare(uv_loop_t* loop) noexcept;
void run_check(uv_loop_t* loop) noexcept;

/**
 * Reports a misuse of the API that libuv would answer with an assertion
 * failure (abort): uvref prints a clear message to stderr and carries on
 * without touching the handle.
 */
void report_misuse(const char* function, const uv_handle_t* h, const char* what) noexcept;

}  // namespace uvref::detail
