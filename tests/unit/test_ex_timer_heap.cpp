// Checks of the exercise walkthroughs/exercises/timer-heap (tag [ex:timer-heap]):
// the array binary heap of timers, driven directly: the minimum after each
// insert, ties broken by start order, and removal from the middle, where the
// last timer moved into the hole may have to go up or down.
#include <algorithm>
#include <random>
#include <vector>

#include "support/test_support.h"
#include "timer/timer_heap.h"

namespace detail = uvref::detail;

namespace {

/** A loop's heap with timers that are only keys: timeout and start_id. */
struct Heap {
  uv_loop_t loop;
  std::vector<uv_timer_t> timers;
  explicit Heap(size_t n) : timers(n) {
    REQUIRE(uv_loop_init(&loop) == 0);
    for (auto& t : timers) t = uv_timer_t{};
  }
  ~Heap() {
    loop.timer_heap.nelts = 0;  // the timers are not real: nothing to stop
    CHECK(uv_loop_close(&loop) == 0);
  }
  void insert(size_t i, uint64_t timeout, uint64_t start_id) {
    timers[i].timeout = timeout;
    timers[i].start_id = start_id;
    REQUIRE(detail::timer_heap_insert(&loop, &timers[i]) == 0);
  }
  /** Every node is where its heap_index says, and no child fires before its parent. */
  bool valid() const {
    const auto& h = loop.timer_heap;
    for (size_t i = 0; i < h.nelts; ++i) {
      if (h.nodes[i]->heap_index != i) return false;
      if (i > 0 && detail::timer_less(h.nodes[i], h.nodes[(i - 1) / 2])) return false;
    }
    return true;
  }
  const uv_timer_t* min() const { return detail::timer_heap_min(&loop); }
};

}  // namespace

TEST_CASE("timer heap: after each insert the earliest timer is at the top", "[ex:timer-heap]") {
  Heap heap(40);
  for (size_t i = 0; i < 40; ++i) {
    heap.insert(i, 1000 - 10 * i, i);  // each one earlier than all before it
    REQUIRE(heap.min() == &heap.timers[i]);
    REQUIRE(heap.valid());
  }
  CHECK(heap.loop.timer_heap.nelts == 40u);
}

TEST_CASE("timer heap: equal timeouts fire in start order", "[ex:timer-heap]") {
  Heap heap(3);
  heap.insert(0, 5, 30);
  heap.insert(1, 5, 20);
  heap.insert(2, 5, 10);
  CHECK(heap.min() == &heap.timers[2]);  // started first
  CHECK(heap.valid());
}

TEST_CASE("timer heap: removing from the middle moves the last timer up when it is earlier", "[ex:timer-heap]") {
  Heap heap(7);
  const uint64_t keys[] = {1, 50, 2, 60, 70, 3, 4};  // inserted in this order: already a heap
  for (size_t i = 0; i < 7; ++i) heap.insert(i, keys[i], i);
  REQUIRE(heap.valid());
  detail::timer_heap_remove(&heap.loop, &heap.timers[3]);  // 60: the last (4) lands under 50
  CHECK(heap.loop.timer_heap.nelts == 6u);
  CHECK(heap.valid());
  detail::timer_heap_remove(&heap.loop, &heap.timers[0]);  // the top: the last sinks
  CHECK(heap.valid());
  CHECK(heap.min() == &heap.timers[2]);
}

TEST_CASE("timer heap: random inserts and removals keep the order", "[ex:timer-heap]") {
  constexpr size_t kTimers = 500;
  Heap heap(kTimers);
  std::mt19937 rng(9);
  std::uniform_int_distribution<uint64_t> timeout(0, 100);
  std::vector<size_t> in;
  for (size_t i = 0; i < kTimers; ++i) {
    heap.insert(i, timeout(rng), i);
    in.push_back(i);
  }
  REQUIRE(heap.valid());
  std::shuffle(in.begin(), in.end(), rng);
  for (size_t k = 0; k < kTimers / 2; ++k) {  // half of them, from anywhere in the heap
    detail::timer_heap_remove(&heap.loop, &heap.timers[in[k]]);
    REQUIRE(heap.valid());
  }
  // What is left comes out sorted.
  const uv_timer_t* prev = nullptr;
  while (heap.min() != nullptr) {
    const uv_timer_t* top = heap.min();
    if (prev != nullptr) REQUIRE_FALSE(detail::timer_less(top, prev));
    detail::timer_heap_remove(&heap.loop, const_cast<uv_timer_t*>(top));
    prev = top;
  }
}
