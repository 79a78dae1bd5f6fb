/**
 * @file poll.cpp
 * @brief uv_poll_t: the loop's I/O watcher handed to the program, for a descriptor it owns.
 *
 * A stream reads and writes for the program; a poll handle only says
 * "ready": the program (or a library it uses, a database client, say) does
 * its own reads and writes on its own descriptor. It is the smallest handle
 * built on an I/O watcher, which makes it the clearest view of one.
 *
 *  - init: the descriptor must be pollable (epoll_ctl ADD then DEL, the
 *    check libuv makes: a regular file gives UV_EPERM), not watched by
 *    this loop already (UV_EEXIST), and is made non-blocking (so a read
 *    after a spurious wake-up cannot hang the loop).
 *  - start: UV_READABLE, UV_WRITABLE, UV_DISCONNECT, UV_PRIORITIZED become
 *    EPOLLIN, EPOLLOUT, EPOLLRDHUP, EPOLLPRI; a new start replaces the old
 *    set; 0 stops. Level-triggered: the callback comes again on every loop
 *    iteration while the condition lasts.
 *  - events: EPOLLERR without EPOLLPRI stops the handle and reports
 *    UV_EBADF (EPOLLERR with EPOLLPRI is how sysfs files signal a change).
 *  - stop and close: the watcher leaves epoll at once, and events already
 *    fetched in this iteration are dropped; the descriptor stays open (it
 *    is the program's).
 *
 * libuv: src/unix/poll.c uv_poll_init, uv_poll_start, uv_poll_stop, uv__poll_io, uv__poll_stop;
 * src/unix/epoll.c uv__io_check_fd
 *
 * Page: \docpage{poll-handle}
 */
#include <sys/epoll.h>

#include "poll/poll.h"

#include "core/internal.h"
#include "sys/sys.h"

namespace uvref::detail {
namespace {

constexpr unsigned int kPollAll = kPollIn | kPollOut | kPollRdHup | EPOLLPRI;

uv_poll_t* poll_of(uv__io_t* w) noexcept {
  return reinterpret_cast<uv_poll_t*>(reinterpret_cast<char*>(w) - offsetof(uv_poll_t, io_watcher));
}

/** Can epoll watch @p fd? Adds and removes it. libuv: uv__io_check_fd */
int io_check_fd(const uv_loop_t* loop, int fd) noexcept {
  epoll_event e{};
  e.events = EPOLLIN;
  e.data.fd = -1;
  int r = sys::epoll_ctl(loop->backend_fd, EPOLL_CTL_ADD, fd, &e);
  if (r == -EEXIST) return 0;
  if (r < 0) return r;
  sys::epoll_ctl(loop->backend_fd, EPOLL_CTL_DEL, fd, &e);
  return 0;
}

// [docs:poll-io]
/** The watcher's callback: epoll bits in, UV_* bits out. */
void poll_io(uv_loop_t* loop, uv__io_t* w, unsigned int events) noexcept {
  uv_poll_t* handle = poll_of(w);
  if ((events & kPollErr) && !(events & EPOLLPRI)) {
    io_stop(loop, w, kPollAll);
    handle_stop(reinterpret_cast<uv_handle_t*>(handle));
    handle->poll_cb(handle, UV_EBADF, 0);
    return;
  }
  int ready = 0;
  if (events & kPollIn) ready |= UV_READABLE;
  if (events & EPOLLPRI) ready |= UV_PRIORITIZED;
  if (events & kPollOut) ready |= UV_WRITABLE;
  if (events & kPollRdHup) ready |= UV_DISCONNECT;
  handle->poll_cb(handle, 0, ready);
}
// [/docs:poll-io]

/** Stops watching: out of epoll now, pending events of this iteration dropped. libuv: uv__poll_stop */
void poll_stop(uv_poll_t* handle) noexcept {
  io_close(handle->loop, &handle->io_watcher);
  handle_stop(reinterpret_cast<uv_handle_t*>(handle));
}

}  // namespace

void poll_close(uv_poll_t* handle) noexcept { poll_stop(handle); }

}  // namespace uvref::detail

using namespace uvref::detail;

int uv_poll_init(uv_loop_t* loop, uv_poll_t* handle, int fd) {
  if (loop == nullptr || handle == nullptr) return UV_EINVAL;
  if (fd < 0) return UV_EBADF;
  if (loop_watches(loop, fd)) return UV_EEXIST;
  int r = io_check_fd(loop, fd);
  if (r < 0) return r;
  r = uvref::sys::set_nonblock(fd, true);
  if (r < 0) return r;
  handle_init(loop, reinterpret_cast<uv_handle_t*>(handle), UV_POLL);
  io_init(&handle->io_watcher, poll_io, fd);
  handle->poll_cb = nullptr;
  return 0;
}

int uv_poll_init_socket(uv_loop_t* loop, uv_poll_t* handle, uv_os_sock_t socket) {
  return uv_poll_init(loop, handle, socket);
}

// [docs:poll-start]
int uv_poll_start(uv_poll_t* handle, int events, uv_poll_cb cb) {
  if (handle == nullptr) return UV_EINVAL;
  auto* h = reinterpret_cast<uv_handle_t*>(handle);
  if (events & ~(UV_READABLE | UV_WRITABLE | UV_DISCONNECT | UV_PRIORITIZED)) return UV_EINVAL;
  if (handle_is_closing(h)) return UV_EINVAL;  // libuv asserts
  uv__io_t* w = &handle->io_watcher;
  if (loop_watches(handle->loop, w->fd) && handle->loop->watchers[w->fd] != w) return UV_EEXIST;

  poll_stop(handle);
  if (events == 0) return 0;
  unsigned int want = 0;
  if (events & UV_READABLE) want |= kPollIn;
  if (events & UV_PRIORITIZED) want |= EPOLLPRI;
  if (events & UV_WRITABLE) want |= kPollOut;
  if (events & UV_DISCONNECT) want |= kPollRdHup;
  int r = io_start(handle->loop, w, want);
  if (r < 0) return r;
  handle_start(h);
  handle->poll_cb = cb;
  return 0;
}
// [/docs:poll-start]

int uv_poll_stop(uv_poll_t* handle) {
  if (handle == nullptr || handle_is_closing(reinterpret_cast<uv_handle_t*>(handle))) return UV_EINVAL;
  poll_stop(handle);
  return 0;
}
