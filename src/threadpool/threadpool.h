/**
 * @file threadpool.h
 * @brief The pool's internal interface, used by uv_queue_work() (and, in libuv, by fs and dns requests).
 *
 * libuv: src/threadpool.c uv__work_submit, uv__work_cancel (declared in src/uv-common.h)
 */
#pragma once

#include "uv.h"

namespace uvref::detail {

/** Queues @p w: @p work runs on a pool thread, then @p done on @p loop's thread. */
void work_submit(uv_loop_t* loop, uv__work* w, void (*work)(uv__work*),
                 void (*done)(uv__work*, int)) noexcept;
/** Takes @p w off the pool queue if no thread has picked it up; UV_EBUSY otherwise. */
int work_cancel(uv_loop_t* loop, uv__work* w) noexcept;
/** The loop side of the pool: runs each finished request's done callback (the wq_async handle's callback). */
void work_done(uv_async_t* handle) noexcept;
/** Stops and joins the pool's threads; the next work_submit() starts a new pool. */
void threadpool_cleanup() noexcept;

}  // namespace uvref::detail
