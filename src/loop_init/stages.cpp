/**
 * @file stages.cpp
 * @brief The orchestrator of loop_init/: uv_loop_init() runs the four stages in libuv's order, uv_loop_close() undoes them.
 *
 * uv_loop_init() zeroes the loop, empties its lists, and then runs the four
 * stages (see loop_init/stages.h) in libuv 1.44's order:
 *
 *     epoll_create1  →  signal lock pipe (first loop only)  →  signal pipe  →  eventfd
 *
 * Each stage that succeeded is undone if a later one fails, through a scope
 * guard, so no error path leaks a descriptor. (libuv 1.44.2 has such a leak
 * on one path; 1.51 fixed it.) uv_loop_close() gives back every per-loop
 * descriptor: signal pipe, eventfd, epoll, and the EMFILE reserve if any. The
 * signal lock pipe stays: it belongs to the process (signal_lock_pipe.cpp).
 *
 * libuv: src/unix/loop.c uv_loop_init, uv__loop_close; src/uv-common.c uv_loop_close,
 * uv_default_loop
 *
 * Page: \docpage{loop-init-order}
 */
#include <cstdlib>
#include <cstring>

#include "core/internal.h"
#include "loop_init/stages.h"
#include "sys/sys.h"
#include "sys/trace_loops.h"
#include "threadpool/threadpool.h"

namespace uvref::detail {
namespace {

/** Runs a cleanup when the scope ends unless dismissed: the C++ version of libuv's goto ladder. */
template <typename F>
class Undo {
 public:
  explicit Undo(F f) : f_(f) {}
  ~Undo() {
    if (armed_) f_();
  }
  void dismiss() { armed_ = false; }
  Undo(const Undo&) = delete;
  Undo& operator=(const Undo&) = delete;

 private:
  F f_;
  bool armed_ = true;
};

uv_loop_t default_loop_struct;
uv_loop_t* default_loop_ptr = nullptr;
StageObserver init_observer = nullptr;  // set_loop_init_observer(): the tour's hook
void* init_observer_ctx = nullptr;

}  // namespace

void loop_init_fields(uv_loop_t* loop) noexcept {
  void* saved_data = loop->data;
  std::memset(loop, 0, sizeof *loop);
  loop->data = saved_data;
  queue_init(&loop->handle_queue);
  queue_init(&loop->pending_queue);
  queue_init(&loop->watcher_queue);
  queue_init(&loop->wq);
  queue_init(&loop->process_handles);
  queue_init(&loop->prepare_handles);
  queue_init(&loop->check_handles);
  queue_init(&loop->idle_handles);
  queue_init(&loop->async_handles);
  loop->backend_fd = -1;
  loop->async_io_watcher.fd = -1;
  loop->async_wfd = -1;
  loop->signal_pipefd[0] = loop->signal_pipefd[1] = -1;
  loop->signal_io_watcher.fd = -1;
  loop->emfile_fd = -1;
  update_time(loop);
  // Lets UVREF_TRACE name this loop by its address from stage 1 on (sys/trace_loops.h).
  // One flag test per loop when the trace is off; nothing per system call.
  sys::trace::note_loop_init(loop);
}

// [docs:loop-init]
int loop_init_stages(uv_loop_t* loop, StageObserver observe, void* ctx) noexcept {
  loop_init_fields(loop);
  auto after = [&](const char* stage) {
    if (observe) observe(loop, stage, ctx);
  };

  int r = platform_loop_init(loop);  // stage 1: epoll_create1
  if (r < 0) return r;
  Undo undo_epoll([loop] { platform_loop_delete(loop); });
  after("1. epoll_create1: the backend descriptor");

  // Stages 3 and 4 queue their watchers, which allocates loop->watchers.
  Undo undo_watchers([loop] {
    std::free(loop->watchers);
    loop->watchers = nullptr;
    loop->nwatchers = 0;
  });

  r = signal_global_once_init();  // stage 2: lock pipe, once per process
  if (r < 0) return r;
  after("2. the process-wide signal lock pipe");

  r = uv_signal_init(loop, &loop->child_watcher);  // stage 3: signal pipe
  if (r < 0) return r;
  handle_unref(reinterpret_cast<uv_handle_t*>(&loop->child_watcher));
  loop->child_watcher.flags |= kInternal;
  Undo undo_signal_pipe([loop] { signal_loop_close_pipe(loop); });
  after("3. the per-loop signal pipe");

  r = pthread_mutex_init(&loop->wq_mutex, nullptr);
  if (r != 0) return UV__ERR(r);
  Undo undo_mutex([loop] { pthread_mutex_destroy(&loop->wq_mutex); });

  r = uv_async_init(loop, &loop->wq_async, work_done);  // stage 4: eventfd
  if (r < 0) return r;
  handle_unref(reinterpret_cast<uv_handle_t*>(&loop->wq_async));
  loop->wq_async.flags |= kInternal;
  after("4. the async eventfd");

  undo_mutex.dismiss();
  undo_signal_pipe.dismiss();
  undo_watchers.dismiss();
  undo_epoll.dismiss();
  return 0;
}
// [/docs:loop-init]

}  // namespace uvref::detail

using namespace uvref::detail;

void uvref::detail::set_loop_init_observer(StageObserver observe, void* ctx) noexcept {
  init_observer = observe;
  init_observer_ctx = ctx;
}

int uv_loop_init(uv_loop_t* loop) { return loop_init_stages(loop, init_observer, init_observer_ctx); }

// [docs:loop-close]
int uv_loop_close(uv_loop_t* loop) {
  if (loop->active_reqs.count != 0) return UV_EBUSY;
  for (uv__queue* q = loop->handle_queue.next; q != &loop->handle_queue; q = q->next) {
    auto* h = entry<uv_handle_t, offsetof(uv_handle_t, handle_queue)>(q);
    if (!(h->flags & kInternal)) return UV_EBUSY;  // the program still has an open handle
  }

  signal_loop_stop_all(loop);
  signal_loop_close_pipe(loop);  // stage 3 undone
  async_stop(loop);              // stage 4 undone
  if (loop->emfile_fd != -1) {
    uvref::sys::close_fd(loop->emfile_fd);
    loop->emfile_fd = -1;
  }
  platform_loop_delete(loop);  // stage 1 undone; stage 2 belongs to the process

  pthread_mutex_destroy(&loop->wq_mutex);
  std::free(loop->watchers);
  loop->watchers = nullptr;
  loop->nwatchers = 0;
  std::free(loop->timer_heap.nodes);
  loop->timer_heap = {};
  queue_init(&loop->handle_queue);  // the internal handles are gone with the loop

  if (loop == default_loop_ptr) default_loop_ptr = nullptr;
  return 0;
}
// [/docs:loop-close]

uv_loop_t* uv_default_loop(void) {
  if (default_loop_ptr != nullptr) return default_loop_ptr;
  if (uv_loop_init(&default_loop_struct) != 0) return nullptr;
  default_loop_ptr = &default_loop_struct;
  return default_loop_ptr;
}
