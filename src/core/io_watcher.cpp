/**
 * @file io_watcher.cpp
 * @brief I/O watchers: which descriptors the loop waits on, and for what.
 *
 * A watcher (uv__io_t) pairs a descriptor with a callback and two event
 * masks: `pevents`, what the program wants at the next poll, and `events`,
 * what epoll has registered now (0: not in the epoll set). io_start() and
 * io_stop() only change `pevents` and queue the watcher on
 * `loop->watcher_queue`; io_poll() makes the epoll_ctl() calls (ADD, MOD, or
 * DEL when nothing is wanted any more) just before it sleeps. Many start/stop
 * pairs within one iteration thus cost no syscall at all, and `events` always
 * says whether the descriptor is in the epoll set.
 *
 * `loop->watchers[fd]` maps a descriptor back to its watcher when epoll
 * reports an event (the event carries only the fd).
 *
 * libuv: src/unix/core.c uv__io_init, uv__io_start, uv__io_stop, uv__io_close,
 * uv__io_feed, uv__io_active, maybe_resize
 *
 * Page: \docpage{core-io-watcher}
 */
#include <cstdlib>

#include "core/internal.h"

namespace uvref::detail {
namespace {

/** Grows loop->watchers so that index @p len - 1 exists. */
int maybe_resize(uv_loop_t* loop, unsigned int len) noexcept {
  if (len <= loop->nwatchers) return 0;
  unsigned int nwatchers = loop->nwatchers ? loop->nwatchers : 16;
  while (nwatchers < len) nwatchers *= 2;
  void* grown = std::realloc(loop->watchers, nwatchers * sizeof(uv__io_t*));
  if (grown == nullptr) return UV_ENOMEM;
  loop->watchers = static_cast<uv__io_t**>(grown);
  for (unsigned int i = loop->nwatchers; i < nwatchers; ++i) loop->watchers[i] = nullptr;
  loop->nwatchers = nwatchers;
  return 0;
}

}  // namespace

void io_init(uv__io_t* w, uv__io_cb cb, int fd) noexcept {
  queue_init(&w->pending_queue);
  queue_init(&w->watcher_queue);
  w->cb = cb;
  w->fd = fd;
  w->events = 0;
  w->pevents = 0;
}

// [docs:io-start]
/**
 * Queues @p w for io_poll() only if the events it wants differ from the ones
 * epoll has; if they are equal again (a start and a stop of the same event
 * cancelled out), takes it off the queue. The case that matters: a write
 * that completes at once never needed POLLOUT, so the io_stop(POLLOUT) after
 * it changes nothing, and without this check io_poll() would make an
 * epoll_ctl(EPOLL_CTL_MOD) with unchanged events after every such write (one
 * syscall per side per ping-pong round trip; libuv 1.44 makes it:
 * uv__io_stop queues unconditionally).
 */
static void queue_if_changed(uv_loop_t* loop, uv__io_t* w) noexcept {
  if (w->pevents == w->events) {
    queue_remove(&w->watcher_queue);  // nothing for epoll_ctl to do
  } else if (queue_empty(&w->watcher_queue)) {
    queue_insert_tail(&loop->watcher_queue, &w->watcher_queue);
  }
}

int io_start(uv_loop_t* loop, uv__io_t* w, unsigned int events) noexcept {
  int r = maybe_resize(loop, static_cast<unsigned int>(w->fd) + 1);
  if (r < 0) return r;
  w->pevents |= events;
  queue_if_changed(loop, w);
  if (loop->watchers[w->fd] == nullptr) {
    loop->watchers[w->fd] = w;
    loop->nfds++;
  }
  return 0;
}

void io_stop(uv_loop_t* loop, uv__io_t* w, unsigned int events) noexcept {
  if (w->fd == -1 || static_cast<unsigned int>(w->fd) >= loop->nwatchers) return;
  w->pevents &= ~events;
  if (w->pevents == 0 && loop->watchers[w->fd] == w) {
    // Nothing wanted: events for this fd no longer find a watcher, and the
    // loop need not stay alive for it.
    loop->watchers[w->fd] = nullptr;
    loop->nfds--;
  }
  // If epoll has the fd, io_poll() removes it (EPOLL_CTL_DEL) before it next
  // sleeps, unless a restart in the same iteration makes that unnecessary.
  // (libuv 1.44 leaves it in the set and forgets that it did, so it must
  // delete blindly at close; see io_close.)
  queue_if_changed(loop, w);
}
// [/docs:io-start]

void io_close(uv_loop_t* loop, uv__io_t* w) noexcept {
  io_stop(loop, w, kPollIn | kPollOut | kPollRdHup | EPOLLPRI);
  queue_remove(&w->watcher_queue);  // a queued EPOLL_CTL_DEL cannot wait for io_poll()...
  queue_remove(&w->pending_queue);
  if (w->fd != -1) platform_invalidate_fd(loop, w);  // ...it happens here, before the caller close()s the fd
}

void io_feed(uv_loop_t* loop, uv__io_t* w) noexcept {
  if (queue_empty(&w->pending_queue)) queue_insert_tail(&loop->pending_queue, &w->pending_queue);
}

bool io_active(const uv__io_t* w, unsigned int events) noexcept {
  return (w->pevents & events) != 0;
}

}  // namespace uvref::detail
