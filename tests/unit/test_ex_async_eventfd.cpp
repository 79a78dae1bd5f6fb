// Checks of the exercise walkthroughs/exercises/async-eventfd (tag
// [ex:async-eventfd]): the loop's eventfd (non-blocking, close-on-exec, its
// own write end, queued for epoll), the wake-up that adds 1 and the drain
// that resets it, coalescing, and EINTR/EAGAIN driven through the seam.
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>

#include "core/internal.h"
#include "debug/fd_table.h"
#include "loop_init/stages.h"
#include "support/test_support.h"
#include "sys/fault.h"

using uvref::sys::Call;
using uvref::sys::fault::ScopedFault;
using uvref::test::TestLoop;
namespace detail = uvref::detail;
namespace fault = uvref::sys::fault;

namespace {

bool readable(int fd) {
  pollfd p{fd, POLLIN, 0};
  return fd >= 0 && poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

void count_cb(uv_async_t* h) { ++*static_cast<int*>(h->data); }

}  // namespace

TEST_CASE("async eventfd: one non-blocking, close-on-exec eventfd per loop, its own write end",
          "[ex:async-eventfd]") {
  uv_loop_t loop;
  detail::loop_init_fields(&loop);
  const auto before = uvref::debug::fd_table();

  REQUIRE(detail::async_start(&loop) == 0);
  const auto table = uvref::debug::fd_table();
  REQUIRE(table.size() == before.size() + 1);
  const uvref::debug::FdInfo* made = nullptr;
  for (const auto& d : table)
    if (d.fd == loop.async_io_watcher.fd) made = &d;
  REQUIRE(made != nullptr);
  CHECK(made->target == "anon_inode:[eventfd]");
  CHECK(made->nonblocking);
  CHECK(made->cloexec);
  CHECK(loop.async_wfd == -1);
  CHECK(loop.async_io_watcher.pevents == detail::kPollIn);
  CHECK(loop.async_io_watcher.events == 0u);  // queued, registered by the first uv_run

  REQUIRE(detail::async_start(&loop) == 0);  // one per loop
  CHECK(uvref::debug::fd_table().size() == before.size() + 1);

  detail::async_stop(&loop);
  CHECK(uvref::debug::fd_table().size() == before.size());
  std::free(loop.watchers);
}

TEST_CASE("async eventfd: each wake-up adds 1, a drain reads the sum and resets it", "[ex:async-eventfd]") {
  TestLoop loop;
  const int fd = loop.get()->async_io_watcher.fd;
  REQUIRE(fd >= 0);
  CHECK_FALSE(readable(fd));
  detail::async_wakeup(loop);
  detail::async_wakeup(loop);
  detail::async_wakeup(loop);
  CHECK(readable(fd));
  detail::async_drain(loop);
  CHECK_FALSE(readable(fd));  // drained: the loop will not wake again for these

  detail::async_wakeup(loop);
  std::uint64_t count = 0;
  REQUIRE(read(fd, &count, sizeof count) == sizeof count);
  CHECK(count == 1);  // 8 bytes, value 1: what one wake-up writes
}

TEST_CASE("async eventfd: sends before a loop iteration coalesce into one callback, then it sleeps",
          "[ex:async-eventfd]") {
  uv_async_t async;
  int calls = 0;
  TestLoop loop;
  async.data = &calls;
  REQUIRE(uv_async_init(loop, &async, count_cb) == 0);
  REQUIRE(uv_async_send(&async) == 0);
  REQUIRE(uv_async_send(&async) == 0);
  REQUIRE(uv_async_send(&async) == 0);
  REQUIRE(readable(loop.get()->async_io_watcher.fd));  // the wake-up reached the kernel

  uv_run(loop, UV_RUN_NOWAIT);
  CHECK(calls == 1);
  CHECK_FALSE(readable(loop.get()->async_io_watcher.fd));  // drained in the same iteration
  uv_run(loop, UV_RUN_NOWAIT);
  CHECK(calls == 1);  // nothing new: no callback

  REQUIRE(uv_async_send(&async) == 0);
  uv_run(loop, UV_RUN_NOWAIT);
  CHECK(calls == 2);
}

TEST_CASE("async eventfd: EINTR is retried in the wake-up and in the drain", "[ex:async-eventfd]") {
  TestLoop loop;
  const int fd = loop.get()->async_io_watcher.fd;
  REQUIRE(fd >= 0);
  {
    ScopedFault eintr{{.call = Call::write, .error = EINTR}};
    detail::async_wakeup(loop);
    CHECK(fault::fired(Call::write) == 1);
  }
  CHECK(readable(fd));  // the retry wrote
  {
    ScopedFault eintr{{.call = Call::read, .error = EINTR}};
    detail::async_drain(loop);
    CHECK(fault::fired(Call::read) == 1);
  }
  CHECK_FALSE(readable(fd));  // the retry read
}

TEST_CASE("async eventfd: EAGAIN from a saturated counter ends the wake-up", "[ex:async-eventfd]") {
  TestLoop loop;
  REQUIRE(loop.get()->async_io_watcher.fd >= 0);
  {
    // Every write says "counter at its maximum": the loop is awake already, nothing to retry.
    ScopedFault full{{.call = Call::write, .error = EAGAIN, .times = 0}};
    detail::async_wakeup(loop);
    CHECK(fault::fired(Call::write) == 1);
  }
}
