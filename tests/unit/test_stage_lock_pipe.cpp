// Stage 2, the process-wide signal lock pipe: made once per process (a
// second loop opens 4 descriptors, not 6), a working lock (the byte), and
// remade in a forked child (pthread_atfork).
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "debug/fd_table.h"
#include "loop_init/stages.h"
#include "support/test_support.h"

using uvref::debug::FdInfo;
namespace detail = uvref::detail;

namespace {

std::vector<FdInfo> opened_since(const std::vector<FdInfo>& before) {
  std::vector<FdInfo> out;
  for (const FdInfo& a : uvref::debug::fd_table()) {
    bool old = false;
    for (const FdInfo& b : before) old = old || (a.fd == b.fd && a.target == b.target);
    if (!old) out.push_back(a);
  }
  return out;
}

int bytes_in_lock_pipe() {
  int n = -1;
  if (ioctl(detail::signal_lock_pipefd[0], FIONREAD, &n) != 0) return -1;
  return n;
}

std::string target_of(int fd) {
  char path[64];
  char buf[128];
  std::snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(path, buf, sizeof buf - 1);
  if (n < 0) return "";
  buf[n] = '\0';
  return buf;
}

}  // namespace

TEST_CASE("every loop opens 4 descriptors: the lock pipe is made once per process", "[stage]") {
  const int lock_rd = detail::signal_lock_pipefd[0];
  const int lock_wr = detail::signal_lock_pipefd[1];
  REQUIRE(lock_rd >= 0);

  auto before = uvref::debug::fd_table();
  uv_loop_t first;
  REQUIRE(uv_loop_init(&first) == 0);
  auto after_first = opened_since(before);
  CHECK(after_first.size() == 4);

  auto before_second = uvref::debug::fd_table();
  uv_loop_t second;
  REQUIRE(uv_loop_init(&second) == 0);
  auto added = opened_since(before_second);
  CHECK(added.size() == 4);  // not 6: no second lock pipe
  int pipes = 0, epolls = 0, eventfds = 0;
  for (const FdInfo& d : added) {
    pipes += uvref::debug::fd_kind(d.target) == "pipe";
    epolls += d.target == "anon_inode:[eventpoll]";
    eventfds += d.target == "anon_inode:[eventfd]";
  }
  CHECK(pipes == 2);
  CHECK(epolls == 1);
  CHECK(eventfds == 1);
  CHECK(detail::signal_lock_pipefd[0] == lock_rd);
  CHECK(detail::signal_lock_pipefd[1] == lock_wr);

  CHECK(uv_loop_close(&second) == 0);
  CHECK(uv_loop_close(&first) == 0);
  CHECK(opened_since(before).empty());
  CHECK(target_of(lock_rd) != "");  // the lock pipe outlives every loop
}

TEST_CASE("the lock byte: signal_lock takes it, signal_unlock puts it back", "[stage][ex:lock-pipe]") {
  REQUIRE(bytes_in_lock_pipe() == 1);
  REQUIRE(detail::signal_lock() == 0);
  CHECK(bytes_in_lock_pipe() == 0);  // held: another taker would block in read()
  REQUIRE(detail::signal_unlock() == 0);
  CHECK(bytes_in_lock_pipe() == 1);
  // And it can be taken again.
  REQUIRE(detail::signal_lock() == 0);
  REQUIRE(detail::signal_unlock() == 0);
  CHECK(bytes_in_lock_pipe() == 1);
}

TEST_CASE("a forked child gets a lock pipe of its own, with its byte", "[stage][ex:lock-pipe]") {
  const std::string parent_pipe = target_of(detail::signal_lock_pipefd[0]);
  REQUIRE(parent_pipe.rfind("pipe:", 0) == 0);

  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    // Child: report through the exit status, touching nothing Catch2 owns.
    int status = 0;
    const std::string child_pipe = target_of(detail::signal_lock_pipefd[0]);
    if (child_pipe.rfind("pipe:", 0) != 0) status |= 1;
    if (child_pipe == parent_pipe) status |= 2;  // still sharing the parent's pipe
    if (target_of(detail::signal_lock_pipefd[1]) != child_pipe) status |= 4;
    if (bytes_in_lock_pipe() != 1) status |= 8;
    for (const FdInfo& d : uvref::debug::fd_table())
      if (d.target == parent_pipe) status |= 16;  // the parent's ends were not closed
    _exit(status);
  }
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  REQUIRE(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  // The parent's pipe is untouched.
  CHECK(target_of(detail::signal_lock_pipefd[0]) == parent_pipe);
  CHECK(bytes_in_lock_pipe() == 1);
}
