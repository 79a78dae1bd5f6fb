/**
 * @file fault.cpp
 * @brief The rule table behind sys::fault: a few slots guarded by a mutex.
 *
 * Only reached while a test has armed a rule, so a mutex is fine here; the
 * normal path never gets past the relaxed load of seam::armed (seam.h).
 */
#include "sys/fault.h"
#include "sys/seam.h"

#include <array>
#include <mutex>

namespace uvref::sys {

const char* call_name(Call c) noexcept {
  static constexpr std::array<const char*, static_cast<std::size_t>(Call::count_)> names = {
      "accept4", "bind", "close", "connect", "dup", "dup2", "epoll_create1", "epoll_ctl",
      "epoll_wait", "eventfd2", "execve", "fcntl", "fork", "fstat", "getpeername", "getsockname",
      "getsockopt", "ioctl", "kill", "listen", "open", "pipe2", "read", "readv", "recvmsg",
      "sendmsg", "setsockopt", "shutdown", "socket", "socketpair", "unlink", "waitpid", "write",
      "writev", "chmod", "setsid", "chdir", "rt_sigaction", "rt_sigprocmask", "setuid", "setgid",
      "setgroups", "readlink", "stat", "nanosleep", "uname", "prctl", "sysinfo",
      // files, terminals (fs, tty)
      "pread64", "pwrite64", "preadv", "pwritev", "statx", "lstat", "tcgetattr", "tcsetattr",
      "ttyname", "dup3"};
  auto i = static_cast<std::size_t>(c);
  return i < names.size() ? names[i] : "?";
}

namespace fault {

namespace {

struct Slot {
  bool used = false;
  Rule rule;
  unsigned seen = 0;     // matching calls so far
  unsigned applied = 0;  // calls this rule changed
};

constexpr int kSlots = 16;
std::mutex table_mutex;
std::array<Slot, kSlots> table;
std::array<unsigned, static_cast<std::size_t>(Call::count_)> fired_count{};

/**
 * True while this thread holds table_mutex. A signal handler that interrupts
 * it there (uvref's SIGCHLD handler takes the lock pipe through the seam)
 * would wait for that mutex forever; its calls run unchanged instead: no
 * rule applies to them and none counts them. Under TSan, which delivers
 * signals when an intercepted call returns, pthread_mutex_lock() itself is
 * such a moment, and the fault matrix hung there.
 */
constinit thread_local bool holding = false;

/** Marks the thread as holding the table; first member of TableLock, so it outlives the lock. */
struct Holding {
  Holding() noexcept { holding = true; }
  ~Holding() { holding = false; }
  Holding(const Holding&) = delete;
  Holding& operator=(const Holding&) = delete;
};

/** The only way into the table: marks the thread, then takes the mutex (released in reverse). */
struct TableLock {
  Holding mark;
  std::lock_guard<std::mutex> lock{table_mutex};
};

void update_armed() {
  bool any = false;
  for (const Slot& s : table) any = any || s.used;
  if (any) {
    seam::armed.fetch_or(seam::kFaultArmed, std::memory_order_relaxed);
  } else {
    seam::armed.fetch_and(~seam::kFaultArmed, std::memory_order_relaxed);
  }
}

}  // namespace

int arm(const Rule& rule) {
  TableLock lock;
  for (int i = 0; i < kSlots; ++i) {
    if (!table[i].used) {
      table[i] = Slot{true, rule, 0, 0};
      fired_count[static_cast<std::size_t>(rule.call)] = 0;
      update_armed();
      return i;
    }
  }
  return -1;  // table full: a test bug, visible as a rule that never fires
}

void disarm(int id) noexcept {
  if (id < 0 || id >= kSlots) return;
  TableLock lock;
  table[id].used = false;
  update_armed();
}

void disarm_all() noexcept {
  TableLock lock;
  for (Slot& s : table) s.used = false;
  update_armed();
}

unsigned fired(Call c) noexcept {
  TableLock lock;
  return fired_count[static_cast<std::size_t>(c)];
}

Decision decide(Call c) noexcept {
  Decision d;
  if (holding) return d;  // a signal handler interrupted this thread inside the table
  TableLock lock;
  for (Slot& s : table) {
    if (!s.used || s.rule.call != c) continue;
    if (s.seen++ < s.rule.skip) continue;
    if (s.rule.times != 0 && s.applied >= s.rule.times) continue;
    ++s.applied;
    ++fired_count[static_cast<std::size_t>(c)];
    if (s.rule.error != 0) d.error = s.rule.error;
    if (s.rule.max_len < d.max_len) d.max_len = s.rule.max_len;
  }
  return d;
}

}  // namespace fault
}  // namespace uvref::sys
