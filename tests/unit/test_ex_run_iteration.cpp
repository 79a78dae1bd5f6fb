// Checks of the exercise walkthroughs/exercises/run-iteration (tag
// [ex:run-iteration]): how long the poll of one uv_run() iteration may sleep
// (backend_timeout, the three run modes, UV_RUN_ONCE's decision taken before
// the pending and idle phases) and the pending passes right after the poll.
//
// Whether the poll slept is not guessed from the clock: a second thread reads
// /proc/self/task/TID/syscall, where the kernel shows a thread blocked in
// epoll_wait() with its arguments, timeout included. It records that timeout
// and wakes the loop with an unreferenced async handle, so a poll that should
// not have slept fails the check instead of hanging it. Each case that
// libuv's behaviour decides is also a case of the differential program
// tests/differential/run_can_sleep.c, run against Debian's libuv 1.44.2.
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <fstream>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "core/internal.h"
#include "support/test_support.h"

using uvref::test::as_handle;
using uvref::test::TestLoop;
namespace detail = uvref::detail;

namespace {

constexpr int kHour = 3600 * 1000;  // a timer far enough away that a poll that waits for it is seen waiting
const std::vector<int> kNoSleep;    // what PollSpy::sleeps holds when no poll slept

/** True while thread @p tid sleeps in epoll_wait(); *timeout is the timeout it passed (ms, -1: forever). */
bool asleep_in_poll(pid_t tid, int* timeout) {
  std::ifstream f("/proc/self/task/" + std::to_string(tid) + "/syscall");
  long nr = -1;
  if (!(f >> nr) || (nr != SYS_epoll_wait && nr != SYS_epoll_pwait)) return false;
  unsigned long args[4];
  f >> std::hex >> args[0] >> args[1] >> args[2] >> args[3];
  if (!f) return false;
  *timeout = static_cast<int>(static_cast<long>(args[3]));
  return true;
}

/**
 * Runs uv_run() while a second thread watches for the poll sleeping. Each sleep
 * is recorded (its timeout) and ended at once with an unreferenced async handle,
 * so the loop goes on as if the poll had returned early. Declare it before the
 * TestLoop (the loop closes its handle).
 */
class PollSpy {
 public:
  std::vector<int> sleeps;        ///< the timeout of each poll that slept, in order
  std::function<void()> on_wake;  ///< runs on the loop thread after each wake-up

  void attach(uv_loop_t* loop) {
    REQUIRE(uv_async_init(loop, &wake_, woke) == 0);
    wake_.data = this;
    uv_unref(as_handle(&wake_));  // it must not keep the loop alive, nor change when it may sleep
  }

  int run(uv_loop_t* loop, uv_run_mode mode) {
    std::atomic<bool> done{false};
    const pid_t tid = gettid();
    std::thread watcher([&] {
      while (!done) {
        int timeout = 0;
        if (asleep_in_poll(tid, &timeout) && timeout != 0) {
          sleeps.push_back(timeout);
          const unsigned seen = woken_;
          uv_async_send(&wake_);
          while (!done && woken_ == seen) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        } else {
          std::this_thread::sleep_for(std::chrono::microseconds(200));
        }
      }
    });
    const int r = uv_run(loop, mode);
    done = true;
    watcher.join();
    return r;
  }

 private:
  static void woke(uv_async_t* h) {
    auto* spy = static_cast<PollSpy*>(h->data);
    ++spy->woken_;
    if (spy->on_wake) spy->on_wake();
  }

  uv_async_t wake_;
  std::atomic<unsigned> woken_{0};
};

int idle_calls, check_calls, timer_calls, fed_calls, prepare_calls;

void reset_counts() { idle_calls = check_calls = timer_calls = fed_calls = prepare_calls = 0; }
void idle_once(uv_idle_t* h) {
  ++idle_calls;
  uv_idle_stop(h);  // stops the last idle handle: only a decision taken before the idle phase sees it
}
void count_check(uv_check_t*) { ++check_calls; }
void count_timer(uv_timer_t*) { ++timer_calls; }
void count_fed(uv_loop_t*, uv__io_t*, unsigned int) { ++fed_calls; }

/** A poll timeout close to a kHour timer started at this iteration's loop time or a little earlier. */
bool about_an_hour(int timeout) { return timeout > kHour - 60 * 1000 && timeout <= kHour; }

/**
 * What most checks start from: a loop, its spy, and a timer an hour away. Declare
 * the test's other handles before it: it closes them when the test ends.
 */
struct SpiedLoop {
  PollSpy spy;
  uv_timer_t far;
  TestLoop loop;
  SpiedLoop() {
    reset_counts();
    spy.attach(loop);
    REQUIRE(uv_timer_init(loop, &far) == 0);
    REQUIRE(uv_timer_start(&far, count_timer, kHour, 0) == 0);
  }
  int run(uv_run_mode mode) { return spy.run(loop, mode); }
};

}  // namespace

