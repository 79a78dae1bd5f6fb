/**
 * @file signal_pipe.cpp
 * @brief Stage 3 of loop initialisation: the per-loop signal pipe.
 *
 * What it creates: a pipe with both ends non-blocking and close-on-exec,
 * `pipe2(fds, O_NONBLOCK | O_CLOEXEC)`, stored in `loop->signal_pipefd`,
 * and a watcher for its read end (`loop->signal_io_watcher`, queued for
 * epoll, not yet registered).
 *
 * Why: a signal arrives on whatever thread the kernel picks, at any moment,
 * and the callback must run later on the loop's own thread. The handler
 * (signal/signal_handler.cpp) therefore only writes a small message {handle, signum} into
 * the pipe of each loop that watches the signal; the loop wakes up because
 * the read end is in its epoll set, and runs the callbacks in the poll phase.
 * This is the self-pipe trick (D. J. Bernstein).
 *
 * Why non-blocking: the write end is written from a signal handler, which
 * must never block (a full pipe drops the message rather than hang the
 * process); the read end is drained until EAGAIN.
 *
 * Why every loop has one, even without uv_signal_t handles: uv_loop_init()
 * initialises `loop->child_watcher`, the SIGCHLD watcher that uv_spawn()
 * starts to learn that children exited. It is the pipe's first user.
 *
 * In GDB:
 *
 *     gdb build/debug/src/uvref-tour
 *     (gdb) break uvref::detail::signal_loop_once_init
 *     (gdb) run
 *     (gdb) finish                           # => = 0
 *     (gdb) p loop->signal_pipefd
 *     (gdb) p loop->signal_io_watcher        # pevents set (watched), events 0 (not yet in epoll)
 *
 * libuv: src/unix/signal.c uv__signal_loop_once_init, uv__signal_loop_cleanup
 *
 * Page: \docpage{loop-init-signal-pipe}
 */
#include "core/internal.h"
#include "loop_init/stages.h"
#include "sys/sys.h"

namespace uvref::detail {

// [docs:signal-pipe-create]
int signal_loop_once_init(uv_loop_t* loop) noexcept {
  if (loop->signal_pipefd[0] != -1) return 0;  // already made: one pipe per loop

  int r = sys::pipe2(loop->signal_pipefd, O_NONBLOCK | O_CLOEXEC);
  if (r < 0) return r;

  io_init(&loop->signal_io_watcher, signal_event, loop->signal_pipefd[0]);
  r = io_start(loop, &loop->signal_io_watcher, kPollIn);  // queued; epoll_ctl at first uv_run
  if (r < 0) signal_loop_close_pipe(loop);
  return r;
}
// [/docs:signal-pipe-create]

void signal_loop_close_pipe(uv_loop_t* loop) noexcept {
  if (loop->signal_pipefd[0] == -1) return;
  // io_stop, not io_close: the epoll set goes away with the loop, so no EPOLL_CTL_DEL (as libuv).
  io_stop(loop, &loop->signal_io_watcher, kPollIn);
  for (int& fd : loop->signal_pipefd) {
    sys::close_fd(fd);
    fd = -1;
  }
}

}  // namespace uvref::detail
