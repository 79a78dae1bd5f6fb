/**
 * @file spawn.cpp
 * @brief uv_spawn(): fork, exec, and learn synchronously whether the exec worked.
 *
 * The parent's side, in order:
 *  1. Initialise the handle (even if spawning fails, the caller uv_close()s it).
 *  2. Check the options, plan the exec, prepare each stdio descriptor.
 *  3. `pipe2(O_CLOEXEC)`: the exec-error pipe.
 *  4. Start loop->child_watcher on SIGCHLD (once per loop; it is unreferenced,
 *     so only the process handles keep uv_run() going).
 *  5. Block every signal, fork(), restore the mask in the parent. A child
 *     born with signals blocked cannot run a parent's handler before it has
 *     reset the dispositions (child.cpp).
 *  6. Close the pipe's write end and read() the read end. The write end in
 *     the child is close-on-exec, so:
 *       - 0 bytes (end of file): the child's execve() succeeded;
 *       - 4 bytes: an error code; the child has _exit()ed, and is reaped here
 *         with a blocking waitpid() so it does not linger as a zombie.
 *     This is how uv_spawn() returns UV_ENOENT for a missing program
 *     synchronously although the error happens in another process.
 *  7. On success: open the parent's ends of created pipes into their
 *     uv_pipe_t, link the handle into loop->process_handles, mark it active.
 *     Should opening a pipe fail, the child is killed and reaped: uv_spawn()
 *     either returns 0 with a tracked child or an error with no child at all.
 *
 * Differences from libuv 1.44, all on error paths: bad options give
 * UV_EINVAL instead of an assertion failure; a failed exec leaves the pipes
 * of UV_CREATE_PIPE unopened (libuv opens them on a child that is already
 * dead) and `pid` 0, so uv_process_kill() cannot signal a recycled pid.
 * libuv also holds a loop lock across fork() so that thread-pool file
 * operations cannot open descriptors without O_CLOEXEC meanwhile; uvref
 * opens every descriptor with O_CLOEXEC/SOCK_CLOEXEC atomically and needs none.
 *
 * libuv: src/unix/process.c uv_spawn, uv__spawn_and_init_child
 *
 * Page: \docpage{process-spawn}
 */
#include <new>

#include "core/internal.h"
#include "process/process.h"
#include "sys/sys.h"

namespace uvref::detail::process {
namespace {

constexpr int kInlineStdio = 8;  // enough for nearly every program; more are heap-allocated

/** The stdio pairs of one spawn: inline storage for the common case. */
class StdioTable {
 public:
  int init(int count) noexcept {
    count_ = count;
    if (count > kInlineStdio) {
      heap_ = new (std::nothrow) StdioPair[count];
      if (heap_ == nullptr) return UV_ENOMEM;
    }
    for (int i = 0; i < count; ++i) data()[i][0] = data()[i][1] = -1;
    return 0;
  }
  ~StdioTable() { delete[] heap_; }
  StdioPair* data() noexcept { return heap_ ? heap_ : inline_; }
  int count() const noexcept { return count_; }

