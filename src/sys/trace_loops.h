/**
 * @file trace_loops.h
 * @brief Which loops the trace may read, so that a line can name a handle or a loop by its address.
 *
 * A system call returns a number; to say "accepted_fd of uv_pipe_t 0x55d0..." the
 * trace must find the handle that holds the descriptor. It reads that off the
 * loop's own state (each stream of loop->handle_queue and its io_watcher.fd,
 * accepted_fd; the loop's backend_fd, signal_pipefd, async_io_watcher.fd), so it
 * cannot disagree with it. What it needs is the loops, and the right to read them:
 *
 *  - A table of loops, filled only while the trace is on. loop_init_fields()
 *    calls note_loop_init() (below): with the trace off that is one flag test per
 *    uv_loop_init(), nothing per system call. The rest is kept by the trace
 *    itself from the calls it sees: stage 3's pipe2() makes the loop "live",
 *    the close() of its epoll descriptor (uv_loop_close(), or a failed init)
 *    or a failed epoll_create1() forgets it. start() and stop() empty the table, so a loop set up or closed
 *    while the trace was off is simply not named.
 *  - Each loop has an owner: the thread that set it up, or the last one that
 *    called epoll_wait() on it. Only the owner reads a loop's state (libuv's
 *    rule: one thread uses a loop). A pool thread, a signal handler and a forked
 *    child before exec never look anything up: their lines keep the fixed
 *    phrase of trace_units.cpp.
 *
 * A loop freed without uv_loop_close() while the trace is on stays in the table;
 * its owner would then read freed memory. libuv requires uv_loop_close() anyway.
 *
 * Page: \docpage{watching}
 */
#pragma once

#include <cstdint>

#include "sys/fault.h"
#include "sys/seam.h"
#include "uv.h"

namespace uvref::sys::trace {

void loop_table_note_init(uv_loop_t* loop) noexcept;

/**
 * loop_init_fields() calls this once per loop, before stage 1: with the trace on,
 * this thread is setting up @p loop (so stage 1's line can name it). With the
 * trace off it is the flag test and nothing else.
 */
inline void note_loop_init(uv_loop_t* loop) noexcept {
  if (seam::armed.load(std::memory_order_relaxed) & seam::kTraceArmed) [[unlikely]]
    loop_table_note_init(loop);
}

/** Empties the table (start() and stop()). */
void loop_table_clear() noexcept;

/** Keeps the table in step with a finished call (any part, filtered out or not): see the file comment. */
void loop_table_after_call(Call c, const char* unit, const std::uintptr_t* args, long result) noexcept;
/** The same, before the call's line is printed: what must be known to name it. */
void loop_table_before_line(Call c, const char* unit, const std::uintptr_t* args, long result) noexcept;

/** What a lookup found: a loop, a stream of it, and the field that holds the descriptor. */
struct Found {
  const uv_loop_t* loop = nullptr;
  const uv_stream_t* stream = nullptr;
  const char* field = nullptr;
};

/** The loop this thread is setting up (uv_loop_init() is running on it), if it owns one. */
Found loop_in_init() noexcept;
/** The loop of this thread whose own descriptor (backend_fd, signal_pipefd...) is @p fd. */
Found loop_with_fd(int fd) noexcept;
/** The stream of this thread's loops whose io_watcher.fd or accepted_fd is @p fd. */
Found stream_with_fd(int fd) noexcept;
/**
 * The client of a uv_accept() on an IPC pipe, before it holds the descriptor: the
 * only pipe or TCP handle of this thread's loops that is open, not closing and
 * has no descriptor (uv_accept() accepts into no other). Empty if not exactly one.
 */
Found only_empty_stream() noexcept;

}  // namespace uvref::sys::trace