TEST_CASE("run iteration: the poll timeout is 0 while the loop is stopped or a callback is pending, else the "
          "time to the next timer",
          "[ex:run-iteration]") {
  uv_timer_t far;
  uv__io_t fed;
  TestLoop loop;
  reset_counts();
  REQUIRE(uv_timer_init(loop, &far) == 0);
  REQUIRE(uv_timer_start(&far, count_timer, kHour, 0) == 0);
  uv_run(loop, UV_RUN_NOWAIT);  // applies the loop's queued epoll registrations
  REQUIRE(uv_timer_start(&far, count_timer, kHour, 0) == 0);  // due exactly kHour after the cached loop time
  {
    INFO("only a timer an hour away: the poll may sleep until it (uv_backend_timeout is its distance)");
    CHECK(uv_backend_timeout(loop) == kHour);
  }
  uv_stop(loop);
  {
    INFO("after uv_stop(): 0, the iteration must end without sleeping");
    CHECK(uv_backend_timeout(loop) == 0);
  }
  CHECK(uv_run(loop, UV_RUN_NOWAIT) == 1);  // stopped: returns at once and forgets the stop
  detail::io_init(&fed, count_fed, -1);
  detail::io_feed(loop, &fed);
  {
    INFO("a callback waits in the pending queue: 0, sleeping would delay it until the timer");
    CHECK(uv_backend_timeout(loop) == 0);
  }
  uv_run(loop, UV_RUN_NOWAIT);
  REQUIRE(fed_calls == 1);
  uv_unref(as_handle(&far));
  {
    INFO("nothing keeps the loop alive (its only timer is unreferenced): 0, uv_run is about to return");
    CHECK(uv_backend_timeout(loop) == 0);
  }
}

TEST_CASE("run iteration: UV_RUN_NOWAIT never sleeps; UV_RUN_ONCE and UV_RUN_DEFAULT sleep until the next timer",
          "[ex:run-iteration]") {
  uv_idle_t idle;
  uv_prepare_t prepare;
  SpiedLoop l;
  PollSpy& spy = l.spy;
  uv_loop_t* loop = l.loop;
  {
    INFO("UV_RUN_NOWAIT with a timer an hour away: the poll only looks, with timeout 0 "
         "(as libuv 1.44.2: diff.run_can_sleep, case nowait-idle-timer)");
    CHECK(l.run(UV_RUN_NOWAIT) == 1);
    CHECK(spy.sleeps == kNoSleep);
  }
  {
    INFO("UV_RUN_ONCE, nothing pending, no idle handle, a timer an hour away: the poll sleeps until the timer "
         "(as libuv 1.44.2: diff.run_can_sleep, case once-timer)");
    CHECK(l.run(UV_RUN_ONCE) == 1);
    REQUIRE(spy.sleeps.size() == 1);  // else the DEFAULT run below could spin for an hour
    CHECK(about_an_hour(spy.sleeps[0]));
    CHECK(timer_calls == 0);
  }
  spy.sleeps.clear();
  int prepares_at_wake = -1;
  spy.on_wake = [&] {
    prepares_at_wake = prepare_calls;
    uv_timer_stop(&l.far);  // nothing left: DEFAULT returns
  };
  REQUIRE(uv_idle_init(loop, &idle) == 0);
  REQUIRE(uv_idle_start(&idle, idle_once) == 0);
  REQUIRE(uv_prepare_init(loop, &prepare) == 0);
  prepare.data = &l.far;
  REQUIRE(uv_prepare_start(&prepare, [](uv_prepare_t* h) {
    if (++prepare_calls == 1000) uv_timer_stop(static_cast<uv_timer_t*>(h->data));  // a loop that never sleeps
  }) == 0);
  uv_unref(as_handle(&prepare));  // it counts iterations, it does not keep the loop alive
  {
    INFO("UV_RUN_DEFAULT asks after the phases: the idle callback stopped the last idle handle, so the poll of "
         "the first iteration sleeps until the timer (as libuv 1.44.2: diff.run_can_sleep, case "
         "default-idle-timer)");
    CHECK(l.run(UV_RUN_DEFAULT) == 0);
    CHECK(idle_calls == 1);
    REQUIRE(spy.sleeps.size() == 1);
    CHECK(about_an_hour(spy.sleeps[0]));
    CHECK(prepares_at_wake == 1);
  }
}

