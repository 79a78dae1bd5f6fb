// What all handles share: uv_close (once, and a second call caught with a
// clear message), uv_walk (internal handles hidden), ref/unref, type names
// and sizes, the accessors.
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "support/test_support.h"

using uvref::test::as_handle;

namespace {

/** Runs @p fn with stderr redirected into a pipe; returns what it wrote. */
template <typename Fn>
std::string capture_stderr(Fn fn) {
  int fds[2];
  REQUIRE(pipe(fds) == 0);
  std::fflush(stderr);
  int saved = dup(STDERR_FILENO);
  REQUIRE(saved >= 0);
  REQUIRE(dup2(fds[1], STDERR_FILENO) == STDERR_FILENO);
  fn();
  std::fflush(stderr);
  dup2(saved, STDERR_FILENO);
  close(saved);
  close(fds[1]);
  std::string out;
  char buf[256];
  ssize_t n;
  while ((n = read(fds[0], buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
  close(fds[0]);
  return out;
}

int close_calls = 0;
void on_close(uv_handle_t*) { ++close_calls; }

}  // namespace

TEST_CASE("uv_close twice: a clear message on stderr, the close callback runs once", "[handle][close]") {
  uv_timer_t timer;
  uv_timer_t other;
  uvref::test::TestLoop loop;
  close_calls = 0;
  REQUIRE(uv_timer_init(loop, &timer) == 0);
  REQUIRE(uv_timer_init(loop, &other) == 0);
  REQUIRE(uv_timer_start(&timer, [](uv_timer_t*) {}, 1000, 0) == 0);

  CHECK(capture_stderr([&] { uv_close(as_handle(&timer), on_close); }).empty());
  CHECK(uv_is_closing(as_handle(&timer)));
  CHECK_FALSE(uv_is_active(as_handle(&timer)));

  std::string msg = capture_stderr([&] { uv_close(as_handle(&timer), on_close); });
  INFO("stderr: " << msg);
  CHECK(msg.find("uv_close") != std::string::npos);
  CHECK(msg.find("already closing") != std::string::npos);
  CHECK(msg.find("timer") != std::string::npos);

  uv_close(as_handle(&other), on_close);  // a list corrupted by the double close would lose it
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(close_calls == 2);

  // After the close callback: still caught, and nothing runs again.
  msg = capture_stderr([&] { uv_close(as_handle(&timer), on_close); });
  CHECK(msg.find("already closing or closed") != std::string::npos);
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(close_calls == 2);
}

TEST_CASE("close callbacks run in the closing phase, after uv_close returns", "[handle][close]") {
  uv_idle_t idle;
  uvref::test::TestLoop loop;
  close_calls = 0;
  REQUIRE(uv_idle_init(loop, &idle) == 0);
  REQUIRE(uv_idle_start(&idle, [](uv_idle_t*) {}) == 0);
  uv_close(as_handle(&idle), on_close);
  CHECK(close_calls == 0);
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);  // the idle handle no longer keeps it running
  CHECK(close_calls == 1);
}

TEST_CASE("uv_walk visits the program's handles, not the loop's internal ones", "[handle][walk]") {
  uv_timer_t timer;
  uv_idle_t idle;
  uv_async_t async;
  uv_signal_t sig;
  uvref::test::TestLoop loop;
  REQUIRE(uv_timer_init(loop, &timer) == 0);
  REQUIRE(uv_idle_init(loop, &idle) == 0);
  REQUIRE(uv_async_init(loop, &async, nullptr) == 0);
  REQUIRE(uv_signal_init(loop, &sig) == 0);

  std::vector<uv_handle_t*> seen;
  uv_walk(loop, [](uv_handle_t* h, void* arg) { static_cast<std::vector<uv_handle_t*>*>(arg)->push_back(h); },
          &seen);
  // The loop's child_watcher (a signal handle) and wq_async (an async handle)
  // are in its handle queue too, and must not be visited.
  CHECK(seen == std::vector<uv_handle_t*>{as_handle(&timer), as_handle(&idle), as_handle(&async), as_handle(&sig)});

  // walk_cb may close handles while walking.
  uv_walk(loop, [](uv_handle_t* h, void*) { uv_close(h, nullptr); }, nullptr);
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
  seen.clear();
  uv_walk(loop, [](uv_handle_t* h, void* arg) { static_cast<std::vector<uv_handle_t*>*>(arg)->push_back(h); },
          &seen);
  CHECK(seen.empty());
}

TEST_CASE("uv_ref, uv_unref, uv_has_ref: an unreferenced handle does not keep uv_run going", "[handle][ref]") {
  static int fired;
  fired = 0;
  uv_timer_t timer;
  uvref::test::TestLoop loop;
  REQUIRE(uv_timer_init(loop, &timer) == 0);
  CHECK(uv_has_ref(as_handle(&timer)));  // referenced from birth
  REQUIRE(uv_timer_start(&timer, [](uv_timer_t*) { ++fired; }, 1, 0) == 0);

  uv_unref(as_handle(&timer));
  CHECK_FALSE(uv_has_ref(as_handle(&timer)));
  uv_unref(as_handle(&timer));  // idempotent: no double decrement
  CHECK(loop.get()->active_handles == 0u);
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(fired == 0);  // the loop did not wait for it

  uv_ref(as_handle(&timer));
  uv_ref(as_handle(&timer));
  CHECK(uv_has_ref(as_handle(&timer)));
  CHECK(loop.get()->active_handles == 1u);
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(fired == 1);
  CHECK(loop.get()->active_handles == 0u);
}

TEST_CASE("uv_handle_type_name, uv_handle_size, uv_req_size", "[handle][types]") {
  CHECK(std::string(uv_handle_type_name(UV_ASYNC)) == "async");
  CHECK(std::string(uv_handle_type_name(UV_NAMED_PIPE)) == "pipe");
  CHECK(std::string(uv_handle_type_name(UV_TIMER)) == "timer");
  CHECK(std::string(uv_handle_type_name(UV_SIGNAL)) == "signal");
  CHECK(std::string(uv_handle_type_name(UV_TCP)) == "tcp");
  CHECK(std::string(uv_handle_type_name(UV_FILE)) == "file");
  CHECK(uv_handle_type_name(UV_UNKNOWN_HANDLE) == nullptr);
  CHECK(uv_handle_type_name(UV_HANDLE_TYPE_MAX) == nullptr);

  CHECK(uv_handle_size(UV_HANDLE) == 96);
  CHECK(uv_handle_size(UV_STREAM) == 248);
  CHECK(uv_handle_size(UV_NAMED_PIPE) == 264);
  CHECK(uv_handle_size(UV_TIMER) == sizeof(uv_timer_t));
  CHECK(uv_handle_size(UV_ASYNC) == sizeof(uv_async_t));
  CHECK(uv_handle_size(UV_SIGNAL) == sizeof(uv_signal_t));
  CHECK(uv_handle_size(UV_IDLE) == sizeof(uv_idle_t));
  CHECK(uv_handle_size(UV_UNKNOWN_HANDLE) == static_cast<size_t>(-1));
  CHECK(uv_req_size(UV_WRITE) == 192);
  CHECK(uv_req_size(UV_WORK) == sizeof(uv_work_t));
  CHECK(uv_req_size(UV_UNKNOWN_REQ) == static_cast<size_t>(-1));
  CHECK(uv_loop_size() == sizeof(uv_loop_t));
}

TEST_CASE("handle accessors: type, data, loop, active, closing", "[handle]") {
  uv_check_t check;
  uvref::test::TestLoop loop;
  REQUIRE(uv_check_init(loop, &check) == 0);
  CHECK(uv_handle_get_type(as_handle(&check)) == UV_CHECK);
  CHECK(uv_handle_get_loop(as_handle(&check)) == loop.get());
  int token = 0;
  uv_handle_set_data(as_handle(&check), &token);
  CHECK(uv_handle_get_data(as_handle(&check)) == &token);
  CHECK(check.data == &token);
  CHECK_FALSE(uv_is_active(as_handle(&check)));
  CHECK(uv_check_start(&check, nullptr) == UV_EINVAL);
  REQUIRE(uv_check_start(&check, [](uv_check_t*) {}) == 0);
  CHECK(uv_is_active(as_handle(&check)));
  CHECK_FALSE(uv_is_closing(as_handle(&check)));
  uv_os_fd_t fd;
  CHECK(uv_fileno(as_handle(&check), &fd) == UV_EINVAL);  // not a stream
  uv_close(as_handle(&check), nullptr);
  CHECK(uv_is_closing(as_handle(&check)));
  CHECK_FALSE(uv_is_active(as_handle(&check)));
}
