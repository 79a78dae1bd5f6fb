// Checks of the exercise walkthroughs/exercises/lock-pipe (tag [ex:lock-pipe]):
// what the lock pipe must be (a blocking, close-on-exec pipe holding one
// byte), that a second taker really waits, and that EINTR, injected through
// the syscall seam, is retried on both sides of the lock.
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <string>
#include <thread>

#include "debug/fd_table.h"
#include "loop_init/stages.h"
#include "support/test_support.h"
#include "sys/fault.h"

using uvref::sys::Call;
using uvref::sys::fault::ScopedFault;
namespace detail = uvref::detail;
namespace fault = uvref::sys::fault;

namespace {

const uvref::debug::FdInfo* find_fd(const std::vector<uvref::debug::FdInfo>& table, int fd) {
  for (const auto& d : table)
    if (d.fd == fd) return &d;
  return nullptr;
}

/** Bytes waiting in the lock pipe (1: free, 0: held), or -1 if there is no pipe. */
int bytes_in_lock_pipe() {
  int n = -1;
  if (detail::signal_lock_pipefd[0] < 0 || ioctl(detail::signal_lock_pipefd[0], FIONREAD, &n) != 0) return -1;
  return n;
}

/** True while thread @p tid is inside the read(2) system call (/proc/self/task/TID/syscall). */
bool sleeping_in_read(pid_t tid) {
  std::ifstream f("/proc/self/task/" + std::to_string(tid) + "/syscall");
  long nr = -1;
  return (f >> nr) && nr == SYS_read;
}

}  // namespace

TEST_CASE("lock pipe: one blocking, close-on-exec pipe, made once, holding one byte", "[ex:lock-pipe]") {
  REQUIRE(detail::signal_global_once_init() == 0);
  const auto table = uvref::debug::fd_table();
  const auto* rd = find_fd(table, detail::signal_lock_pipefd[0]);
  const auto* wr = find_fd(table, detail::signal_lock_pipefd[1]);
  REQUIRE(rd != nullptr);
  REQUIRE(wr != nullptr);
  CHECK(uvref::debug::fd_kind(rd->target) == "pipe");
  CHECK(rd->target == wr->target);  // two ends of one pipe
  CHECK_FALSE(rd->nonblocking);     // a taker must wait for the byte, not get EAGAIN
  CHECK_FALSE(wr->nonblocking);
  CHECK(rd->cloexec);
  CHECK(wr->cloexec);
  CHECK(bytes_in_lock_pipe() == 1);  // the lock starts free

  // Once per process: asking again opens nothing.
  REQUIRE(detail::signal_global_once_init() == 0);
  CHECK(uvref::debug::fd_table().size() == table.size());
}

TEST_CASE("lock pipe: a second taker waits until the holder gives the byte back", "[ex:lock-pipe]") {
  REQUIRE(bytes_in_lock_pipe() == 1);  // without the byte, taking the lock would block this test
  REQUIRE(detail::signal_lock() == 0);

  std::atomic<pid_t> tid{0};
  std::atomic<bool> got_it{false};
  int second = -1;
  std::thread taker([&] {
    tid = gettid();
    second = detail::signal_lock();  // must block in read() while we hold the byte
    got_it = true;
  });
  // Wait until the taker either returned or sleeps in read(2) (the kernel says which).
  bool blocked = false;
  for (int i = 0; i < 10000 && !got_it && !blocked; ++i) {
    blocked = tid != 0 && sleeping_in_read(tid);
    if (!blocked) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  CHECK_FALSE(got_it.load());  // it did not get past a held lock
  CHECK(blocked);
  REQUIRE(detail::signal_unlock() == 0);
  taker.join();
  CHECK(second == 0);  // it got the lock once we released it (not UV_EAGAIN)
  REQUIRE(detail::signal_unlock() == 0);
  CHECK(bytes_in_lock_pipe() == 1);
}

TEST_CASE("lock pipe: EINTR in read() or write() is retried, the lock still works", "[ex:lock-pipe]") {
  REQUIRE(bytes_in_lock_pipe() == 1);
  {
    ScopedFault eintr{{.call = Call::read, .error = EINTR}};  // a signal interrupts the first read
    CHECK(detail::signal_lock() == 0);
    CHECK(fault::fired(Call::read) == 1);
  }
  CHECK(bytes_in_lock_pipe() == 0);  // the retry took the byte
  {
    ScopedFault eintr{{.call = Call::write, .error = EINTR}};
    CHECK(detail::signal_unlock() == 0);
    CHECK(fault::fired(Call::write) == 1);
  }
  CHECK(bytes_in_lock_pipe() == 1);  // and the retry gave it back
}
