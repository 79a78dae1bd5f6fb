// The descriptor-leak check must catch a leak; this hidden test leaks on purpose
// and CTest expects its run to fail (fixture.leak_check_detects_a_leak).
#include <unistd.h>

#include "debug/fd_table.h"
#include "support/test_support.h"

TEST_CASE("a test that leaks a pipe is reported", "[.leak-demo]") {
  int fds[2];
  REQUIRE(pipe(fds) == 0);  // never closed: the listener must report fds[0] and fds[1]
}

TEST_CASE("TestLoop closes what a test leaves open", "[fixture]") {
  std::size_t before = uvref::debug::fd_table().size();
  uv_timer_t timer;  // declared before the loop: see TestLoop
  uv_pipe_t pipe;
  {
    uvref::test::TestLoop loop;
    REQUIRE(uv_timer_init(loop, &timer) == 0);
    REQUIRE(uv_timer_start(&timer, [](uv_timer_t*) {}, 100000, 0) == 0);
    uv_file fds[2];
    REQUIRE(uv_pipe(fds, 0, 0) == 0);
    ::close(fds[1]);
    REQUIRE(uv_pipe_init(loop, &pipe, 0) == 0);
    REQUIRE(uv_pipe_open(&pipe, fds[0]) == 0);
    CHECK(uv_loop_alive(loop));
  }  // the destructor closes both handles and checks uv_loop_close() == 0
  CHECK(uv_is_closing(uvref::test::as_handle(&timer)));
  CHECK(uv_is_closing(uvref::test::as_handle(&pipe)));
  CHECK(uvref::debug::fd_table().size() == before);  // the pipe's descriptor and the loop's are gone
}
