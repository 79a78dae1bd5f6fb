/**
 * @file sem.cpp
 * @brief uv_sem_*: a POSIX unnamed semaphore (sem_t), private to the process.
 *
 * sem_wait() is retried when a signal handler interrupts it (EINTR): the
 * caller asked to wait for a post, not for a signal. uv_sem_trywait()
 * answers UV_EAGAIN when the count is 0. (libuv replaces sem_t with a
 * mutex and condition variable on glibc older than 2.21, whose sem_post had
 * a lost-wake-up bug; Debian 12 ships 2.36.)
 *
 * libuv: src/unix/thread.c uv_sem_init, uv_sem_wait, uv_sem_trywait
 *
 * Page: \docpage{api-thread}
 */
#include <cerrno>

#include "thread/thread_check.h"
#include "uv.h"

using uvref::detail::thread_check;

int uv_sem_init(uv_sem_t* sem, unsigned int value) { return sem_init(sem, 0, value) == 0 ? 0 : -errno; }
void uv_sem_destroy(uv_sem_t* sem) { thread_check(sem_destroy(sem) == 0 ? 0 : errno, "uv_sem_destroy"); }
void uv_sem_post(uv_sem_t* sem) { thread_check(sem_post(sem) == 0 ? 0 : errno, "uv_sem_post"); }

void uv_sem_wait(uv_sem_t* sem) {
  int r;
  do {
    r = sem_wait(sem);
  } while (r != 0 && errno == EINTR);
  thread_check(r == 0 ? 0 : errno, "uv_sem_wait");
}

int uv_sem_trywait(uv_sem_t* sem) {
  int r;
  do {
    r = sem_trywait(sem);
  } while (r != 0 && errno == EINTR);
  if (r == 0) return 0;
  if (errno == EAGAIN) return UV_EAGAIN;
  thread_check(errno, "uv_sem_trywait");
  return 0;
}
