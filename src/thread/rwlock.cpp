/**
 * @file rwlock.cpp
 * @brief uv_rwlock_*: a pthread read-write lock (many readers or one writer).
 *
 * The try variants answer UV_EBUSY when the lock is taken in a conflicting
 * mode. Read and write unlock are the same pthread call; libuv keeps two
 * names so a program says which side it leaves.
 *
 * libuv: src/unix/thread.c uv_rwlock_init, uv_rwlock_tryrdlock, uv_rwlock_trywrlock
 *
 * Page: \docpage{api-thread}
 */
#include <cerrno>

#include "thread/thread_check.h"
#include "uv.h"

using uvref::detail::thread_check;

namespace {

int try_result(int err, const char* function) {
  if (err == EBUSY || err == EAGAIN) return UV_EBUSY;
  thread_check(err, function);
  return 0;
}

}  // namespace

int uv_rwlock_init(uv_rwlock_t* rwlock) { return -pthread_rwlock_init(rwlock, nullptr); }
void uv_rwlock_destroy(uv_rwlock_t* rwlock) { thread_check(pthread_rwlock_destroy(rwlock), "uv_rwlock_destroy"); }
void uv_rwlock_rdlock(uv_rwlock_t* rwlock) { thread_check(pthread_rwlock_rdlock(rwlock), "uv_rwlock_rdlock"); }
void uv_rwlock_rdunlock(uv_rwlock_t* rwlock) { thread_check(pthread_rwlock_unlock(rwlock), "uv_rwlock_rdunlock"); }
void uv_rwlock_wrlock(uv_rwlock_t* rwlock) { thread_check(pthread_rwlock_wrlock(rwlock), "uv_rwlock_wrlock"); }
void uv_rwlock_wrunlock(uv_rwlock_t* rwlock) { thread_check(pthread_rwlock_unlock(rwlock), "uv_rwlock_wrunlock"); }
int uv_rwlock_tryrdlock(uv_rwlock_t* rwlock) { return try_result(pthread_rwlock_tryrdlock(rwlock), "uv_rwlock_tryrdlock"); }
int uv_rwlock_trywrlock(uv_rwlock_t* rwlock) { return try_result(pthread_rwlock_trywrlock(rwlock), "uv_rwlock_trywrlock"); }
