/**
 * @file timer_heap.h
 * @brief The loop's active timers as a binary min-heap, earliest due first.
 *
 * The heap is a plain array, `loop->timer_heap.nodes`, so a debugger can
 * print it: `p *loop->timer_heap.nodes@loop->timer_heap.nelts`. Each timer
 * remembers its index (`heap_index`), so stopping one is O(log n) too.
 * Ties are broken by `start_id`, the order of uv_timer_start() calls: two
 * timers due at the same millisecond fire in the order they were started.
 *
 * libuv: src/heap-inl.h (an intrusive pointer-based heap), src/timer.c timer_less_than
 */
#pragma once

#include "uv.h"

namespace uvref::detail {

/** True if @p a fires before @p b. */
inline bool timer_less(const uv_timer_t* a, const uv_timer_t* b) noexcept {
  if (a->timeout != b->timeout) return a->timeout < b->timeout;
  return a->start_id < b->start_id;
}

/** Adds @p t; UV_ENOMEM if the array cannot grow. */
int timer_heap_insert(uv_loop_t* loop, uv_timer_t* t) noexcept;
/** Removes @p t, which must be in the heap. */
void timer_heap_remove(uv_loop_t* loop, uv_timer_t* t) noexcept;
/** The earliest timer, or nullptr. */
inline uv_timer_t* timer_heap_min(const uv_loop_t* loop) noexcept {
  return loop->timer_heap.nelts ? loop->timer_heap.nodes[0] : nullptr;
}

}  // namespace uvref::detail
