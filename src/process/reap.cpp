/**
 * @file reap.cpp
 * @brief Exit notification: SIGCHLD through the loop's signal pipe, then waitpid() per child.
 *
 * When a child ends, the kernel sends its parent SIGCHLD. uvref's signal
 * handler (signal/signal_handler.cpp) turns it into a 16-byte message in the signal pipe of
 * every loop whose child_watcher is started, and on_sigchld() below runs
 * later on each such loop's thread, in the poll phase. This is why every
 * loop has a signal pipe from uv_loop_init() on.
 *
 * Signals of one kind do not queue: ten children exiting together may raise
 * SIGCHLD once. So the callback does not ask "which child?", it polls them
 * all: `waitpid(pid, &status, WNOHANG)` for each handle in
 * loop->process_handles. 0 means still running; the pid means it exited and
 * is now reaped (its zombie gone). waitpid(-1) would be cheaper but would
 * also reap children that are not this loop's (another loop's, or ones the
 * program forked itself and waits for).
 *
 * The exited handles are first moved to a private list, then their exit_cb
 * run: an exit_cb may close or spawn handles, which changes
 * loop->process_handles while it is walked.
 *
 * ECHILD from waitpid: someone else reaped the child (a waitpid(-1) in the
 * program). libuv aborts on other errors and ignores this one; the handle
 * then never reports an exit. uvref does the same.
 *
 * libuv: src/unix/process.c uv__chld, uv__process_close
 *
 * Page: \docpage{process-reap}
 */
#include "core/internal.h"
#include "process/process.h"
#include "sys/sys.h"

namespace uvref::detail::process {

// [docs:reap]
void on_sigchld(uv_signal_t* watcher, int /*signum*/) {
  uv_loop_t* loop = watcher->loop;
  uv__queue exited;
  queue_init(&exited);

  uv__queue* q = loop->process_handles.next;
  while (q != &loop->process_handles) {
    auto* p = entry<uv_process_t, offsetof(uv_process_t, queue)>(q);
    q = q->next;
    int status;
    pid_t r;
    do {
      r = sys::waitpid(p->pid, &status, WNOHANG);
    } while (r == -EINTR);
    if (r <= 0) continue;  // 0: still running; -ECHILD: reaped by someone else
    p->status = status;
    queue_remove(&p->queue);
    queue_insert_tail(&exited, &p->queue);
  }

  while (!queue_empty(&exited)) {
    auto* p = entry<uv_process_t, offsetof(uv_process_t, queue)>(queue_head(&exited));
    queue_remove(&p->queue);
    queue_init(&p->queue);
    handle_stop(reinterpret_cast<uv_handle_t*>(p));
    if (p->exit_cb == nullptr) continue;
    int64_t exit_status = WIFEXITED(p->status) ? WEXITSTATUS(p->status) : 0;
    int term_signal = WIFSIGNALED(p->status) ? WTERMSIG(p->status) : 0;
    p->exit_cb(p, exit_status, term_signal);
  }
}
// [/docs:reap]

void process_close(uv_process_t* handle) noexcept {
  queue_remove(&handle->queue);
  queue_init(&handle->queue);
  handle_stop(reinterpret_cast<uv_handle_t*>(handle));
  // The last process gone: stop listening for SIGCHLD (the handler goes back to SIG_DFL).
  if (queue_empty(&handle->loop->process_handles)) uv_signal_stop(&handle->loop->child_watcher);
}

}  // namespace uvref::detail::process
