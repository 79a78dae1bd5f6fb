/**
 * @file epoll_poll.cpp
 * @brief The poll phase: apply queued registrations, sleep in epoll_wait(), run I/O callbacks.
 *
 * Three things happen, in this order:
 *  1. Every watcher on `loop->watcher_queue` gets its epoll registration
 *     brought up to date: EPOLL_CTL_ADD the first time, EPOLL_CTL_MOD after,
 *     EPOLL_CTL_DEL once it wants nothing.
 *     This is where the loop-init watchers (signal pipe, eventfd) are first
 *     registered.
 *  2. epoll_wait() sleeps until an event or the timeout. EINTR (a signal
 *     arrived) just recomputes the remaining time and waits again.
 *  3. For each event, `loop->watchers[fd]` gives the watcher; its callback
 *     gets the events it asked for plus error and hang-up. An event for a
 *     watcher stopped earlier in the same batch is skipped.
 *     The signal pipe's watcher runs last, after the other callbacks of the
 *     batch, as in libuv.
 *
 * While the batch is dispatched, `loop->poll_events` points at it: if a
 * callback closes another descriptor that also has an event in the batch,
 * platform_invalidate_fd() cancels that event, so no callback runs for a
 * closed (or, worse, reused) descriptor.
 *
 * libuv: src/unix/epoll.c uv__io_poll, uv__platform_invalidate_fd
 *
 * Page: \docpage{core-poll}
 */
#include <signal.h>

#include <array>

#include "core/hooks.h"
#include "core/internal.h"
#include "sys/sys.h"

