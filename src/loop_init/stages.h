/**
 * @file stages.h
 * @brief The four stages of loop initialisation, one unit each, in the order uv_loop_init() runs them.
 *
 * The stages are numbered in the order uv_loop_init() runs them, libuv 1.44's
 * order, which is what strace shows:
 *   1. epoll_create1(EPOLL_CLOEXEC)                 epoll_create.cpp     loop->backend_fd
 *   2. pipe2(O_CLOEXEC)             first loop only  signal_lock_pipe.cpp signal_lock_pipefd[2]
 *   3. pipe2(O_NONBLOCK|O_CLOEXEC)                  signal_pipe.cpp      loop->signal_pipefd[2]
 *   4. eventfd2(0, EFD_CLOEXEC|EFD_NONBLOCK)         async_eventfd.cpp    loop->async_io_watcher.fd
 * No epoll_ctl() happens here: the watchers of the signal pipe (stage 3) and
 * the eventfd (stage 4) are only queued, and the first uv_run() registers
 * them. The tour (src/debug/tour.cpp) calls the stages one by one and shows
 * each new descriptor.
 */
#pragma once

#include "uv.h"

namespace uvref::detail {

/** Zeroes the loop (keeping loop->data), empties its lists, marks every descriptor -1. */
void loop_init_fields(uv_loop_t* loop) noexcept;

/** Called after each stage with a one-line description; the tour prints the new descriptors. */
using StageObserver = void (*)(uv_loop_t* loop, const char* stage, void* ctx);

/**
 * uv_loop_init() itself: the stages in libuv's order, each undone if a later
 * one fails. @p observe may be null.
 */
int loop_init_stages(uv_loop_t* loop, StageObserver observe, void* ctx) noexcept;

/**
 * The observer every later uv_loop_init() passes to loop_init_stages() (null: none, the
 * default). The tour sets it so that its loop is made by uv_loop_init() itself, where a
 * reader's `break uv_loop_init` stops. Process-wide and unsynchronised: a debugging aid.
 */
void set_loop_init_observer(StageObserver observe, void* ctx) noexcept;

// Stage 1: the epoll instance. libuv: src/unix/linux-core.c uv__platform_loop_init
int platform_loop_init(uv_loop_t* loop) noexcept;
void platform_loop_delete(uv_loop_t* loop) noexcept;

// Stage 2: the process-wide signal lock pipe. libuv: src/unix/signal.c uv__signal_global_once_init
extern int signal_lock_pipefd[2];
int signal_global_once_init() noexcept;
/** Closes the lock pipe (library unload, uv_library_shutdown). libuv: src/unix/signal.c uv__signal_cleanup */
void signal_global_cleanup() noexcept;
int signal_lock() noexcept;
int signal_unlock() noexcept;

// Stage 3: the per-loop signal pipe. libuv: src/unix/signal.c uv__signal_loop_once_init
int signal_loop_once_init(uv_loop_t* loop) noexcept;
void signal_loop_close_pipe(uv_loop_t* loop) noexcept;
/** Stops every signal handle of @p loop, at uv_loop_close() (defined in signal/signal.cpp). */
void signal_loop_stop_all(uv_loop_t* loop) noexcept;
/** The signal pipe's watcher callback (src/signal/signal.cpp): reads messages, runs signal_cb. */
void signal_event(uv_loop_t* loop, uv__io_t* w, unsigned int events) noexcept;

// Stage 4: the eventfd behind every async handle. libuv: src/unix/async.c uv__async_start
int async_start(uv_loop_t* loop) noexcept;
void async_stop(uv_loop_t* loop) noexcept;
/** Makes the eventfd readable (writes the 8-byte value 1). Safe from any thread and signal handlers. */
void async_wakeup(uv_loop_t* loop) noexcept;
/** Resets the eventfd's counter after a wake-up (reads it). */
void async_drain(uv_loop_t* loop) noexcept;
/** The eventfd's watcher callback (src/async/async.cpp): runs the callbacks of pending handles. */
void async_io(uv_loop_t* loop, uv__io_t* w, unsigned int events) noexcept;

}  // namespace uvref::detail
