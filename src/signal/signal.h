/**
 * @file signal.h
 * @brief What the two sides of uv_signal_t share, and its close hook (dispatch/close.cpp).
 *
 * The handler side (signal_handler.cpp) keeps the per-signal lists of handles
 * and writes messages into the signal pipe; the loop side (signal.cpp) reads
 * them and runs the callbacks.
 *
 * libuv: src/unix/signal.c uv__signal_msg_t
 */
#pragma once

#include "uv.h"

namespace uvref::detail {

/** What the handler writes into a loop's signal pipe. */
struct SignalMessage {
  uv_signal_t* handle;
  int signum;
};
static_assert(sizeof(SignalMessage) == 16, "one message is 16 bytes, as libuv's");

/**
 * Adds @p h to the list of @p signum's handles, installing the handler if it is
 * the first (or the first persistent one), under the lock with signals blocked.
 * Sets h->signum. Returns 0 or the negative error of sigaction().
 */
int signal_watch(uv_signal_t* h, int signum, bool oneshot) noexcept;
/** Takes @p h off its signal's list; restores SIG_DFL when it was the last handle. */
void signal_unwatch(uv_signal_t* h) noexcept;

/** Stops the handle as uv_close() begins; queues its close callback once no message about it is in the pipe. */
void signal_close(uv_signal_t* h) noexcept;

}  // namespace uvref::detail
