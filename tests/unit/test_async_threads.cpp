// uv_async_send from many threads: sends coalesce, but none is lost: after
// every thread's last send, a callback runs that sees all their work.
// Meant to run under TSan as well (the tsan preset).
#include <atomic>
#include <thread>
#include <vector>

#include "support/test_support.h"

using uvref::test::as_handle;

namespace {

constexpr int kThreads = 8;
constexpr int kSendsPerThread = 2000;
constexpr int kTotal = kThreads * kSendsPerThread;

std::atomic<int> work_done{0};
int callbacks = 0;
int last_seen = 0;
bool went_backwards = false;
bool timed_out = false;

void on_async(uv_async_t* h) {
  ++callbacks;
  int seen = work_done.load(std::memory_order_acquire);
  went_backwards = went_backwards || seen < last_seen;
  last_seen = seen;
  if (seen == kTotal) {
    uv_close(as_handle(h), nullptr);
    uv_close(as_handle(static_cast<uv_timer_t*>(h->data)), nullptr);
  }
}

void on_watchdog(uv_timer_t* t) {
  // A lost wake-up leaves the loop asleep with work unseen: fail, do not hang.
  timed_out = true;
  uv_close(as_handle(static_cast<uv_async_t*>(t->data)), nullptr);
  uv_close(as_handle(t), nullptr);
}

}  // namespace

TEST_CASE("async from 8 threads: coalesced, never lost", "[async][threads]") {
  work_done = 0;
  callbacks = 0;
  last_seen = 0;
  went_backwards = false;
  timed_out = false;

  uv_async_t async;
  uv_timer_t watchdog;
  uvref::test::TestLoop loop;
  REQUIRE(uv_async_init(loop, &async, on_async) == 0);
  REQUIRE(uv_timer_init(loop, &watchdog) == 0);
  async.data = &watchdog;
  watchdog.data = &async;
  REQUIRE(uv_timer_start(&watchdog, on_watchdog, 10000, 0) == 0);

  std::vector<std::thread> senders;
  for (int t = 0; t < kThreads; ++t) {
    senders.emplace_back([&async] {
      for (int i = 0; i < kSendsPerThread; ++i) {
        work_done.fetch_add(1, std::memory_order_release);  // the work...
        uv_async_send(&async);                              // ...then the wake-up
      }
    });
  }
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
  for (std::thread& t : senders) t.join();

  CHECK_FALSE(timed_out);
  CHECK(last_seen == kTotal);  // the last callback saw every thread's last increment
  CHECK_FALSE(went_backwards);
  CHECK(callbacks >= 1);
  CHECK(callbacks <= kTotal);  // one callback per send at most; usually far fewer
}

TEST_CASE("uv_close of an async handle while other threads keep sending", "[async][threads]") {
  static int calls_before_close;
  static int calls_after_close;
  static int close_calls;
  static bool closed;
  calls_before_close = calls_after_close = close_calls = 0;
  closed = false;
  std::atomic<bool> stop{false};
  std::atomic<int> sends{0};

  uv_async_t async;
  uvref::test::TestLoop loop;
  REQUIRE(uv_async_init(loop, &async, [](uv_async_t* h) {
    if (closed) {
      ++calls_after_close;
      return;
    }
    if (++calls_before_close == 20) {
      closed = true;
      uv_close(as_handle(h), [](uv_handle_t*) { ++close_calls; });
    }
  }) == 0);

  std::vector<std::thread> senders;
  for (int t = 0; t < 4; ++t) {
    senders.emplace_back([&] {
      while (!stop.load(std::memory_order_relaxed)) {
        uv_async_send(&async);
        sends.fetch_add(1, std::memory_order_relaxed);
      }
    });
  }
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);  // returns once the handle is closed
  CHECK(close_calls == 1);
  // The senders are still going: run the loop a little longer to be sure
  // their wake-ups reach no callback of the closed handle.
  const int sends_at_close = sends.load();
  for (int i = 0; i < 50; ++i) uv_run(loop, UV_RUN_NOWAIT);
  stop = true;
  for (std::thread& t : senders) t.join();

  CHECK(calls_before_close == 20);
  CHECK(calls_after_close == 0);
  CHECK(close_calls == 1);
  CHECK(sends.load() >= sends_at_close);
  CHECK_FALSE(uv_is_active(as_handle(&async)));
}
