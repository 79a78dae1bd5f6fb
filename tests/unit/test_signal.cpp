// Signal handles: one signal reaches every loop that watches it; one-shot
// watchers; the disposition goes back to SIG_DFL when the last watcher
// stops; a handle closed with deliveries still in its loop's pipe gets its
// close callback only after they are read.
#include <csignal>
#include <vector>

#include "support/test_support.h"

using uvref::test::as_handle;

namespace {

struct Delivery {
  uv_signal_t* handle;
  int signum;
};
std::vector<Delivery> deliveries;

void record_and_close(uv_signal_t* h, int signum) {
  deliveries.push_back({h, signum});
  uv_close(as_handle(h), nullptr);
}

void record(uv_signal_t* h, int signum) { deliveries.push_back({h, signum}); }

void (*disposition(int signum))(int) {
  struct sigaction sa;
  REQUIRE(sigaction(signum, nullptr, &sa) == 0);
  return sa.sa_handler;
}

}  // namespace

TEST_CASE("one raise reaches both loops watching the signal", "[signal]") {
  deliveries.clear();
  uv_signal_t a;
  uv_signal_t b;
  uvref::test::TestLoop loop_a;
  uvref::test::TestLoop loop_b;
  REQUIRE(uv_signal_init(loop_a, &a) == 0);
  REQUIRE(uv_signal_init(loop_b, &b) == 0);
  REQUIRE(uv_signal_start(&a, record_and_close, SIGUSR1) == 0);
  REQUIRE(uv_signal_start(&b, record_and_close, SIGUSR1) == 0);

  REQUIRE(raise(SIGUSR1) == 0);
  CHECK(deliveries.empty());  // nothing runs in the handler itself

  CHECK(uv_run(loop_a, UV_RUN_DEFAULT) == 0);
  REQUIRE(deliveries.size() == 1);
  CHECK(deliveries[0].handle == &a);
  CHECK(deliveries[0].signum == SIGUSR1);

  CHECK(uv_run(loop_b, UV_RUN_DEFAULT) == 0);
  REQUIRE(deliveries.size() == 2);
  CHECK(deliveries[1].handle == &b);
  CHECK(deliveries[1].signum == SIGUSR1);
  CHECK(disposition(SIGUSR1) == SIG_DFL);
}

TEST_CASE("two handles on one loop both get the signal", "[signal]") {
  deliveries.clear();
  uv_signal_t a;
  uv_signal_t b;
  uvref::test::TestLoop loop;
  REQUIRE(uv_signal_init(loop, &a) == 0);
  REQUIRE(uv_signal_init(loop, &b) == 0);
  REQUIRE(uv_signal_start(&a, record_and_close, SIGUSR1) == 0);
  REQUIRE(uv_signal_start(&b, record_and_close, SIGUSR1) == 0);
  REQUIRE(raise(SIGUSR1) == 0);
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
  REQUIRE(deliveries.size() == 2);
  CHECK(((deliveries[0].handle == &a && deliveries[1].handle == &b) ||
         (deliveries[0].handle == &b && deliveries[1].handle == &a)));
}

TEST_CASE("a one-shot watcher fires once and stops itself", "[signal]") {
  deliveries.clear();
  uv_signal_t h;
  uvref::test::TestLoop loop;
  REQUIRE(uv_signal_init(loop, &h) == 0);
  REQUIRE(uv_signal_start_oneshot(&h, record, SIGUSR1) == 0);
  CHECK(uv_is_active(as_handle(&h)));
  CHECK(disposition(SIGUSR1) != SIG_DFL);

  REQUIRE(raise(SIGUSR1) == 0);
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);  // it stopped: nothing keeps the loop alive
  REQUIRE(deliveries.size() == 1);
  CHECK(deliveries[0].signum == SIGUSR1);
  CHECK_FALSE(uv_is_active(as_handle(&h)));
  CHECK(disposition(SIGUSR1) == SIG_DFL);
}

