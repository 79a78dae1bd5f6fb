// Each loop-init stage called on its own (loop_init_fields, then the one
// detail:: stage function): it opens exactly the descriptors stages.h lists,
// of the kind and with the flags listed, and its teardown closes them.
#include <sys/ioctl.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/internal.h"
#include "debug/fd_table.h"
#include "loop_init/stages.h"
#include "support/test_support.h"

using uvref::debug::FdInfo;
namespace detail = uvref::detail;

namespace {

/** Descriptors in @p after that were not in @p before (same number and same target). */
std::vector<FdInfo> opened_since(const std::vector<FdInfo>& before, const std::vector<FdInfo>& after) {
  std::vector<FdInfo> out;
  for (const FdInfo& a : after) {
    bool old = false;
    for (const FdInfo& b : before) old = old || (a.fd == b.fd && a.target == b.target);
    if (!old) out.push_back(a);
  }
  return out;
}

bool same_table(const std::vector<FdInfo>& a, const std::vector<FdInfo>& b) {
  return opened_since(a, b).empty() && opened_since(b, a).empty();
}

const FdInfo* find_fd(const std::vector<FdInfo>& table, int fd) {
  for (const FdInfo& d : table)
    if (d.fd == fd) return &d;
  return nullptr;
}

}  // namespace

TEST_CASE("stage 1 alone: epoll_create1 opens one blocking, close-on-exec eventpoll fd", "[stage]") {
  uv_loop_t loop;
  detail::loop_init_fields(&loop);
  auto before = uvref::debug::fd_table();

  REQUIRE(detail::platform_loop_init(&loop) == 0);
  auto added = opened_since(before, uvref::debug::fd_table());
  REQUIRE(added.size() == 1);
  CHECK(added[0].fd == loop.backend_fd);
  CHECK(added[0].target == "anon_inode:[eventpoll]");
  CHECK(added[0].cloexec);
  CHECK_FALSE(added[0].nonblocking);  // epoll_wait's timeout decides blocking, not O_NONBLOCK

  detail::platform_loop_delete(&loop);
  CHECK(loop.backend_fd == -1);
  CHECK(same_table(before, uvref::debug::fd_table()));
}

TEST_CASE("stage 3 alone: the signal pipe is one non-blocking, close-on-exec pipe, watched but not registered",
          "[stage]") {
  uv_loop_t loop;
  detail::loop_init_fields(&loop);
  auto before = uvref::debug::fd_table();

  REQUIRE(detail::signal_loop_once_init(&loop) == 0);
  auto added = opened_since(before, uvref::debug::fd_table());
  REQUIRE(added.size() == 2);
  const FdInfo* rd = find_fd(added, loop.signal_pipefd[0]);
  const FdInfo* wr = find_fd(added, loop.signal_pipefd[1]);
  REQUIRE(rd != nullptr);
  REQUIRE(wr != nullptr);
  CHECK(uvref::debug::fd_kind(rd->target) == "pipe");
  CHECK(rd->target == wr->target);  // the two ends of the same pipe
  CHECK(rd->nonblocking);
  CHECK(wr->nonblocking);
  CHECK(rd->cloexec);
  CHECK(wr->cloexec);
  // Queued for epoll (the first uv_run registers it), nothing registered yet.
  CHECK(loop.signal_io_watcher.fd == loop.signal_pipefd[0]);
  CHECK(loop.signal_io_watcher.pevents == detail::kPollIn);
  CHECK(loop.signal_io_watcher.events == 0u);
  CHECK_FALSE(detail::queue_empty(&loop.watcher_queue));

  // Made once per loop: a second call opens nothing.
  REQUIRE(detail::signal_loop_once_init(&loop) == 0);
  CHECK(opened_since(before, uvref::debug::fd_table()).size() == 2);

  detail::signal_loop_close_pipe(&loop);
  CHECK(loop.signal_pipefd[0] == -1);
  CHECK(loop.signal_pipefd[1] == -1);
  CHECK(same_table(before, uvref::debug::fd_table()));
  std::free(loop.watchers);  // what uv_loop_close() would free
}

TEST_CASE("stage 4 alone: one non-blocking, close-on-exec eventfd that counts wake-ups", "[stage]") {
  uv_loop_t loop;
  detail::loop_init_fields(&loop);
  auto before = uvref::debug::fd_table();

  REQUIRE(detail::async_start(&loop) == 0);
  auto added = opened_since(before, uvref::debug::fd_table());
  REQUIRE(added.size() == 1);
  CHECK(added[0].fd == loop.async_io_watcher.fd);
  CHECK(added[0].target == "anon_inode:[eventfd]");
  CHECK(added[0].nonblocking);
  CHECK(added[0].cloexec);
  CHECK(loop.async_wfd == -1);  // an eventfd is its own write end
  CHECK(loop.async_io_watcher.events == 0u);

  // The kernel adds the wake-ups up: two sends, one read of 2 (why sends coalesce).
  detail::async_wakeup(&loop);
  detail::async_wakeup(&loop);
  std::uint64_t count = 0;
  REQUIRE(read(loop.async_io_watcher.fd, &count, sizeof count) == sizeof count);
  CHECK(count == 2);

  REQUIRE(detail::async_start(&loop) == 0);  // one eventfd per loop
  CHECK(opened_since(before, uvref::debug::fd_table()).size() == 1);

  detail::async_stop(&loop);
  CHECK(loop.async_io_watcher.fd == -1);
  CHECK(same_table(before, uvref::debug::fd_table()));
  std::free(loop.watchers);
}

TEST_CASE("stage 2 alone: the lock pipe is one blocking, close-on-exec pipe holding one byte", "[stage]") {
  // The leak listener made it already (it belongs to the process); calling
  // the stage again must not make another.
  auto before = uvref::debug::fd_table();
  REQUIRE(detail::signal_global_once_init() == 0);
  CHECK(same_table(before, uvref::debug::fd_table()));

  const FdInfo* rd = find_fd(before, detail::signal_lock_pipefd[0]);
  const FdInfo* wr = find_fd(before, detail::signal_lock_pipefd[1]);
  REQUIRE(rd != nullptr);
  REQUIRE(wr != nullptr);
  CHECK(uvref::debug::fd_kind(rd->target) == "pipe");
  CHECK(rd->target == wr->target);
  CHECK_FALSE(rd->nonblocking);  // a thread that wants the lock must wait for the byte
  CHECK_FALSE(wr->nonblocking);
  CHECK(rd->cloexec);
  CHECK(wr->cloexec);

  int queued = -1;
  REQUIRE(ioctl(detail::signal_lock_pipefd[0], FIONREAD, &queued) == 0);
  CHECK(queued == 1);  // the lock starts free
}
