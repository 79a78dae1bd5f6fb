/**
 * @file fault.h
 * @brief Fault injection for the syscall seam: make the Nth call of a syscall fail or come up short.
 *
 * Every wrapper in sys.h tests one flag word before it enters the kernel
 * (seam.h); while a rule is armed, the wrapper asks fault::decide(). In
 * normal operation no rule is armed and that costs one relaxed atomic load.
 * A test arms rules ("the next recvmsg fails with EINVAL", "every write
 * transfers at most 7 bytes", "the third pipe2 fails with EMFILE") to drive
 * the retry and fallback paths that the kernel rarely takes on its own.
 *
 * Rules are process-wide and meant for tests that run one at a time; a
 * ScopedFault disarms its rule when it goes out of scope.
 */
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>

namespace uvref::sys {

/** The syscalls that go through the seam (one enumerator per wrapper). */
enum class Call : std::uint8_t {
  accept4, bind, close, connect, dup, dup2, epoll_create1, epoll_ctl, epoll_wait, eventfd, execve,
  fcntl, fork, fstat, getpeername, getsockname, getsockopt, ioctl, kill, listen, open, pipe2,
  read, readv, recvmsg, sendmsg, setsockopt, shutdown, socket, socketpair, unlink, waitpid, write,
  writev, chmod, setsid, chdir, sigaction, sigprocmask, setuid, setgid, setgroups, readlink, stat,
  nanosleep, uname, prctl, sysinfo,
  // files, terminals (fs, tty)
  pread, pwrite, preadv, pwritev, statx, lstat, tcgetattr, tcsetattr, ttyname, dup3,
  count_  ///< number of enumerators; not a syscall
};

/** The name of a call, as strace prints it. */
const char* call_name(Call c) noexcept;

namespace fault {

/** What an armed rule does to the calls it matches. */
struct Rule {
  Call call{};                    ///< which syscall
  int error = 0;                  ///< fail with this errno (0: do not fail)
  std::size_t max_len = std::numeric_limits<std::size_t>::max();  ///< clamp I/O length
  unsigned skip = 0;              ///< let this many matching calls through first
  unsigned times = 1;             ///< then apply to this many calls (0: forever)
};

/** What check() decided for one call. */
struct Decision {
  int error = 0;  ///< non-zero: the wrapper returns -error without entering the kernel
  std::size_t max_len = std::numeric_limits<std::size_t>::max();  ///< clamp for I/O calls
};

/** Arms a rule; returns its id (for disarm). */
int arm(const Rule& rule);
/** Disarms the rule with @p id. */
void disarm(int id) noexcept;
/** Disarms every rule. */
void disarm_all() noexcept;
/** How many times rules have fired for @p c since it was last reset. */
unsigned fired(Call c) noexcept;

/** Slow path: consults the rules for @p c. Called only while a rule is armed. */
Decision decide(Call c) noexcept;

/** Arms a rule for the lifetime of the object. */
class ScopedFault {
 public:
  explicit ScopedFault(const Rule& rule) : id_(arm(rule)) {}
  ~ScopedFault() { disarm(id_); }
  ScopedFault(const ScopedFault&) = delete;
  ScopedFault& operator=(const ScopedFault&) = delete;

 private:
  int id_;
};

}  // namespace fault
}  // namespace uvref::sys
