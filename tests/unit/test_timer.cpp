// Timers: firing order, ties in start order, repeat, uv_timer_again,
// uv_timer_get_due_in, stopping and restarting from inside the callback.
#include <vector>

#include "support/test_support.h"

namespace {

std::vector<int> fired;
void record(uv_timer_t* t) { fired.push_back(static_cast<int>(reinterpret_cast<intptr_t>(t->data))); }

void start_tagged(uv_loop_t* loop, uv_timer_t* t, int tag, uint64_t timeout) {
  REQUIRE(uv_timer_init(loop, t) == 0);
  t->data = reinterpret_cast<void*>(static_cast<intptr_t>(tag));
  REQUIRE(uv_timer_start(t, record, timeout, 0) == 0);
}

}  // namespace

TEST_CASE("timers fire in timeout order, not start order", "[timer]") {
  uv_timer_t t[4];
  uvref::test::TestLoop loop;
  fired.clear();
  start_tagged(loop, &t[0], 30, 30);
  start_tagged(loop, &t[1], 10, 10);
  start_tagged(loop, &t[2], 0, 0);
  start_tagged(loop, &t[3], 20, 20);
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(fired == std::vector<int>{0, 10, 20, 30});
}

TEST_CASE("timers with equal timeouts fire in the order they were started", "[timer]") {
  constexpr int kCount = 100;
  uv_timer_t t[kCount];
  uvref::test::TestLoop loop;
  fired.clear();
  for (int i = 0; i < kCount; ++i) start_tagged(loop, &t[i], i, 2);
  // Restarting moves a timer to the back of its tie group.
  REQUIRE(uv_timer_start(&t[0], record, 2, 0) == 0);
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
  std::vector<int> expected;
  for (int i = 1; i < kCount; ++i) expected.push_back(i);
  expected.push_back(0);
  CHECK(fired == expected);
}

TEST_CASE("a repeating timer fires every repeat ms until stopped", "[timer]") {
  static int calls;
  calls = 0;
  uv_timer_t t;
  uvref::test::TestLoop loop;
  REQUIRE(uv_timer_init(loop, &t) == 0);
  REQUIRE(uv_timer_start(&t, [](uv_timer_t* h) {
    if (++calls == 3) uv_timer_stop(h);
  }, 1, 10) == 0);
  CHECK(uv_timer_get_repeat(&t) == 10);
  uint64_t t0 = uv_hrtime();
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(calls == 3);
  // 1 ms, then twice 10 ms; each repeat counts from a loop time truncated to
  // the millisecond, so an interval can be up to 1 ms short.
  CHECK(uv_hrtime() - t0 >= 18 * 1000000ull);
  CHECK_FALSE(uv_is_active(uvref::test::as_handle(&t)));

  uv_timer_set_repeat(&t, 7);
  CHECK(uv_timer_get_repeat(&t) == 7);
}

TEST_CASE("uv_timer_again: UV_EINVAL before the first start, then restarts with the repeat", "[timer]") {
  uv_timer_t t;
  uvref::test::TestLoop loop;
  REQUIRE(uv_timer_init(loop, &t) == 0);
  CHECK(uv_timer_again(&t) == UV_EINVAL);
  CHECK_FALSE(uv_is_active(uvref::test::as_handle(&t)));

  REQUIRE(uv_timer_start(&t, record, 1000, 50) == 0);
  CHECK(uv_timer_get_due_in(&t) == 1000);
  CHECK(uv_timer_again(&t) == 0);
  CHECK(uv_timer_get_due_in(&t) == 50);  // restarted with timeout = repeat
  CHECK(uv_is_active(uvref::test::as_handle(&t)));

  // Without a repeat, again leaves the timer as it is.
  REQUIRE(uv_timer_start(&t, record, 1000, 0) == 0);
  CHECK(uv_timer_again(&t) == 0);
  CHECK(uv_timer_get_due_in(&t) == 1000);

  // A stopped timer with a repeat starts again.
  REQUIRE(uv_timer_start(&t, record, 1000, 30) == 0);
  REQUIRE(uv_timer_stop(&t) == 0);
  CHECK(uv_timer_again(&t) == 0);
  CHECK(uv_is_active(uvref::test::as_handle(&t)));
  CHECK(uv_timer_get_due_in(&t) == 30);
}

