/**
 * @file hooks.h
 * @brief What core/ calls and a layer above defines: the timer phase, the per-type steps of closing, a stream's refused watcher.
 *
 * core/ is the foundation: none of its files includes a header from a
 * directory above it (tests/meta/check_layers.py). Where uv_run() and
 * uv_close() must reach a handle type, core/ declares the function here and
 * the layer above defines it: timer/timer.cpp the timer phase, dispatch/close.cpp
 * the switch over every handle type (as libuv's uv_close does in one switch).
 *
 * libuv: src/unix/core.c uv_close (the switch) and uv__finish_close; src/timer.c
 * uv__run_timers, uv__next_timeout
 */
#pragma once

#include "uv.h"

namespace uvref::detail {

/** Runs the callbacks of every due timer (timer/timer.cpp). */
void run_timers(uv_loop_t* loop) noexcept;
/** Milliseconds until the earliest timer is due: 0 if one is due, -1 if none (timer/timer.cpp). */
int next_timeout(const uv_loop_t* loop) noexcept;

/**
 * Runs the type-specific part of uv_close(): stop timers and watchers, close
 * descriptors. Returns false if the type queues its own close callback later
 * (signal handles with signals still in the pipe), true if the caller should.
 * Defined in dispatch/close.cpp.
 */
bool close_by_type(uv_handle_t* handle) noexcept;

/** The type-specific last step of closing, right before close_cb (streams free their queues). */
void finish_close_by_type(uv_handle_t* handle) noexcept;

/**
 * epoll_ctl() refused @p w's registration with @p error (ENOMEM, ENOSPC).
 * A stream's watcher: the stream reports it to its callbacks from the next
 * pending phase, and true is returned. The loop's own watchers: false.
 * Defined in stream/stream_watch_failed.cpp.
 */
bool stream_watch_failed(uv_loop_t* loop, uv__io_t* w, int error) noexcept;

}  // namespace uvref::detail
