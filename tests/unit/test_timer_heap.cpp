// The timer heap under load: 10 000 timers started in random order (and a
// tenth of them stopped again) fire sorted by due time, ties in start order.
#include <algorithm>
#include <memory>
#include <random>
#include <vector>

#include "support/test_support.h"

namespace {

struct Tagged {
  uv_timer_t timer;
  uint64_t timeout;
  int start_rank;  // position in the start sequence
  bool stopped;
};

std::vector<const Tagged*> order;

}  // namespace

TEST_CASE("10 000 timers in random order fire sorted by timeout, ties in start order", "[timer][heap][ex:timer-heap]") {
  constexpr int kTimers = 10000;
  std::unique_ptr<Tagged[]> timers(new Tagged[kTimers]);  // before the loop: closed by it
  uvref::test::TestLoop loop;
  order.clear();
  order.reserve(kTimers);

  std::mt19937 rng(20240601);
  std::uniform_int_distribution<uint64_t> timeout(0, 25);  // few values: many ties
  std::vector<int> start_seq(kTimers);
  for (int i = 0; i < kTimers; ++i) start_seq[i] = i;
  std::shuffle(start_seq.begin(), start_seq.end(), rng);

  for (int rank = 0; rank < kTimers; ++rank) {
    Tagged& t = timers[start_seq[rank]];
    t.timeout = timeout(rng);
    t.start_rank = rank;
    t.stopped = false;
    REQUIRE(uv_timer_init(loop, &t.timer) == 0);
    t.timer.data = &t;
    REQUIRE(uv_timer_start(&t.timer, [](uv_timer_t* h) { order.push_back(static_cast<Tagged*>(h->data)); },
                           t.timeout, 0) == 0);
  }
  // Stopping from the middle of the heap exercises removal (sift up or down).
  for (int i = 0; i < kTimers; i += 10) {
    REQUIRE(uv_timer_stop(&timers[i].timer) == 0);
    timers[i].stopped = true;
  }

  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);

  REQUIRE(order.size() == static_cast<size_t>(kTimers - kTimers / 10));
  for (const Tagged* t : order) REQUIRE_FALSE(t->stopped);
  for (size_t i = 1; i < order.size(); ++i) {
    const Tagged* a = order[i - 1];
    const Tagged* b = order[i];
    INFO("position " << i << ": timeout " << a->timeout << " rank " << a->start_rank << " then timeout "
                     << b->timeout << " rank " << b->start_rank);
    REQUIRE((a->timeout < b->timeout || (a->timeout == b->timeout && a->start_rank < b->start_rank)));
  }
}
