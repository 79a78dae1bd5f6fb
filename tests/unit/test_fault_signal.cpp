// The fault rules meet a signal handler: a handler that interrupts the rule
// table on its own thread must not wait for the table's mutex. uvref's SIGCHLD
// handler makes seam calls (it takes the lock pipe), so a child exiting while
// the test thread was inside the table hung the fault matrix under TSan.
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <thread>

#include <catch2/catch.hpp>

#include "sys/fault.h"
#include "sys/sys.h"

namespace sys = uvref::sys;
namespace fault = uvref::sys::fault;
using uvref::sys::Call;

namespace {

int empty_pipe[2] = {-1, -1};
std::atomic<int> handled{0};

/** Makes a seam call, as uvref's own signal handler does. */
void on_signal(int) {
  int saved = errno;
  char c;
  (void)sys::read(empty_pipe[0], &c, 1);
  handled.fetch_add(1, std::memory_order_relaxed);
  errno = saved;
}

}  // namespace

TEST_CASE("fault rules: a signal handler that interrupts the rule table on its own thread does not wait for it",
          "[fault]") {
  REQUIRE(pipe2(empty_pipe, O_NONBLOCK | O_CLOEXEC) == 0);
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  struct sigaction old {};
  REQUIRE(sigaction(SIGUSR1, &sa, &old) == 0);
  handled = 0;

  // Armed but never firing: every read goes through the table, none is changed.
  fault::ScopedFault watched({.call = Call::read, .error = EIO, .skip = ~0u});

  // A second thread keeps signalling this one while it reads. Before the
  // fix, one of those signals landed inside the table and the test hung here.
  const pthread_t reader = pthread_self();
  std::atomic<bool> stop{false};
  std::thread sender([&] {
    while (!stop.load(std::memory_order_relaxed)) pthread_kill(reader, SIGUSR1);
  });
  long reads = 0, other = 0;
  while (handled.load(std::memory_order_relaxed) < 3000 && reads < 20'000'000) {
    char c;
    other += sys::read(empty_pipe[0], &c, 1) != -EAGAIN;
    ++reads;
  }
  stop = true;
  sender.join();
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;  // drops a signal still pending, before the old action is back
  REQUIRE(sigaction(SIGUSR1, &ignore, nullptr) == 0);

  CHECK(other == 0);  // every read saw the empty pipe

  CHECK(handled.load() >= 3000);         // the handler did run, many times, among the reads
  CHECK(fault::fired(Call::read) == 0);  // and nothing was faulted
  REQUIRE(sigaction(SIGUSR1, &old, nullptr) == 0);
  close(empty_pipe[0]);
  close(empty_pipe[1]);
}