TEST_CASE("run iteration: UV_RUN_ONCE does not sleep after an idle callback, even one that stopped the last idle "
          "handle",
          "[ex:run-iteration]") {
  uv_idle_t idle;
  uv_check_t check;
  SpiedLoop l;
  uv_loop_t* loop = l.loop;
  REQUIRE(uv_idle_init(loop, &idle) == 0);
  REQUIRE(uv_idle_start(&idle, idle_once) == 0);
  {
    INFO("an idle handle was active when the iteration began: UV_RUN_ONCE must not sleep, although the idle "
         "callback stopped it; that callback was its progress (as libuv 1.44.2: diff.run_can_sleep, case "
         "once-idle-timer)");
    CHECK(l.run(UV_RUN_ONCE) == 1);
    CHECK(idle_calls == 1);
    CHECK(l.spy.sleeps == kNoSleep);
    CHECK(timer_calls == 0);
  }
  REQUIRE(uv_timer_stop(&l.far) == 0);
  REQUIRE(uv_idle_start(&idle, idle_once) == 0);
  REQUIRE(uv_check_init(loop, &check) == 0);
  REQUIRE(uv_check_start(&check, count_check) == 0);
  {
    INFO("the same with a check handle and no timer, where sleeping would be for ever "
         "(as libuv 1.44.2: diff.run_can_sleep, case once-idle-check)");
    CHECK(l.run(UV_RUN_ONCE) == 1);
    CHECK(idle_calls == 2);
    CHECK(check_calls == 1);
    CHECK(l.spy.sleeps == kNoSleep);
  }
}

TEST_CASE("run iteration: UV_RUN_ONCE does not sleep after a pending callback ran", "[ex:run-iteration]") {
  uv__io_t fed;
  SpiedLoop l;
  detail::io_init(&fed, count_fed, -1);
  detail::io_feed(l.loop, &fed);  // like the write callback of a write that completed at once
  INFO("a callback was pending when the iteration began: it was UV_RUN_ONCE's progress, the poll must not "
       "sleep (as libuv 1.44.2: diff.run_can_sleep, case once-pending)");
  CHECK(l.run(UV_RUN_ONCE) == 1);
  CHECK(fed_calls == 1);
  CHECK(l.spy.sleeps == kNoSleep);
  CHECK(timer_calls == 0);
}

TEST_CASE("run iteration: UV_RUN_ONCE sleeps when nothing was pending and no idle handle was active",
          "[ex:run-iteration]") {
  uv_check_t check;
  SpiedLoop l;
  uv_loop_t* loop = l.loop;
  REQUIRE(uv_check_init(loop, &check) == 0);
  REQUIRE(uv_check_start(&check, count_check) == 0);
  INFO("nothing to run now and a timer an hour away: UV_RUN_ONCE's poll sleeps until the timer, or it would "
       "return without having run a callback");
  CHECK(l.run(UV_RUN_ONCE) == 1);
  REQUIRE(l.spy.sleeps.size() == 1);
  CHECK(about_an_hour(l.spy.sleeps[0]));
  CHECK(check_calls == 1);  // the check phase ran after the (woken) poll
}

namespace {

std::vector<std::string> order;
int chain = 0;  // how many times the fed callback defers itself again
uv__io_t fed_watcher;

void fed_again(uv_loop_t* loop, uv__io_t* w, unsigned int) {
  order.push_back("pending");
  if (++fed_calls < chain) detail::io_feed(loop, w);  // a write_cb that writes again, completing at once
}
void feed_from_poll(uv_async_t* h) {
  order.push_back("poll");
  detail::io_feed(h->loop, &fed_watcher);  // deferred during the poll, like a write that completed at once
}
void check_order(uv_check_t*) { order.push_back("check"); }

}  // namespace

TEST_CASE("run iteration: callbacks deferred during the poll run in passes right after it, before the check "
          "phase, at most 8",
          "[ex:run-iteration]") {
  uv_async_t kick;
  uv_check_t check;
  TestLoop loop;
  reset_counts();
  order.clear();
  chain = 1;
  detail::io_init(&fed_watcher, fed_again, -1);
  REQUIRE(uv_async_init(loop, &kick, feed_from_poll) == 0);
  REQUIRE(uv_check_init(loop, &check) == 0);
  REQUIRE(uv_check_start(&check, check_order) == 0);

  REQUIRE(uv_async_send(&kick) == 0);
  uv_run(loop, UV_RUN_NOWAIT);
  {
    INFO("an I/O callback deferred a callback during the poll: it runs in a pending pass right after the poll, "
         "before the check phase of the same iteration (libuv since 1.44.0)");
    CHECK(order == std::vector<std::string>{"poll", "pending", "check"});
  }

  order.clear();
  fed_calls = 0;
  chain = 20;
  REQUIRE(uv_async_send(&kick) == 0);
  uv_run(loop, UV_RUN_NOWAIT);
  {
    INFO("a callback that defers itself again and again: 8 passes after the poll, then the check phase runs "
         "(as libuv 1.44.2: diff.run_can_sleep, case nowait-write-chain)");
    CHECK(fed_calls == 8);
    CHECK(order.back() == "check");
  }
  for (int i = 0; i < 5 && fed_calls < chain; ++i) uv_run(loop, UV_RUN_NOWAIT);
  CHECK(fed_calls == chain);  // the rest in the next iterations
}
