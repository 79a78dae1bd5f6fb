/**
 * @file thread_check.h
 * @brief What the thread wrappers do when pthreads reports a programming error.
 *
 * libuv's lock, unlock, wait and destroy functions return void: pthreads
 * fails them only for misuse (unlocking a mutex another thread holds,
 * destroying a locked one, relocking a non-recursive mutex with error
 * checking). libuv then calls abort(). uvref aborts too, because carrying on
 * would run the program without the mutual exclusion it asked for, but it
 * first names the function and the error on stderr, so a learner reading a
 * core dump knows which call it was.
 *
 * libuv: src/unix/thread.c uv_mutex_lock
 *
 * Page: \docpage{api-thread}
 */
#pragma once

namespace uvref::detail {

/** Aborts with a message naming @p function if @p err (a pthread return value) is not 0. */
void thread_check(int err, const char* function) noexcept;

}  // namespace uvref::detail
