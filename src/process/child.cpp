/**
 * @file child.cpp
 * @brief The child between fork() and execve(): signals, descriptors, session, cwd, ids, exec.
 *
 * This code runs in a copy of the parent in which only the forking thread
 * exists. Locks held by the other threads at fork time stay locked, so only
 * async-signal-safe calls are allowed: raw syscalls through the seam, reads
 * of memory the parent prepared (ChildPlan), nothing that allocates. Errors
 * go to the parent as one int through the exec-error pipe (report_and_exit),
 * then the child ends with _exit(127) (sys::exit_group): exit() would run the
 * parent's atexit handlers and flush its stdio buffers a second time.
 *
 * The steps, in order:
 *  1. Signals. uv_spawn() blocked every signal before fork(), so no handler
 *     of the parent (uvref's own SIGCHLD handler writes into the parent's
 *     signal pipes!) can run here. Every disposition goes back to SIG_DFL:
 *     a handler is meaningless after exec anyway, but an *ignored* signal
 *     would stay ignored in the new program (SIGPIPE ignored by a server
 *     would break `yes | head` in its child). Only signals 1-31: glibc uses
 *     some real-time signals internally.
 *  2. setsid() for UV_PROCESS_DETACHED: a new session and process group, so
 *     the child survives the terminal and is not signalled with the parent's
 *     group (Ctrl-C).
 *  3. The dup2 dance (stdio_dance below).
 *  4. chdir(cwd).
 *  5. setgroups(0)/setgid/setuid for UV_PROCESS_SETGID/SETUID: group first,
 *     because after setuid() a non-root process may no longer change groups.
 *  6. The signal mask is emptied (libuv does not restore the parent's mask),
 *     then execve() on each candidate path (exec_path.cpp).
 *
 * libuv: src/unix/process.c uv__process_child_init, uv__write_errno
 *
 * Page: \docpage{process-child}
 */
#include "process/process.h"
#include "sys/sys.h"

namespace uvref::detail::process {
namespace {

// [docs:child-report]
/** Sends @p err (a negative errno) to the parent and ends the child. */
[[noreturn]] void report_and_exit(int error_fd, int err) noexcept {
  ssize_t r;
  do {
    r = sys::write(error_fd, &err, sizeof err);
  } while (r == -EINTR);
  sys::exit_group(127);  // _exit(127) without interceptors; 127 is the shell's "not found" status
}
// [/docs:child-report]

// [docs:child-signals]
void reset_signal_dispositions() noexcept {
  struct sigaction sa {};
  sa.sa_handler = SIG_DFL;
  for (int signum = 1; signum < 32; ++signum) {
    if (signum == SIGKILL || signum == SIGSTOP) continue;  // cannot be changed
    sys::sigaction(signum, &sa, nullptr);
  }
}
// [/docs:child-signals]

// [docs:child-dance]
/**
 * Makes plan.stdio[i][1] the child's fd i, for every i. The trap: a source
 * descriptor may be a *target* of an earlier step. Swapping stdout and
 * stderr (child fd 1 ← parent fd 2, child fd 2 ← parent fd 1) done naively,
 * dup2(2, 1) then dup2(1, 2), leaves both pointing at the old fd 2. So
 * first every source below its target is moved out of the way, to a number
 * no target uses (>= stdio_count); then the dup2s cannot clobber a source.
 */
void stdio_dance(const ChildPlan& plan, int error_fd) noexcept {
  const int n = plan.stdio_count;
  StdioPair* stdio = plan.stdio;

  for (int fd = 0; fd < n; ++fd) {
    int use = stdio[fd][1];
    if (use < 0 || use >= fd) continue;
    use = sys::fcntl(use, F_DUPFD_CLOEXEC, n);
    if (use < 0) report_and_exit(error_fd, use);
    stdio[fd][1] = use;  // the child's own copy of the array
  }

  for (int fd = 0; fd < n; ++fd) {
    int use = stdio[fd][1];
    bool devnull = false;
    if (use < 0) {
      if (fd >= 3) continue;  // UV_IGNORE above stderr: leave the descriptor as it is
      // UV_IGNORE for 0-2: /dev/null. Closing fd first makes open() return fd
      // itself, since every lower descriptor is already in place.
      sys::close_fd(fd);
      use = sys::open("/dev/null", fd == 0 ? O_RDONLY : O_RDWR);
      if (use < 0) report_and_exit(error_fd, use);
      devnull = true;
    }
    int r;
    if (use == fd) {
      // Already in place (dup2 would do nothing); a copy that came from the
      // parent is close-on-exec and must survive exec.
      r = devnull ? 0 : sys::set_cloexec(fd, false);
    } else {
      r = sys::dup2(use, fd);  // the copy does not inherit FD_CLOEXEC
      if (devnull) sys::close_fd(use);
    }
    if (r < 0) report_and_exit(error_fd, r);
    // Programs expect blocking stdio; the parent may have made the shared file
    // description non-blocking (libuv does the same, for fds 0-2 only).
    if (fd <= 2 && !devnull) sys::set_nonblock(fd, false);
  }
}
// [/docs:child-dance]

}  // namespace

// [docs:child-init]
void child_init(const ChildPlan& plan) noexcept {
  const uv_process_options_t* o = plan.options;
  int error_fd = plan.error_fd;

  reset_signal_dispositions();

  if (o->flags & UV_PROCESS_DETACHED) sys::setsid();

  // The error pipe may sit at a number the dance is about to overwrite (the
  // parent had fd 0 closed, say): move it above the child's stdio first.
  if (error_fd < plan.stdio_count) {
    int moved = sys::fcntl(error_fd, F_DUPFD_CLOEXEC, plan.stdio_count);
    if (moved < 0) report_and_exit(error_fd, moved);
    error_fd = moved;
  }

  stdio_dance(plan, error_fd);

  int r;
  if (o->cwd != nullptr && (r = sys::chdir(o->cwd)) < 0) report_and_exit(error_fd, r);

  if (o->flags & (UV_PROCESS_SETUID | UV_PROCESS_SETGID)) {
    // Drop supplementary groups (root's would survive setuid). Fails without
    // CAP_SETGID, which is fine: then there is nothing to drop.
    sys::setgroups(0, nullptr);
  }
  if ((o->flags & UV_PROCESS_SETGID) && (r = sys::setgid(o->gid)) < 0) report_and_exit(error_fd, r);
  if ((o->flags & UV_PROCESS_SETUID) && (r = sys::setuid(o->uid)) < 0) report_and_exit(error_fd, r);

  sigset_t none;
  sigemptyset(&none);
  sys::thread_sigmask(SIG_SETMASK, &none, nullptr);

  report_and_exit(error_fd, exec_candidates(*plan.exec));
}
// [/docs:child-init]

}  // namespace uvref::detail::process