namespace uvref::detail {
namespace {

constexpr int kMaxEvents = 1024;  // events taken per epoll_wait()
constexpr int kMaxBatches = 48;   // full batches in a row before yielding to the other phases

// [docs:poll-register]
/** Returns true if a registration of the loop's own failed and waits to be tried again. */
bool apply_registrations(uv_loop_t* loop) noexcept {
  uv__queue retry;
  queue_init(&retry);
  while (!queue_empty(&loop->watcher_queue)) {
    uv__queue* q = queue_head(&loop->watcher_queue);
    queue_remove(q);
    auto* w = entry<uv__io_t, offsetof(uv__io_t, watcher_queue)>(q);

    epoll_event e{};
    e.events = w->pevents;
    e.data.fd = w->fd;
    if (w->pevents == 0) {  // stopped: io_stop() left the removal to us
      sys::epoll_ctl(loop->backend_fd, EPOLL_CTL_DEL, w->fd, &e);
      w->events = 0;
      continue;
    }
    int op = w->events == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    int r = sys::epoll_ctl(loop->backend_fd, op, w->fd, &e);
    // `events` mirrors the set, so ADD meets EEXIST only for a descriptor the
    // program added itself through uv_backend_fd(): take the entry over.
    if (r == -EEXIST && op == EPOLL_CTL_ADD) r = sys::epoll_ctl(loop->backend_fd, EPOLL_CTL_MOD, w->fd, &e);
    if (r < 0) {
      // No memory (ENOMEM), or max_user_watches reached (ENOSPC); libuv
      // aborts here. A stream's watcher is forgotten and the stream told
      // (its callbacks get the error). The loop's own watchers (signal pipe,
      // eventfd) have nobody to tell and cannot be done without: tried again.
      if (w->events != 0) sys::epoll_ctl(loop->backend_fd, EPOLL_CTL_DEL, w->fd, &e);  // a failed MOD
      w->events = 0;
      if (!stream_watch_failed(loop, w, r)) queue_insert_tail(&retry, &w->watcher_queue);
      continue;
    }
    w->events = w->pevents;
  }
  if (queue_empty(&retry)) return false;
  queue_move(&retry, &loop->watcher_queue);
  return true;
}
// [/docs:poll-register]

}  // namespace

// [docs:poll-wait]
void io_poll(uv_loop_t* loop, int timeout) noexcept {
  bool retry = apply_registrations(loop);  // removals too, even when nothing is left to wait for
  if (loop->nfds == 0) return;             // nothing to wait for: do not sleep forever
  // A refused registration: its stream's error waits in the pending queue,
  // or the loop's own watcher must be tried again. Look, but do not sleep.
  if (retry || !queue_empty(&loop->pending_queue)) timeout = 0;

  sigset_t sigprof_set;
  bool block_sigprof = (loop->flags & kLoopBlockSigprof) != 0;
  if (block_sigprof) {
    sigemptyset(&sigprof_set);
    sigaddset(&sigprof_set, SIGPROF);
  }

  std::array<epoll_event, kMaxEvents> events;
  uint64_t base = loop->time;
  const int user_timeout = timeout;

  for (int batches = kMaxBatches; batches > 0;) {
    if (block_sigprof) pthread_sigmask(SIG_BLOCK, &sigprof_set, nullptr);
    int nfds = sys::epoll_wait(loop->backend_fd, events.data(), kMaxEvents, timeout);
    if (block_sigprof) pthread_sigmask(SIG_UNBLOCK, &sigprof_set, nullptr);
    update_time(loop);  // callbacks see the time after the sleep

    if (nfds == 0) return;  // timed out
    if (nfds < 0) {
      if (nfds != -EINTR) return;
      if (user_timeout == -1) continue;  // interrupted: wait again
      if (user_timeout == 0) return;
      uint64_t elapsed = loop->time - base;
      if (elapsed >= static_cast<uint64_t>(user_timeout)) return;
      timeout = user_timeout - static_cast<int>(elapsed);
      continue;
    }

    loop->poll_events = events.data();
    loop->poll_nevents = nfds;
    bool have_signals = false;
    for (int i = 0; i < nfds; ++i) {
      epoll_event& e = events[i];
      int fd = e.data.fd;
      if (fd == -1) continue;  // cancelled by platform_invalidate_fd() during this batch

      uv__io_t* w = static_cast<unsigned>(fd) < loop->nwatchers ? loop->watchers[fd] : nullptr;
      if (w == nullptr) continue;  // stopped by an earlier callback of this batch; its DEL is queued

      // Deliver what the watcher asked for, plus error and hang-up. When the
      // kernel reports only EPOLLERR or EPOLLHUP, add the watcher's read/write
      // interest so the read or write path runs and finds the error itself.
      unsigned int ev = e.events & (w->pevents | kPollErr | kPollHup);
      if (ev == kPollErr || ev == kPollHup) ev |= w->pevents & (kPollIn | kPollOut | kPollRdHup | EPOLLPRI);
      if (ev == 0) continue;

      if (w == &loop->signal_io_watcher) {
        have_signals = true;  // run after the batch, so signal callbacks see its effects
      } else {
        w->cb(loop, w, ev);
      }
    }
    if (have_signals) loop->signal_io_watcher.cb(loop, &loop->signal_io_watcher, kPollIn);
    loop->poll_events = nullptr;
    loop->poll_nevents = 0;

    if (have_signals) return;  // a signal callback may have stopped the loop
    if (nfds < kMaxEvents) return;
    // A full batch: there may be more. Look again without sleeping.
    --batches;
    timeout = 0;
  }
}
// [/docs:poll-wait]

void platform_invalidate_fd(uv_loop_t* loop, uv__io_t* w) noexcept {
  auto* events = static_cast<epoll_event*>(loop->poll_events);
  for (int i = 0; events && i < loop->poll_nevents; ++i) {
    if (events[i].data.fd == w->fd) events[i].data.fd = -1;
  }
  // Remove it from the set now: once the caller closes fd, the number may be
  // reused. Only if it is there: a handle that never read or waited to write
  // (an accepted descriptor passed straight on or closed) was never added,
  // and libuv 1.44's unconditional EPOLL_CTL_DEL fails with ENOENT for it.
  if (w->events != 0 && loop->backend_fd >= 0) {
    epoll_event dummy{};
    sys::epoll_ctl(loop->backend_fd, EPOLL_CTL_DEL, w->fd, &dummy);
  }
  w->events = 0;
}

}  // namespace uvref::detail