TEST_CASE("uv_timer_get_due_in counts down with the loop time and is 0 once fired", "[timer]") {
  uv_timer_t t;
  uv_timer_t quick;
  uvref::test::TestLoop loop;
  REQUIRE(uv_timer_init(loop, &t) == 0);
  CHECK(uv_timer_get_due_in(&t) == 0);  // never started
  REQUIRE(uv_timer_start(&t, record, 500, 0) == 0);
  CHECK(uv_timer_get_due_in(&t) == 500);

  fired.clear();
  start_tagged(loop, &quick, 1, 20);
  REQUIRE(uv_run(loop, UV_RUN_ONCE) == 1);
  REQUIRE(fired == std::vector<int>{1});
  uint64_t left = uv_timer_get_due_in(&t);
  CHECK(left <= 480);
  CHECK(left > 0);
  CHECK(uv_timer_get_due_in(&quick) == 0);
}

TEST_CASE("a timer stopped in its own callback does not fire again", "[timer]") {
  static int calls;
  calls = 0;
  uv_timer_t t;
  uvref::test::TestLoop loop;
  REQUIRE(uv_timer_init(loop, &t) == 0);
  REQUIRE(uv_timer_start(&t, [](uv_timer_t* h) {
    ++calls;
    REQUIRE(uv_timer_stop(h) == 0);
  }, 0, 1) == 0);
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(calls == 1);
}

TEST_CASE("a timer stopping another due timer in its callback cancels it", "[timer]") {
  uv_timer_t first;
  uv_timer_t second;
  uvref::test::TestLoop loop;
  fired.clear();
  REQUIRE(uv_timer_init(loop, &first) == 0);
  first.data = &second;
  REQUIRE(uv_timer_start(&first, [](uv_timer_t* h) {
    fired.push_back(1);
    uv_timer_stop(static_cast<uv_timer_t*>(h->data));
  }, 5, 0) == 0);
  start_tagged(loop, &second, 2, 5);  // due at the same time, after `first`
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(fired == std::vector<int>{1});
}

TEST_CASE("a timer restarted in its own callback fires again with the new timeout", "[timer]") {
  static int calls;
  calls = 0;
  uv_timer_t t;
  uvref::test::TestLoop loop;
  REQUIRE(uv_timer_init(loop, &t) == 0);
  REQUIRE(uv_timer_start(&t, [](uv_timer_t* h) {
    if (++calls < 3) REQUIRE(uv_timer_start(h, h->timer_cb, 2, 0) == 0);
  }, 1, 0) == 0);
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(calls == 3);
}

TEST_CASE("uv_timer_start: UV_EINVAL without a callback or on a closing timer", "[timer]") {
  uv_timer_t t;
  uvref::test::TestLoop loop;
  REQUIRE(uv_timer_init(loop, &t) == 0);
  CHECK(uv_timer_start(&t, nullptr, 1, 0) == UV_EINVAL);
  uv_close(uvref::test::as_handle(&t), nullptr);
  CHECK(uv_timer_start(&t, record, 1, 0) == UV_EINVAL);
  CHECK(uv_loop_alive(loop));  // only the close callback keeps it alive
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
}

TEST_CASE("a timer restarted with timeout 0 from its callback fires once per iteration", "[timer]") {
  // libuv 1.44 loops forever here (the restarted timer is due again at once);
  // uvref defers timers started during the timer phase to the next iteration.
  uv_timer_t t;
  uvref::test::TestLoop loop;
  static int calls;
  calls = 0;
  REQUIRE(uv_timer_init(loop, &t) == 0);
  REQUIRE(uv_timer_start(&t, [](uv_timer_t* h) {
    ++calls;
    uv_timer_start(h, h->timer_cb, 0, 0);
  }, 0, 0) == 0);
  uv_run(loop, UV_RUN_NOWAIT);
  CHECK(calls == 1);
  uv_run(loop, UV_RUN_NOWAIT);
  CHECK(calls == 2);
}
