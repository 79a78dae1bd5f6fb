/**
 * @file once.cpp
 * @brief uv_once(): run-once initialisation across threads (pthread_once).
 *
 * uv_once(&guard, fn) runs fn exactly once across all threads, however many
 * call it at the same time (pthread_once); a guard starts as UV_ONCE_INIT.
 *
 * libuv: src/unix/thread.c uv_once
 *
 * Page: \docpage{api-thread}
 */
#include "thread/thread_check.h"
#include "uv.h"

using uvref::detail::thread_check;

void uv_once(uv_once_t* guard, void (*callback)(void)) { thread_check(pthread_once(guard, callback), "uv_once"); }