 private:
  StdioPair inline_[kInlineStdio];
  StdioPair* heap_ = nullptr;
  int count_ = 0;
};

/** The container for child fd @p i: the caller's, or UV_IGNORE beyond stdio_count. */
const uv_stdio_container_t* container(const uv_process_options_t* o, int i) noexcept {
  static const uv_stdio_container_t ignore{};
  return i < o->stdio_count ? &o->stdio[i] : &ignore;
}

void close_all_stdio(const uv_process_options_t* o, StdioTable& t) noexcept {
  for (int i = 0; i < t.count(); ++i) close_stdio(container(o, i), t.data()[i]);
}

// [docs:spawn-fork]
/**
 * Forks; the child never returns from here. Returns the pid, or -errno.
 * Every signal stays blocked across fork() on this thread, so the child
 * starts with all signals blocked.
 */
pid_t fork_child(const ChildPlan& plan) noexcept {
  sigset_t all, saved;
  sigfillset(&all);
  int r = sys::thread_sigmask(SIG_SETMASK, &all, &saved);
  if (r < 0) return r;
  pid_t pid = sys::fork();
  if (pid == 0) child_init(plan);
  sys::thread_sigmask(SIG_SETMASK, &saved, nullptr);
  return pid;
}
// [/docs:spawn-fork]

// [docs:spawn-exec-result]
/** Reads the child's verdict from the error pipe: 0 if it exec'd, else its error. */
int read_exec_result(int fd, pid_t pid) noexcept {
  int err = 0;
  ssize_t r;
  do {
    r = sys::read(fd, &err, sizeof err);
  } while (r == -EINTR);
  if (r == 0) return 0;  // end of file: execve() closed the write end (CLOEXEC)
  // The child reported an error and _exit()ed (or, r < 0, we cannot know:
  // treat it as a failure). Reap it now: nobody else knows its pid.
  int status;
  while (sys::waitpid(pid, &status, 0) == -EINTR) {
  }
  if (r == static_cast<ssize_t>(sizeof err) && err < 0) return err;
  return r < 0 ? static_cast<int>(r) : UV_EIO;
}
// [/docs:spawn-exec-result]

/** Undoes a successful exec when a later step failed (libuv leaves such a child running). */
void kill_and_reap(pid_t pid) noexcept {
  sys::kill(pid, SIGKILL);
  int status;
  while (sys::waitpid(pid, &status, 0) == -EINTR) {
  }
}

}  // namespace
}  // namespace uvref::detail::process

using namespace uvref::detail;
using namespace uvref::detail::process;
namespace sys = uvref::sys;

// [docs:spawn]
int uv_spawn(uv_loop_t* loop, uv_process_t* handle, const uv_process_options_t* options) {
  if (loop == nullptr || handle == nullptr || options == nullptr) return UV_EINVAL;
  handle_init(loop, reinterpret_cast<uv_handle_t*>(handle), UV_PROCESS);
  queue_init(&handle->queue);
  handle->pid = 0;
  handle->status = 0;
  handle->exit_cb = nullptr;

  int r = validate_options(options);
  if (r < 0) return r;

  ExecPlan exec;
  r = plan_exec(options, &exec);
  if (r < 0) return r;

  StdioTable stdio;
  r = stdio.init(options->stdio_count > 3 ? options->stdio_count : 3);
  for (int i = 0; r == 0 && i < stdio.count(); ++i) r = init_stdio(container(options, i), stdio.data()[i]);

  int error_pipe[2] = {-1, -1};
  if (r == 0) r = sys::pipe2(error_pipe, O_CLOEXEC);
  if (r == 0) r = uv_signal_start(&loop->child_watcher, on_sigchld, SIGCHLD);  // no-op if started

  pid_t pid = -1;
  if (r == 0) {
    ChildPlan plan{options, stdio.count(), stdio.data(), &exec, error_pipe[1]};
    pid = fork_child(plan);
    if (pid < 0) r = pid;
  }
  if (error_pipe[1] != -1) sys::close_fd(error_pipe[1]);  // before reading: else no EOF ever
  if (r == 0) r = read_exec_result(error_pipe[0], pid);
  if (error_pipe[0] != -1) sys::close_fd(error_pipe[0]);
  free_exec_plan(&exec);

  bool running = r == 0;
  for (int i = 0; r == 0 && i < stdio.count(); ++i) r = open_stdio_stream(container(options, i), stdio.data()[i]);
  close_all_stdio(options, stdio);  // what no stream took over: everything, on failure
  if (r < 0 && running) kill_and_reap(pid);  // a child we cannot talk to must not live on
  if (r < 0) {
    if (queue_empty(&loop->process_handles)) uv_signal_stop(&loop->child_watcher);
    return r;
  }

  handle->pid = pid;
  handle->exit_cb = options->exit_cb;
  queue_insert_tail(&loop->process_handles, &handle->queue);
  handle_start(reinterpret_cast<uv_handle_t*>(handle));
  return 0;
}
// [/docs:spawn]
