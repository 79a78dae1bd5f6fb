// uv_loop_close() refuses while a handle is open (UV_EBUSY) and leaves the
// loop intact and usable; once the handle is closed, it returns every
// per-loop descriptor.
#include <vector>

#include "debug/fd_table.h"
#include "support/test_support.h"

using uvref::test::as_handle;

namespace {

size_t fd_count() { return uvref::debug::fd_table().size(); }

int fired = 0;
void on_timer(uv_timer_t*) { ++fired; }

}  // namespace

TEST_CASE("uv_loop_close with an active handle: UV_EBUSY, nothing closed, close later succeeds",
          "[loop][close]") {
  fired = 0;
  const size_t before = fd_count();
  uv_loop_t loop;
  REQUIRE(uv_loop_init(&loop) == 0);
  const size_t with_loop = fd_count();
  CHECK(with_loop == before + 4);

  uv_timer_t timer;
  REQUIRE(uv_timer_init(&loop, &timer) == 0);
  REQUIRE(uv_timer_start(&timer, on_timer, 1, 0) == 0);

  CHECK(uv_loop_close(&loop) == UV_EBUSY);
  CHECK(fd_count() == with_loop);  // refused: nothing torn down
  CHECK(uv_loop_alive(&loop));

  // The loop still works after the refusal.
  CHECK(uv_run(&loop, UV_RUN_DEFAULT) == 0);
  CHECK(fired == 1);

  // An inactive but open handle still blocks closing.
  CHECK(uv_loop_close(&loop) == UV_EBUSY);
  uv_close(as_handle(&timer), nullptr);
  CHECK(uv_loop_close(&loop) == UV_EBUSY);  // closing, close callback not run yet
  CHECK(uv_run(&loop, UV_RUN_DEFAULT) == 0);
  CHECK(uv_loop_close(&loop) == 0);
  CHECK(fd_count() == before);
}

TEST_CASE("uv_loop_close with an open signal handle: UV_EBUSY", "[loop][close]") {
  uv_loop_t loop;
  REQUIRE(uv_loop_init(&loop) == 0);
  uv_signal_t sig;
  REQUIRE(uv_signal_init(&loop, &sig) == 0);
  CHECK(uv_loop_close(&loop) == UV_EBUSY);  // the loop's own child_watcher is a signal handle too; it does not count
  uv_close(as_handle(&sig), nullptr);
  uv_run(&loop, UV_RUN_DEFAULT);
  CHECK(uv_loop_close(&loop) == 0);
}

TEST_CASE("uv_loop_close with a pending work request: UV_EBUSY until it is done", "[loop][close]") {
  uv_loop_t loop;
  REQUIRE(uv_loop_init(&loop) == 0);
  uv_work_t req;
  REQUIRE(uv_queue_work(&loop, &req, [](uv_work_t*) {}, [](uv_work_t*, int) {}) == 0);
  CHECK(uv_loop_close(&loop) == UV_EBUSY);
  CHECK(uv_run(&loop, UV_RUN_DEFAULT) == 0);
  CHECK(uv_loop_close(&loop) == 0);
}
