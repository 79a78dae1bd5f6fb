/**
 * @file async_eventfd.cpp
 * @brief Stage 4 of loop initialisation: the eventfd that wakes the loop for uv_async_send().
 *
 * What it creates: one `anon_inode:[eventfd]` descriptor,
 * `eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)`, watched by
 * `loop->async_io_watcher` (queued for epoll, not yet registered).
 * `loop->async_wfd` stays -1: an eventfd is its own write end.
 *
 * Why: another thread must be able to wake a loop that sleeps in
 * epoll_wait(). Writing to a descriptor in the epoll set does it. An eventfd
 * is a kernel 64-bit counter: write() adds to it, read() returns it and
 * resets it to zero, and it is readable while non-zero. Any number of wake-ups
 * between two loop iterations collapse into one readable event: that is why
 * uv_async_send() calls coalesce. Its first user is `loop->wq_async`, through
 * which the thread pool reports finished work.
 *
 * Other Unixes have no eventfd and use a non-blocking pipe here (read end in
 * the epoll set, write end in async_wfd, one byte per wake-up). libuv
 * dropped that fallback on Linux in 1.35, when it required kernels that all
 * have eventfd2.
 *
 * In GDB:
 *
 *     gdb build/debug/src/uvref-tour
 *     (gdb) break uvref::detail::async_start
 *     (gdb) run
 *     (gdb) finish                           # => = 0
 *     (gdb) p loop->async_io_watcher.fd
 *     (gdb) p loop->async_wfd                # => -1
 *
 * libuv: src/unix/async.c uv__async_start, uv__async_send, uv__async_stop
 *
 * Page: \docpage{loop-init-async-eventfd}
 */
#include <cstdint>

#include "core/internal.h"
#include "loop_init/stages.h"
#include "sys/sys.h"

namespace uvref::detail {

// [docs:async-eventfd-create]
int async_start(uv_loop_t* loop) noexcept {
  if (loop->async_io_watcher.fd != -1) return 0;  // one eventfd per loop, shared by all async handles

  int fd = sys::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) return fd;

  io_init(&loop->async_io_watcher, async_io, fd);
  int r = io_start(loop, &loop->async_io_watcher, kPollIn);  // queued; epoll_ctl at first uv_run
  if (r < 0) {
    sys::close_fd(fd);
    loop->async_io_watcher.fd = -1;
    return r;
  }
  loop->async_wfd = -1;  // the eventfd is both ends
  return 0;
}
// [/docs:async-eventfd-create]

void async_stop(uv_loop_t* loop) noexcept {
  if (loop->async_io_watcher.fd == -1) return;
  io_stop(loop, &loop->async_io_watcher, kPollIn);  // no EPOLL_CTL_DEL: epoll goes too (as libuv)
  sys::close_fd(loop->async_io_watcher.fd);
  loop->async_io_watcher.fd = -1;
}

// [docs:async-eventfd-wakeup]
void async_wakeup(uv_loop_t* loop) noexcept {
  const std::uint64_t one = 1;  // an eventfd takes exactly 8 bytes: the amount to add
  ssize_t r;
  do {
    r = sys::write(loop->async_io_watcher.fd, &one, sizeof one);
  } while (r == -EINTR);
  // -EAGAIN means the counter is at its maximum: the loop is already awake.
}

void async_drain(uv_loop_t* loop) noexcept {
  std::uint64_t count;
  ssize_t r;
  do {
    r = sys::read(loop->async_io_watcher.fd, &count, sizeof count);  // resets the counter to 0
  } while (r == -EINTR);
}
// [/docs:async-eventfd-wakeup]

}  // namespace uvref::detail
