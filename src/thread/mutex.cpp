/**
 * @file mutex.cpp
 * @brief uv_mutex_*: pthread mutexes, error-checking by default, recursive on request.
 *
 * uv_mutex_init() makes a PTHREAD_MUTEX_ERRORCHECK mutex (libuv does so in
 * its debug builds): a thread that locks it twice, or unlocks a mutex it
 * does not hold, gets an error from pthreads instead of a silent deadlock or
 * corruption, and thread_check() stops the program with the function's
 * name. uv_mutex_init_recursive() makes a PTHREAD_MUTEX_RECURSIVE mutex,
 * which the holder may lock again (and must unlock as many times).
 * uv_mutex_trylock() answers UV_EBUSY when another thread holds it.
 *
 * libuv: src/unix/thread.c uv_mutex_init, uv_mutex_init_recursive, uv_mutex_trylock
 *
 * Page: \docpage{api-thread}
 */
#include <cerrno>

#include "thread/thread_check.h"
#include "uv.h"

using uvref::detail::thread_check;

namespace {

int init_with_type(uv_mutex_t* mutex, int type) {
  pthread_mutexattr_t attr;
  int err = pthread_mutexattr_init(&attr);
  if (err != 0) return -err;
  err = pthread_mutexattr_settype(&attr, type);
  if (err == 0) err = pthread_mutex_init(mutex, &attr);
  pthread_mutexattr_destroy(&attr);
  return -err;
}

}  // namespace

int uv_mutex_init(uv_mutex_t* mutex) { return init_with_type(mutex, PTHREAD_MUTEX_ERRORCHECK); }
int uv_mutex_init_recursive(uv_mutex_t* mutex) { return init_with_type(mutex, PTHREAD_MUTEX_RECURSIVE); }
void uv_mutex_destroy(uv_mutex_t* mutex) { thread_check(pthread_mutex_destroy(mutex), "uv_mutex_destroy"); }
void uv_mutex_lock(uv_mutex_t* mutex) { thread_check(pthread_mutex_lock(mutex), "uv_mutex_lock"); }
void uv_mutex_unlock(uv_mutex_t* mutex) { thread_check(pthread_mutex_unlock(mutex), "uv_mutex_unlock"); }

int uv_mutex_trylock(uv_mutex_t* mutex) {
  int err = pthread_mutex_trylock(mutex);
  if (err == EBUSY || err == EAGAIN) return UV_EBUSY;  // EAGAIN: recursion count exhausted
  thread_check(err, "uv_mutex_trylock");
  return 0;
}
