// uv_run()'s three modes, uv_stop(), uv_loop_alive() and uv_backend_timeout().
#include <chrono>
#include <thread>

#include "support/test_support.h"

using uvref::test::as_handle;

namespace {

int fired = 0;
void count(uv_timer_t*) { ++fired; }

uint64_t ms_since(uint64_t start_ns) { return (uv_hrtime() - start_ns) / 1000000; }

}  // namespace

TEST_CASE("uv_run(DEFAULT) returns 0 at once when nothing is alive", "[run][modes]") {
  uvref::test::TestLoop loop;
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);  // a loop that blocked here would never return
  CHECK_FALSE(uv_loop_alive(loop));
}

TEST_CASE("uv_run(DEFAULT) runs until the last active handle is done", "[run][modes]") {
  uv_timer_t timer;
  uvref::test::TestLoop loop;
  fired = 0;
  REQUIRE(uv_timer_init(loop, &timer) == 0);
  REQUIRE(uv_timer_start(&timer, [](uv_timer_t* t) {
    if (++fired == 3) uv_timer_stop(t);
  }, 1, 1) == 0);
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(fired == 3);
  CHECK_FALSE(uv_loop_alive(loop));
}

TEST_CASE("uv_run(ONCE) blocks until a timer is due and runs it after the poll", "[run][modes][ex:run-iteration]") {
  uv_timer_t timer;
  uvref::test::TestLoop loop;
  fired = 0;
  REQUIRE(uv_timer_init(loop, &timer) == 0);
  uint64_t t0 = uv_hrtime();
  uv_update_time(loop);  // the timer counts from here, not from uv_loop_init
  REQUIRE(uv_timer_start(&timer, count, 30, 0) == 0);
  CHECK(uv_run(loop, UV_RUN_ONCE) == 0);  // nothing left alive
  CHECK(fired == 1);                      // in the same call: the timers run again after the poll
  CHECK(ms_since(t0) >= 29);
}

TEST_CASE("uv_run(ONCE) blocks for one event from another thread and returns 1 while alive",
          "[run][modes]") {
  static int async_calls;
  async_calls = 0;
  uv_async_t async;
  uvref::test::TestLoop loop;
  REQUIRE(uv_async_init(loop, &async, [](uv_async_t*) { ++async_calls; }) == 0);
  uint64_t t0 = uv_hrtime();
  std::thread sender([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    uv_async_send(&async);
  });
  CHECK(uv_run(loop, UV_RUN_ONCE) == 1);  // the async handle is still active
  sender.join();
  CHECK(async_calls == 1);
  CHECK(ms_since(t0) >= 25);
}

TEST_CASE("uv_run(NOWAIT) does not block", "[run][modes]") {
  uv_timer_t far;
  uv_timer_t due;
  uvref::test::TestLoop loop;
  fired = 0;
  REQUIRE(uv_timer_init(loop, &far) == 0);
  REQUIRE(uv_timer_start(&far, count, 3600 * 1000, 0) == 0);  // blocking would mean an hour
  REQUIRE(uv_timer_init(loop, &due) == 0);
  REQUIRE(uv_timer_start(&due, count, 0, 0) == 0);
  CHECK(uv_run(loop, UV_RUN_NOWAIT) == 1);  // `far` keeps it alive
  CHECK(fired == 1);                        // only the due timer: the poll did not wait for `far`
  CHECK(uv_run(loop, UV_RUN_NOWAIT) == 1);
  CHECK(fired == 1);
}

TEST_CASE("uv_stop makes uv_run return at the end of the iteration; the next uv_run continues",
          "[run][modes]") {
  uv_timer_t timer;
  uvref::test::TestLoop loop;
  fired = 0;
  REQUIRE(uv_timer_init(loop, &timer) == 0);
  REQUIRE(uv_timer_start(&timer, [](uv_timer_t* t) {
    ++fired;
    if (fired == 2) uv_stop(t->loop);
    if (fired == 4) uv_timer_stop(t);
  }, 1, 1) == 0);
  CHECK(uv_run(loop, UV_RUN_DEFAULT) != 0);  // stopped while still alive
  CHECK(fired == 2);
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);  // uv_stop lasted one uv_run call
  CHECK(fired == 4);
}

TEST_CASE("uv_stop before uv_run: it returns without running anything", "[run][modes]") {
  uv_timer_t timer;
  uvref::test::TestLoop loop;
  fired = 0;
  REQUIRE(uv_timer_init(loop, &timer) == 0);
  REQUIRE(uv_timer_start(&timer, count, 0, 0) == 0);
  uv_stop(loop);
  CHECK(uv_backend_timeout(loop) == 0);
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 1);
  CHECK(fired == 0);
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(fired == 1);
}

