// Shared helpers for uvref's Catch2 tests.
#pragma once

#include <catch2/catch.hpp>

#include <functional>

#include "uv.h"

namespace uvref::test {

/** Set by the leak listener; main() turns it into a failing exit status. */
extern bool fd_leak_detected;

/** Set by skip(); main() then exits with CTest's skip code (77) if nothing failed. */
extern bool test_skipped;

/**
 * Skips the rest of a test case that cannot run in this environment (no pty,
 * no permission...): prints "SKIPPED: <reason>" and marks the run, so CTest
 * shows the test as skipped with the reason instead of passed or failed.
 * Call it, then return from the test case.
 */
void skip(const char* reason);

/**
 * A loop for one test: initialised in the constructor; the destructor closes
 * every handle still open, runs the loop until they are closed, and checks
 * that uv_loop_close() succeeds, so a test cannot leave the loop half-open.
 *
 * Declare the test's handles *before* the TestLoop: locals are destroyed in
 * reverse order, so the loop then closes them while their memory is alive.
 */
class TestLoop {
 public:
  TestLoop() { REQUIRE(uv_loop_init(&loop_) == 0); }
  ~TestLoop() {
    uv_walk(&loop_, [](uv_handle_t* h, void*) {
      if (!uv_is_closing(h)) uv_close(h, nullptr);
    }, nullptr);
    uv_run(&loop_, UV_RUN_DEFAULT);
    CHECK(uv_loop_close(&loop_) == 0);
  }
  TestLoop(const TestLoop&) = delete;
  TestLoop& operator=(const TestLoop&) = delete;

  uv_loop_t* get() { return &loop_; }
  operator uv_loop_t*() { return &loop_; }

 private:
  uv_loop_t loop_;
};

/** Casts any handle pointer to uv_handle_t*. */
template <typename T>
uv_handle_t* as_handle(T* h) {
  return reinterpret_cast<uv_handle_t*>(h);
}
/** Casts any stream handle pointer to uv_stream_t*. */
template <typename T>
uv_stream_t* as_stream(T* h) {
  return reinterpret_cast<uv_stream_t*>(h);
}

}  // namespace uvref::test
