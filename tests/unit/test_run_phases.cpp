// One uv_run() iteration runs its phases in libuv's order:
//   timers → pending → idle → prepare → poll → check → closing
// Each phase gets one callback that records its name.
#include <string>
#include <vector>

#include "core/internal.h"
#include "support/test_support.h"

using uvref::test::as_handle;

namespace {

std::vector<std::string> order;

void on_timer(uv_timer_t*) { order.push_back("timers"); }
void on_pending(uv_loop_t*, uv__io_t*, unsigned int) { order.push_back("pending"); }
void on_idle(uv_idle_t* h) {
  order.push_back("idle");
  uv_idle_stop(h);
}
void on_prepare(uv_prepare_t* h) {
  order.push_back("prepare");
  uv_prepare_stop(h);
}
void on_async(uv_async_t*) { order.push_back("poll"); }
void on_async_then_close(uv_async_t* h) {
  order.push_back("poll");
  uv_close(as_handle(h), nullptr);  // nothing left alive: DEFAULT ends after this iteration
}
void on_check(uv_check_t* h) {
  order.push_back("check");
  uv_check_stop(h);
}
void on_close(uv_handle_t*) { order.push_back("closing"); }

const std::vector<std::string> kLibuvOrder = {"timers", "pending", "idle",   "prepare",
                                              "poll",   "check",   "closing"};

/** Arms one callback per phase, all due in the very next iteration. */
struct AllPhases {
  uv_timer_t timer;
  uv_idle_t idle;
  uv_prepare_t prepare;
  uv_async_t async;
  uv_check_t check;
  uv_timer_t doomed;
  uv__io_t fed;

  void arm(uv_loop_t* loop) {
    order.clear();
    REQUIRE(uv_timer_init(loop, &timer) == 0);
    REQUIRE(uv_timer_start(&timer, on_timer, 0, 0) == 0);
    // The pending phase runs watchers that io_feed() deferred (a stream's
    // write error, for instance); a bare watcher with no descriptor will do.
    uvref::detail::io_init(&fed, on_pending, -1);
    uvref::detail::io_feed(loop, &fed);
    REQUIRE(uv_idle_init(loop, &idle) == 0);
    REQUIRE(uv_idle_start(&idle, on_idle) == 0);
    REQUIRE(uv_prepare_init(loop, &prepare) == 0);
    REQUIRE(uv_prepare_start(&prepare, on_prepare) == 0);
    REQUIRE(uv_async_init(loop, &async, on_async) == 0);
    REQUIRE(uv_async_send(&async) == 0);  // its eventfd is readable: the poll phase sees it
    REQUIRE(uv_check_init(loop, &check) == 0);
    REQUIRE(uv_check_start(&check, on_check) == 0);
    REQUIRE(uv_timer_init(loop, &doomed) == 0);
    uv_close(as_handle(&doomed), on_close);
  }
};

}  // namespace

TEST_CASE("uv_run(ONCE): timers, pending, idle, prepare, poll, check, closing", "[run][phases]") {
  AllPhases h;
  uvref::test::TestLoop loop;
  h.arm(loop);
  CHECK(order.empty());  // nothing runs before uv_run
  uv_run(loop, UV_RUN_ONCE);
  CHECK(order == kLibuvOrder);
}

TEST_CASE("uv_run(NOWAIT): the same phase order", "[run][phases]") {
  AllPhases h;
  uvref::test::TestLoop loop;
  h.arm(loop);
  uv_run(loop, UV_RUN_NOWAIT);
  CHECK(order == kLibuvOrder);
}

TEST_CASE("uv_run(DEFAULT): the same phase order in the first iteration", "[run][phases]") {
  AllPhases h;
  uvref::test::TestLoop loop;
  h.arm(loop);
  // The async is the only handle that would keep DEFAULT running: it closes
  // itself in its callback, so the first iteration is also the last.
  h.async.async_cb = on_async_then_close;
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(order == kLibuvOrder);
}

TEST_CASE("prepare runs right before the poll blocks, check right after it wakes", "[run][phases]") {
  uv_prepare_t prepare;
  uv_check_t check;
  uv_timer_t timer;
  uvref::test::TestLoop loop;
  order.clear();
  static uint64_t prepare_at, check_at;
  REQUIRE(uv_prepare_init(loop, &prepare) == 0);
  REQUIRE(uv_prepare_start(&prepare, [](uv_prepare_t* h) {
    prepare_at = uv_hrtime();
    uv_prepare_stop(h);
  }) == 0);
  REQUIRE(uv_check_init(loop, &check) == 0);
  REQUIRE(uv_check_start(&check, [](uv_check_t* h) {
    check_at = uv_hrtime();
    uv_check_stop(h);
  }) == 0);
  REQUIRE(uv_timer_init(loop, &timer) == 0);
  uv_update_time(loop);
  REQUIRE(uv_timer_start(&timer, on_timer, 20, 0) == 0);
  uv_run(loop, UV_RUN_ONCE);
  CHECK(order == std::vector<std::string>{"timers"});
  CHECK(check_at - prepare_at >= 10 * 1000000ull);  // the poll slept in between
}