TEST_CASE("uv_loop_alive: active referenced handles, requests and closing handles", "[run][alive]") {
  uv_timer_t timer;
  uvref::test::TestLoop loop;
  CHECK_FALSE(uv_loop_alive(loop));  // the loop's own handles do not count
  REQUIRE(uv_timer_init(loop, &timer) == 0);
  CHECK_FALSE(uv_loop_alive(loop));  // open but inactive
  REQUIRE(uv_timer_start(&timer, count, 1000, 0) == 0);
  CHECK(uv_loop_alive(loop));
  uv_unref(as_handle(&timer));
  CHECK_FALSE(uv_loop_alive(loop));
  uv_ref(as_handle(&timer));
  CHECK(uv_loop_alive(loop));
  REQUIRE(uv_timer_stop(&timer) == 0);
  CHECK_FALSE(uv_loop_alive(loop));
  uv_close(as_handle(&timer), nullptr);
  CHECK(uv_loop_alive(loop));  // a close callback is still due
  CHECK(uv_run(loop, UV_RUN_NOWAIT) == 0);
  CHECK_FALSE(uv_loop_alive(loop));
}

TEST_CASE("uv_backend_timeout: 0, -1, or the distance to the next timer", "[run][timeout][ex:run-iteration]") {
  uv_timer_t timer;
  uv_idle_t idle;
  uv_async_t async;
  uvref::test::TestLoop loop;
  CHECK(uv_backend_timeout(loop) == 0);  // nothing alive: uv_run would not wait

  REQUIRE(uv_async_init(loop, &async, [](uv_async_t*) {}) == 0);
  // The loop-init watchers are queued for epoll, not registered: until a
  // uv_run() applies them, an embedder must not sleep on the backend fd (libuv too).
  CHECK(uv_backend_timeout(loop) == 0);
  uv_run(loop, UV_RUN_NOWAIT);
  CHECK(uv_backend_timeout(loop) == -1);  // only an async: wait for it forever

  REQUIRE(uv_timer_init(loop, &timer) == 0);
  REQUIRE(uv_timer_start(&timer, count, 1234, 0) == 0);
  CHECK(uv_backend_timeout(loop) == 1234);  // loop time is cached: exactly the timeout

  REQUIRE(uv_idle_init(loop, &idle) == 0);
  REQUIRE(uv_idle_start(&idle, [](uv_idle_t*) {}) == 0);
  CHECK(uv_backend_timeout(loop) == 0);  // an active idle handle: never block
  REQUIRE(uv_idle_stop(&idle) == 0);
  CHECK(uv_backend_timeout(loop) == 1234);

  uv_close(as_handle(&idle), nullptr);
  CHECK(uv_backend_timeout(loop) == 0);  // a close callback is due
  uv_run(loop, UV_RUN_NOWAIT);

  REQUIRE(uv_timer_stop(&timer) == 0);
  CHECK(uv_backend_timeout(loop) == -1);
}

TEST_CASE("uv_now is cached; uv_update_time and uv_run refresh it; uv_hrtime is monotonic",
          "[run][time]") {
  uv_timer_t timer;
  uvref::test::TestLoop loop;
  const uint64_t now0 = uv_now(loop);
  const uint64_t hr0 = uv_hrtime();
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  CHECK(uv_now(loop) == now0);  // no clock read without update
  const uint64_t hr1 = uv_hrtime();
  CHECK(hr1 - hr0 >= 20 * 1000000ull);
  CHECK(hr1 >= hr0);

  uv_update_time(loop);
  const uint64_t now1 = uv_now(loop);
  CHECK(now1 >= now0 + 19);  // milliseconds, truncated
  CHECK(now1 <= uv_hrtime() / 1000000);

  std::this_thread::sleep_for(std::chrono::milliseconds(5));
  REQUIRE(uv_timer_init(loop, &timer) == 0);
  REQUIRE(uv_timer_start(&timer, count, 0, 0) == 0);
  uv_run(loop, UV_RUN_NOWAIT);
  CHECK(uv_now(loop) >= now1 + 4);

  uint64_t prev = uv_hrtime();
  for (int i = 0; i < 1000; ++i) {
    uint64_t t = uv_hrtime();
    REQUIRE(t >= prev);
    prev = t;
  }
}
