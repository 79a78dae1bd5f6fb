// Checks of the exercise walkthroughs/exercises/signal-pipe (tag [ex:signal-pipe]):
// the per-loop signal pipe (non-blocking, close-on-exec, queued for epoll) and
// the 16-byte {handle, signum} message the signal handler writes into it: one
// per watching handle, retried on EINTR, dropped (never blocking) when the
// pipe is full.
#include <fcntl.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>

#include "core/internal.h"
#include "debug/fd_table.h"
#include "loop_init/stages.h"
#include "support/test_support.h"
#include "sys/fault.h"

using uvref::sys::Call;
using uvref::sys::fault::ScopedFault;
using uvref::test::as_handle;
using uvref::test::TestLoop;
namespace detail = uvref::detail;

namespace {

constexpr int kMessage = 16;  // {uv_signal_t*, int} with padding, as libuv's

int queued_bytes(int fd) {
  int n = -1;
  if (fd < 0 || ioctl(fd, FIONREAD, &n) != 0) return -1;
  return n;
}

bool nonblocking(int fd) { return fd >= 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0; }

void count_cb(uv_signal_t* h, int) { ++*static_cast<int*>(h->data); }

/**
 * Declared after the TestLoop, so it runs first: empties a pipe that holds a
 * partial message (a wrong solution's), which the loop would otherwise wait
 * to complete forever while closing the test's handles.
 */
struct DropPartialMessages {
  uv_loop_t* loop;
  ~DropPartialMessages() {
    const int fd = loop->signal_pipefd[0];
    if (queued_bytes(fd) % kMessage == 0) return;
    char sink[4096];
    while (read(fd, sink, sizeof sink) > 0) {
    }
  }
};

}  // namespace

TEST_CASE("signal pipe: one non-blocking, close-on-exec pipe per loop, queued for epoll", "[ex:signal-pipe]") {
  uv_loop_t loop;
  detail::loop_init_fields(&loop);
  const auto before = uvref::debug::fd_table();

  REQUIRE(detail::signal_loop_once_init(&loop) == 0);
  const auto table = uvref::debug::fd_table();
  REQUIRE(table.size() == before.size() + 2);
  int found = 0;
  for (const auto& d : table) {
    if (d.fd != loop.signal_pipefd[0] && d.fd != loop.signal_pipefd[1]) continue;
    ++found;
    CHECK(uvref::debug::fd_kind(d.target) == "pipe");
    CHECK(d.nonblocking);  // written from a signal handler, which must never block
    CHECK(d.cloexec);
  }
  CHECK(found == 2);
  CHECK(loop.signal_io_watcher.fd == loop.signal_pipefd[0]);
  CHECK(loop.signal_io_watcher.pevents == detail::kPollIn);  // wanted...
  CHECK(loop.signal_io_watcher.events == 0u);                // ...but not registered yet

  REQUIRE(detail::signal_loop_once_init(&loop) == 0);  // once per loop
  CHECK(uvref::debug::fd_table().size() == before.size() + 2);

  detail::signal_loop_close_pipe(&loop);
  CHECK(uvref::debug::fd_table().size() == before.size());
  std::free(loop.watchers);
}

TEST_CASE("signal pipe: one 16-byte message per watching handle, then one callback each", "[ex:signal-pipe]") {
  uv_signal_t a, b;
  int calls = 0;
  TestLoop loop;
  a.data = b.data = &calls;
  REQUIRE(uv_signal_init(loop, &a) == 0);
  REQUIRE(uv_signal_init(loop, &b) == 0);
  DropPartialMessages guard{loop.get()};
  REQUIRE(uv_signal_start(&a, count_cb, SIGUSR1) == 0);
  REQUIRE(uv_signal_start(&b, count_cb, SIGUSR1) == 0);

  REQUIRE(raise(SIGUSR1) == 0);  // the handler runs now, on this thread
  REQUIRE(queued_bytes(loop.get()->signal_pipefd[0]) == 2 * kMessage);
  CHECK(calls == 0);  // nothing runs in signal context but the write

  CHECK(uv_run(loop, UV_RUN_NOWAIT) != 0);
  CHECK(calls == 2);
  CHECK(queued_bytes(loop.get()->signal_pipefd[0]) == 0);
}

TEST_CASE("signal pipe: EINTR in the handler's write() is retried", "[ex:signal-pipe]") {
  uv_signal_t a;
  int calls = 0;
  TestLoop loop;
  a.data = &calls;
  REQUIRE(uv_signal_init(loop, &a) == 0);
  DropPartialMessages guard{loop.get()};
  REQUIRE(uv_signal_start(&a, count_cb, SIGUSR2) == 0);
  {
    ScopedFault eintr{{.call = Call::write, .error = EINTR}};
    REQUIRE(raise(SIGUSR2) == 0);
    CHECK(uvref::sys::fault::fired(Call::write) == 1);
  }
  REQUIRE(queued_bytes(loop.get()->signal_pipefd[0]) == kMessage);
  uv_run(loop, UV_RUN_NOWAIT);
  CHECK(calls == 1);
}

TEST_CASE("signal pipe: a full pipe drops the message, the handler does not block", "[ex:signal-pipe]") {
  uv_signal_t a;
  int calls = 0;
  TestLoop loop;
  a.data = &calls;
  REQUIRE(uv_signal_init(loop, &a) == 0);
  REQUIRE(uv_signal_start(&a, count_cb, SIGUSR1) == 0);
  const int wr = loop.get()->signal_pipefd[1];
  REQUIRE(nonblocking(wr));  // else filling it below would block this test forever

  char junk[4096] = {};
  while (write(wr, junk, sizeof junk) > 0) {
  }
  while (write(wr, junk, 1) > 0) {  // the last few bytes: a 16-byte message must not fit
  }
  REQUIRE(errno == EAGAIN);
  const int full = queued_bytes(loop.get()->signal_pipefd[0]);
  REQUIRE(raise(SIGUSR1) == 0);  // must return: the handler drops what does not fit
  CHECK(queued_bytes(loop.get()->signal_pipefd[0]) == full);
  CHECK(a.caught_signals == 0u);  // nothing written, nothing to wait for at close

  // Empty the pipe so closing the handle does not read the junk as messages.
  char sink[4096];
  while (read(loop.get()->signal_pipefd[0], sink, sizeof sink) > 0) {
  }
}
