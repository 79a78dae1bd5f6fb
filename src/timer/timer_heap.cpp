/**
 * @file timer_heap.cpp
 * @brief Array binary heap of timers: sift up on insert, sift down or up on removal.
 *
 * libuv: src/heap-inl.h heap_insert, heap_remove
 *
 * Page: \docpage{core-timers}
 */
#include "timer/timer_heap.h"

#include <cstdlib>
#include <utility>

namespace uvref::detail {
namespace {

void place(uv_loop_t* loop, size_t i, uv_timer_t* t) noexcept {
  loop->timer_heap.nodes[i] = t;
  t->heap_index = i;
}

// [docs:timer-heap-sift]
void sift_up(uv_loop_t* loop, size_t i) noexcept {
  uv_timer_t** nodes = loop->timer_heap.nodes;
  uv_timer_t* t = nodes[i];
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!timer_less(t, nodes[parent])) break;
    place(loop, i, nodes[parent]);
    i = parent;
  }
  place(loop, i, t);
}

void sift_down(uv_loop_t* loop, size_t i) noexcept {
  uv_timer_t** nodes = loop->timer_heap.nodes;
  size_t n = loop->timer_heap.nelts;
  uv_timer_t* t = nodes[i];
  for (;;) {
    size_t child = 2 * i + 1;
    if (child >= n) break;
    if (child + 1 < n && timer_less(nodes[child + 1], nodes[child])) ++child;
    if (!timer_less(nodes[child], t)) break;
    place(loop, i, nodes[child]);
    i = child;
  }
  place(loop, i, t);
}
// [/docs:timer-heap-sift]

}  // namespace

int timer_heap_insert(uv_loop_t* loop, uv_timer_t* t) noexcept {
  auto& heap = loop->timer_heap;
  if (heap.nelts == heap.capacity) {
    unsigned int capacity = heap.capacity ? heap.capacity * 2 : 16;
    void* grown = std::realloc(heap.nodes, capacity * sizeof(uv_timer_t*));
    if (grown == nullptr) return UV_ENOMEM;
    heap.nodes = static_cast<uv_timer_t**>(grown);
    heap.capacity = capacity;
  }
  place(loop, heap.nelts++, t);
  sift_up(loop, t->heap_index);
  return 0;
}

// [docs:timer-heap-remove]
void timer_heap_remove(uv_loop_t* loop, uv_timer_t* t) noexcept {
  auto& heap = loop->timer_heap;
  size_t i = t->heap_index;
  uv_timer_t* last = heap.nodes[--heap.nelts];
  if (last == t) return;  // it was the last element
  // Move the last timer into the hole; it may belong higher or lower.
  place(loop, i, last);
  if (i > 0 && timer_less(last, heap.nodes[(i - 1) / 2])) {
    sift_up(loop, i);
  } else {
    sift_down(loop, i);
  }
}
// [/docs:timer-heap-remove]

}  // namespace uvref::detail
