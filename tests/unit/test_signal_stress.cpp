// A signal raised from another thread while uv_signal_start/stop run: the
// main thread starts and stops a watcher 1000 times while a second thread
// keeps raising the signal, at the process and at the main thread. No
// deadlock on the lock pipe, no crash, every message written is read.
#include <pthread.h>

#include <atomic>
#include <csignal>
#include <thread>

#include "support/test_support.h"

using uvref::test::as_handle;

namespace {

int keeper_calls = 0;
int toggled_calls = 0;

}  // namespace

TEST_CASE("signals raised from another thread while uv_signal_start/stop run", "[signal][threads]") {
  keeper_calls = toggled_calls = 0;
  uv_signal_t keeper;   // watches all along, so SIGUSR2 never has its default (fatal) action
  uv_signal_t toggled;  // started and stopped under fire
  uvref::test::TestLoop loop;
  REQUIRE(uv_signal_init(loop, &keeper) == 0);
  REQUIRE(uv_signal_init(loop, &toggled) == 0);
  REQUIRE(uv_signal_start(&keeper, [](uv_signal_t*, int) { ++keeper_calls; }, SIGUSR2) == 0);

  std::atomic<bool> done{false};
  std::atomic<int> raised{0};
  const pthread_t main_thread = pthread_self();
  std::thread raiser([&] {
    for (int i = 0; !done.load(std::memory_order_relaxed); ++i) {
      // Alternate: at the main thread (often inside block_and_lock, where it
      // waits until unblocked) and at the process (usually handled here,
      // contending for the lock pipe with the main thread).
      if (i % 2 == 0) {
        pthread_kill(main_thread, SIGUSR2);
      } else {
        kill(getpid(), SIGUSR2);
      }
      raised.fetch_add(1, std::memory_order_relaxed);
    }
  });

  for (int i = 0; i < 1000; ++i) {
    REQUIRE(uv_signal_start(&toggled, [](uv_signal_t*, int) { ++toggled_calls; }, SIGUSR2) == 0);
    if (i % 16 == 0) uv_run(loop, UV_RUN_NOWAIT);  // drain the pipe now and then
    REQUIRE(uv_signal_stop(&toggled) == 0);
  }
  // Make sure the raiser got going before it is told to stop.
  while (raised.load() < 100) std::this_thread::yield();
  done = true;
  raiser.join();

  // Read every message still in the pipe.
  for (int i = 0; i < 1000 && keeper.caught_signals != keeper.dispatched_signals; ++i)
    uv_run(loop, UV_RUN_NOWAIT);
  CHECK(keeper.caught_signals > 0);
  CHECK(keeper.dispatched_signals == keeper.caught_signals);
  CHECK(keeper_calls == static_cast<int>(keeper.dispatched_signals));
  CHECK(toggled.dispatched_signals == toggled.caught_signals);
  CHECK(uv_is_active(as_handle(&keeper)));
  CHECK_FALSE(uv_is_active(as_handle(&toggled)));
  INFO("raised " << raised.load() << ", keeper saw " << keeper_calls << ", toggled saw " << toggled_calls);
  CHECK(keeper_calls > 0);
}
