/**
 * @file signal_lock_pipe.cpp
 * @brief Stage 2 of loop initialisation: the process-wide signal lock, made of a pipe.
 *
 * What it creates: one blocking pipe, `pipe2(fds, O_CLOEXEC)`, once per
 * process (the first uv_loop_init() makes it; later loops reuse it), and
 * writes one byte into it so that the lock starts free.
 *
 * Why a pipe and not a mutex: the lock protects the list of signal handles
 * that the signal handler walks. A signal handler may only call
 * async-signal-safe functions, and pthread_mutex_lock() is not one, but
 * read() and write() are. So the byte in the pipe is the lock: read() takes
 * it (and blocks while another thread holds it), write() gives it back.
 * Outside the handler, the signals are blocked first (see signal/signal_handler.cpp), or the
 * handler could interrupt its own thread while it holds the lock and
 * deadlock waiting for the byte.
 *
 * Lifetime: the pipe lives as long as the process, as in libuv: a signal
 * handler may run at any moment, even after every loop is closed, and must
 * find the lock. When the library is unloaded (normally: at exit) a
 * destructor closes it, as libuv's uv_library_shutdown() does; a handler
 * that still runs then finds EBADF and returns without doing anything.
 * After fork() the child makes a fresh pipe (pthread_atfork), so that parent
 * and child do not steal each other's byte.
 *
 * In GDB (signal_global_init is in an anonymous namespace: the short name finds it):
 *
 *     gdb build/debug/src/uvref-tour
 *     (gdb) break signal_global_init
 *     (gdb) run
 *     (gdb) p uvref::detail::signal_lock_pipefd   # => {-1, -1}
 *     (gdb) finish                           # back in glibc's pthread_once()
 *     (gdb) frame function uvref::detail::signal_global_once_init
 *     (gdb) p uvref::detail::signal_lock_pipefd   # the pipe, one byte in it: the lock is free
 *
 * libuv: src/unix/signal.c uv__signal_global_init, uv__signal_global_reinit,
 * uv__signal_lock, uv__signal_unlock
 *
 * Page: \docpage{loop-init-lock-pipe}
 */
#include <pthread.h>

#include "loop_init/stages.h"
#include "sys/sys.h"

namespace uvref::detail {

/** The lock pipe: [0] is read to take the lock, [1] written to release it. */
int signal_lock_pipefd[2] = {-1, -1};

namespace {

int global_init_error = 0;

// [docs:lock-pipe-create]
/** Makes the pipe and puts the one byte in it: the lock starts free. */
int signal_global_reinit() noexcept {
  for (int& fd : signal_lock_pipefd) {
    if (fd != -1) sys::close_fd(fd);
    fd = -1;
  }
  // Blocking on purpose: a thread that wants the lock must wait for the byte.
  int r = sys::pipe2(signal_lock_pipefd, O_CLOEXEC);
  if (r < 0) return r;
  return signal_unlock();
}
// [/docs:lock-pipe-create]

void signal_global_init() noexcept {
  // The child of a fork() gets copies of the parent's pipe ends; sharing them
  // would let the two processes take each other's lock byte.
  if (pthread_atfork(nullptr, nullptr, [] { global_init_error = signal_global_reinit(); }) != 0) {
    global_init_error = UV_ENOMEM;
    return;
  }
  global_init_error = signal_global_reinit();
}

/** Closes the lock pipe when the library is unloaded. libuv: src/uv-common.c uv_library_shutdown */
[[gnu::destructor]] void signal_global_shutdown() noexcept { signal_global_cleanup(); }

}  // namespace

void signal_global_cleanup() noexcept {
  for (int& fd : signal_lock_pipefd) {
    if (fd != -1) sys::close_fd(fd);
    fd = -1;
  }
}

int signal_global_once_init() noexcept {
  static pthread_once_t once = PTHREAD_ONCE_INIT;
  pthread_once(&once, signal_global_init);
  return global_init_error;
}

// [docs:lock-pipe-lock]
int signal_lock() noexcept {
  char byte;
  ssize_t r;
  do {
    r = sys::read(signal_lock_pipefd[0], &byte, 1);  // blocks until the byte is there
  } while (r == -EINTR);
  return r < 0 ? static_cast<int>(r) : 0;
}

int signal_unlock() noexcept {
  const char byte = 42;
  ssize_t r;
  do {
    r = sys::write(signal_lock_pipefd[1], &byte, 1);
  } while (r == -EINTR);
  return r < 0 ? static_cast<int>(r) : 0;
}
// [/docs:lock-pipe-lock]

}  // namespace uvref::detail
