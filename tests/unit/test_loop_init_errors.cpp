// uv_loop_init()'s error paths, driven through the syscall seam: whichever
// stage fails, its error comes back and every descriptor the earlier stages
// opened is closed again. And init itself makes no epoll_ctl() call: the
// first uv_run() registers the two watched descriptors.
#include <cerrno>
#include <vector>

#include "debug/fd_table.h"
#include "support/test_support.h"
#include "sys/fault.h"

using uvref::sys::Call;
using uvref::sys::fault::ScopedFault;
namespace fault = uvref::sys::fault;

namespace {

bool same_table(const std::vector<uvref::debug::FdInfo>& a, const std::vector<uvref::debug::FdInfo>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (a[i].fd != b[i].fd || a[i].target != b[i].target) return false;
  return true;
}

/** Fails uv_loop_init() with @p rule armed, checks the error and that nothing stays open. */
void expect_init_fails(const fault::Rule& rule, int expected) {
  auto before = uvref::debug::fd_table();
  uv_loop_t loop;
  {
    ScopedFault f{rule};
    CHECK(uv_loop_init(&loop) == expected);
    CHECK(fault::fired(rule.call) == 1);
  }
  CHECK(same_table(before, uvref::debug::fd_table()));

  // Nothing half-done is left behind: the same loop initialises fine now.
  REQUIRE(uv_loop_init(&loop) == 0);
  CHECK(uv_loop_close(&loop) == 0);
  CHECK(same_table(before, uvref::debug::fd_table()));
}

}  // namespace

TEST_CASE("uv_loop_init: epoll_create1 fails first, nothing is opened", "[loop][init][fault]") {
  expect_init_fails({.call = Call::epoll_create1, .error = ENOMEM}, UV_ENOMEM);
}

TEST_CASE("uv_loop_init: the signal pipe's pipe2 fails, the epoll fd is closed", "[loop][init][fault]") {
  // The lock pipe exists already (per process), so this pipe2 is the loop's signal pipe.
  expect_init_fails({.call = Call::pipe2, .error = ENFILE}, UV_ENFILE);
}

TEST_CASE("uv_loop_init: eventfd fails last, epoll fd and signal pipe are closed", "[loop][init][fault]") {
  expect_init_fails({.call = Call::eventfd, .error = EMFILE}, UV_EMFILE);
}

namespace {
void close_self(uv_timer_t* t) { uv_close(reinterpret_cast<uv_handle_t*>(t), nullptr); }
}  // namespace

TEST_CASE("no epoll_ctl during uv_loop_init; the first uv_run adds exactly the two watched fds",
          "[loop][init][fault][ex:async-eventfd]") {
  uv_loop_t loop;
  {
    // Were init to call epoll_ctl, this rule would fail it (and count it).
    ScopedFault no_ctl{{.call = Call::epoll_ctl, .error = EPERM, .times = 0}};
    REQUIRE(uv_loop_init(&loop) == 0);
    CHECK(fault::fired(Call::epoll_ctl) == 0);
  }
  CHECK(loop.signal_io_watcher.events == 0u);
  CHECK(loop.async_io_watcher.events == 0u);

  uv_timer_t timer;
  REQUIRE(uv_timer_init(&loop, &timer) == 0);
  REQUIRE(uv_timer_start(&timer, close_self, 1, 0) == 0);
  {
    // error 0: counts the calls and lets them through.
    ScopedFault count{{.call = Call::epoll_ctl, .times = 0}};
    CHECK(uv_run(&loop, UV_RUN_DEFAULT) == 0);
    CHECK(uv_loop_close(&loop) == 0);
    CHECK(fault::fired(Call::epoll_ctl) == 2);  // ADD signal pipe, ADD eventfd; no DEL at close
  }
}