TEST_CASE("stopping the last watcher restores SIG_DFL", "[signal]") {
  uv_signal_t a;
  uv_signal_t b;
  uvref::test::TestLoop loop;
  REQUIRE(disposition(SIGUSR1) == SIG_DFL);
  REQUIRE(uv_signal_init(loop, &a) == 0);
  REQUIRE(uv_signal_init(loop, &b) == 0);
  REQUIRE(uv_signal_start(&a, record, SIGUSR1) == 0);
  REQUIRE(uv_signal_start(&b, record, SIGUSR1) == 0);
  auto installed = disposition(SIGUSR1);
  CHECK(installed != SIG_DFL);
  CHECK(installed != SIG_IGN);

  REQUIRE(uv_signal_stop(&a) == 0);
  CHECK(disposition(SIGUSR1) == installed);  // b still watches
  REQUIRE(uv_signal_stop(&b) == 0);
  CHECK(disposition(SIGUSR1) == SIG_DFL);

  // Moving a watcher to another signal releases the first one.
  REQUIRE(uv_signal_start(&a, record, SIGUSR1) == 0);
  REQUIRE(uv_signal_start(&a, record, SIGUSR2) == 0);
  CHECK(disposition(SIGUSR1) == SIG_DFL);
  CHECK(disposition(SIGUSR2) != SIG_DFL);
  uv_close(as_handle(&a), nullptr);  // closing stops it too
  CHECK(disposition(SIGUSR2) == SIG_DFL);
}

TEST_CASE("uv_signal_start rejects bad arguments", "[signal]") {
  uv_signal_t h;
  uvref::test::TestLoop loop;
  REQUIRE(uv_signal_init(loop, &h) == 0);
  CHECK(uv_signal_start(&h, record, 0) == UV_EINVAL);
  CHECK(uv_signal_start(&h, record, NSIG) == UV_EINVAL);
  CHECK(uv_signal_start(&h, nullptr, SIGUSR1) == UV_EINVAL);
  CHECK(uv_signal_start(&h, record, SIGKILL) == UV_EINVAL);  // the kernel refuses it
  CHECK_FALSE(uv_is_active(as_handle(&h)));
  CHECK(disposition(SIGUSR1) == SIG_DFL);
}

TEST_CASE("closing a handle with signals in flight delays close_cb until they are read", "[signal][close]") {
  static int close_calls;
  close_calls = 0;
  deliveries.clear();
  uv_signal_t h;
  uvref::test::TestLoop loop;
  REQUIRE(uv_signal_init(loop, &h) == 0);
  REQUIRE(uv_signal_start(&h, record, SIGUSR1) == 0);
  REQUIRE(raise(SIGUSR1) == 0);
  REQUIRE(raise(SIGUSR1) == 0);
  REQUIRE(h.caught_signals == 2);  // two messages about h in the loop's pipe
  REQUIRE(h.dispatched_signals == 0);

  uv_close(as_handle(&h), [](uv_handle_t*) { ++close_calls; });
  CHECK(uv_loop_alive(loop));  // the pipe must still be read
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(close_calls == 1);
  CHECK(h.dispatched_signals == 2);
  CHECK(deliveries.empty());  // a closing handle's callback does not run
}

TEST_CASE("an unreferenced handle closed with signals in flight still gets its close_cb", "[signal][close]") {
  static int close_calls;
  close_calls = 0;
  uv_signal_t h;
  uvref::test::TestLoop loop;
  REQUIRE(uv_signal_init(loop, &h) == 0);
  REQUIRE(uv_signal_start(&h, record, SIGUSR1) == 0);
  uv_unref(as_handle(&h));
  REQUIRE(raise(SIGUSR1) == 0);
  uv_close(as_handle(&h), [](uv_handle_t*) { ++close_calls; });
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(close_calls == 1);
}
