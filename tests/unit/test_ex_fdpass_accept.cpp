// Checks of the exercise fdpass-accept (walkthroughs/exercises/): step 7,
// accept_pending(), driven directly on a stand-in IPC pipe with real client
// handles, including the failure path (an fcntl() that fails, through the seam).
#include <fcntl.h>

#include "test_fdpass_support.h"

using namespace uvref::detail::fdpass;
using namespace uvref::test;
using namespace uvref::test::fdpass;
using uvref::sys::Call;
using uvref::sys::fault::Rule;
using uvref::sys::fault::ScopedFault;

namespace {

/** A blocking pipe, as a raw descriptor sent with uvref_write2_fd() would arrive. */
std::pair<Fd, Fd> blocking_pipe() {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  return {Fd(fds[0]), Fd(fds[1])};
}

bool nonblocking(int fd) { return (::fcntl(fd, F_GETFL) & O_NONBLOCK) != 0; }

}  // namespace

TEST_CASE("ex accept: nothing pending is UV_EAGAIN", "[fdpass][accept][ex:fdpass-accept]") {
  uv_pipe_t client{};
  TestLoop loop;
  REQUIRE(uv_pipe_init(loop, &client, 0) == 0);
  StandInPipe server(-1);
  CHECK(accept_pending(server.stream(), as_stream(&client)) == UV_EAGAIN);
  uv_os_fd_t fd = -1;
  CHECK(uv_fileno(as_handle(&client), &fd) == UV_EBADF);  // the client was left alone
}

TEST_CASE("ex accept: the oldest pending descriptor opens into the client, non-blocking",
          "[fdpass][accept][ex:fdpass-accept]") {
  uv_pipe_t client{};
  TestLoop loop;
  REQUIRE(uv_pipe_init(loop, &client, 0) == 0);
  auto [r1, w1] = blocking_pipe();
  auto [r2, w2] = blocking_pipe();
  StandInPipe server(-1);
  REQUIRE(queue_fd(server.stream(), ::fcntl(r1, F_DUPFD_CLOEXEC, 0)) == 0);
  REQUIRE(queue_fd(server.stream(), ::fcntl(r2, F_DUPFD_CLOEXEC, 0)) == 0);

  REQUIRE(accept_pending(server.stream(), as_stream(&client)) == 0);
  uv_os_fd_t fd = -1;
  REQUIRE(uv_fileno(as_handle(&client), &fd) == 0);
  CHECK(same_file(fd, r1));  // the oldest, not the newest
  CHECK(nonblocking(fd));    // the loop must never block in read() on it
  CHECK(uv_is_readable(as_stream(&client)) == 1);
  CHECK(uv_is_writable(as_stream(&client)) == 1);
  CHECK(uv_pipe_pending_count(&server.pipe) == 1);  // the second still waits
}

TEST_CASE("ex accept: a client of another type, or one already open, leaves the descriptor pending",
          "[fdpass][accept][ex:fdpass-accept]") {
  uv_timer_t timer{};
  uv_pipe_t busy{};
  TestLoop loop;
  REQUIRE(uv_timer_init(loop, &timer) == 0);
  REQUIRE(uv_pipe_init(loop, &busy, 0) == 0);
  auto [br, bw] = blocking_pipe();
  REQUIRE(uv_pipe_open(&busy, bw.release()) == 0);  // the handle owns it now
  auto [r, w] = blocking_pipe();
  StandInPipe server(-1);
  int pending = ::fcntl(r, F_DUPFD_CLOEXEC, 0);
  REQUIRE(queue_fd(server.stream(), pending) == 0);

  CHECK(accept_pending(server.stream(), reinterpret_cast<uv_stream_t*>(&timer)) == UV_EINVAL);
  CHECK(accept_pending(server.stream(), as_stream(&busy)) == UV_EBUSY);
  CHECK(uv_pipe_pending_count(&server.pipe) == 1);
  CHECK(server.pipe.accepted_fd == pending);
  CHECK(is_open(pending));
}

TEST_CASE("ex accept: when opening fails the descriptor is closed, not leaked",
          "[fdpass][accept][ex:fdpass-accept]") {
  uv_pipe_t client{};
  TestLoop loop;
  REQUIRE(uv_pipe_init(loop, &client, 0) == 0);
  auto [r, w] = blocking_pipe();
  StandInPipe server(-1);
  int pending = ::fcntl(r, F_DUPFD_CLOEXEC, 0);
  REQUIRE(queue_fd(server.stream(), pending) == 0);
  {
    ScopedFault fcntl_fails(Rule{.call = Call::fcntl, .error = EIO});
    CHECK(accept_pending(server.stream(), as_stream(&client)) == UV_EIO);  // the error, passed on
  }
  CHECK(uv_pipe_pending_count(&server.pipe) == 0);  // out of the queue...
  CHECK_FALSE(is_open(pending));                     // ...and closed: nobody owns it
  uv_os_fd_t fd = -1;
  CHECK(uv_fileno(as_handle(&client), &fd) == UV_EBADF);
}
