/**
 * @file epoll_create.cpp
 * @brief Stage 1 of loop initialisation: the epoll instance, the loop's "backend" descriptor.
 *
 * What it creates: one descriptor, `anon_inode:[eventpoll]`, with FD_CLOEXEC,
 * stored in `loop->backend_fd`. Every other descriptor the loop watches is
 * registered in this one epoll set, and uv_run() sleeps in epoll_wait() on it.
 *
 * Why EPOLL_CLOEXEC: a child started with fork()+exec() must not inherit the
 * loop's internals; setting the flag atomically at creation closes the
 * window in which another thread could fork between epoll_create() and
 * fcntl(FD_CLOEXEC).
 *
 * Why it runs first: libuv 1.44's uv_loop_init() calls the platform hook
 * before anything else (libuv 1.8 made the signal lock pipe first). Nothing
 * is registered yet: the first epoll_ctl() happens in the first uv_run().
 *
 * In GDB (the tour's first loop; the session is run by CTest, gdb.instructions):
 *
 *     gdb build/debug/src/uvref-tour
 *     (gdb) break uvref::detail::platform_loop_init
 *     (gdb) run
 *     (gdb) finish                           # => = 0
 *     (gdb) p loop->backend_fd
 *     (gdb) uvref-fds loop                   # => loop->backend_fd (epoll instance)
 *
 * libuv: src/unix/linux-core.c uv__platform_loop_init, uv__platform_loop_delete
 *
 * Page: \docpage{loop-init-epoll}
 */
#include "loop_init/stages.h"
#include "sys/sys.h"

namespace uvref::detail {

// [docs:epoll-create]
int platform_loop_init(uv_loop_t* loop) noexcept {
  int fd = sys::epoll_create1(EPOLL_CLOEXEC);
  if (fd < 0) return fd;  // UV_EMFILE, UV_ENFILE, UV_ENOMEM
  loop->backend_fd = fd;
  return 0;
}
// [/docs:epoll-create]

// [docs:epoll-delete]
void platform_loop_delete(uv_loop_t* loop) noexcept {
  if (loop->backend_fd == -1) return;
  sys::close_fd(loop->backend_fd);
  loop->backend_fd = -1;
}
// [/docs:epoll-delete]

}  // namespace uvref::detail
