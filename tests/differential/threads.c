/*
 * Differential program: threads and synchronisation (uv_thread_*, uv_mutex_*,
 * uv_rwlock_*, uv_sem_*, uv_cond_*, uv_barrier_*, uv_once, uv_key_*).
 *
 * The types must be libuv's (the pthread types on Linux), so their sizes are
 * printed; then each primitive is driven by real threads and only results
 * that do not depend on scheduling are printed.
 */
#define _GNU_SOURCE /* pthread_getattr_np */
#include <pthread.h>

#include "diff_common.h"

#define THREADS 4

static int counter;
static uv_mutex_t counter_mutex;
static void add_many(void* arg) {
  (void)arg;
  for (int i = 0; i < 10000; i++) {
    uv_mutex_lock(&counter_mutex);
    counter++;
    uv_mutex_unlock(&counter_mutex);
  }
}

static int trylock_result;
static void try_other(void* arg) { trylock_result = uv_mutex_trylock((uv_mutex_t*)arg); }

static uv_barrier_t barrier;
static int serial_total;
static uv_mutex_t serial_mutex;
static void wait_barrier(void* arg) {
  (void)arg;
  int r = uv_barrier_wait(&barrier);
  uv_mutex_lock(&serial_mutex);
  serial_total += r;
  uv_mutex_unlock(&serial_mutex);
}

static uv_once_t once = UV_ONCE_INIT;
static int once_calls;
static void once_body(void) { once_calls++; }
static void call_once(void* arg) { (void)arg; uv_once(&once, once_body); }

static uv_key_t key;
static void* key_seen = (void*)1;
static void read_key(void* arg) { (void)arg; key_seen = uv_key_get(&key); }

static uv_sem_t sem;
static void post_sem(void* arg) { (void)arg; uv_sem_post(&sem); }

static size_t stack_seen;
static void probe_stack(void* arg) {
  (void)arg;
  pthread_attr_t attr;
  CHECK(pthread_getattr_np(pthread_self(), &attr) == 0);
  CHECK(pthread_attr_getstacksize(&attr, &stack_seen) == 0);
  pthread_attr_destroy(&attr);
}

static void join_all(uv_thread_t* t, int n) {
  for (int i = 0; i < n; i++) CHECK(uv_thread_join(&t[i]) == 0);
}

int main(void) {
  diff_start();
  say("sizes: thread %zu mutex %zu rwlock %zu sem %zu cond %zu key %zu barrier %zu once %zu",
      sizeof(uv_thread_t), sizeof(uv_mutex_t), sizeof(uv_rwlock_t), sizeof(uv_sem_t), sizeof(uv_cond_t),
      sizeof(uv_key_t), sizeof(uv_barrier_t), sizeof(uv_once_t));
  say("UV_THREAD_HAS_STACK_SIZE %d", UV_THREAD_HAS_STACK_SIZE);

  uv_thread_t t[THREADS];
  CHECK(uv_mutex_init(&counter_mutex) == 0);
  for (int i = 0; i < THREADS; i++) CHECK(uv_thread_create(&t[i], add_many, NULL) == 0);
  join_all(t, THREADS);
  say("mutex: %d threads x 10000 increments = %d", THREADS, counter);
  uv_thread_t self = uv_thread_self();
  say("thread: self equals self %d, equals a joined thread %d", uv_thread_equal(&self, &self) != 0,
      uv_thread_equal(&self, &t[0]) != 0);

  uv_mutex_lock(&counter_mutex);
  CHECK(uv_thread_create(&t[0], try_other, &counter_mutex) == 0);
  join_all(t, 1);
  say("mutex: trylock held by another thread = %s", diff_err(trylock_result));
  uv_mutex_unlock(&counter_mutex);
  uv_mutex_destroy(&counter_mutex);

  uv_mutex_t rec;
  CHECK(uv_mutex_init_recursive(&rec) == 0);
  uv_mutex_lock(&rec);
  say("recursive mutex: trylock by its holder = %s", diff_err(uv_mutex_trylock(&rec)));
  uv_mutex_unlock(&rec);
  uv_mutex_unlock(&rec);
  uv_mutex_destroy(&rec);

  uv_rwlock_t rw;
  CHECK(uv_rwlock_init(&rw) == 0);
  uv_rwlock_rdlock(&rw);
  say("rwlock read-held: tryrdlock = %s, trywrlock = %s", diff_err(uv_rwlock_tryrdlock(&rw)),
      diff_err(uv_rwlock_trywrlock(&rw)));
  uv_rwlock_rdunlock(&rw);
  uv_rwlock_rdunlock(&rw);
  uv_rwlock_wrlock(&rw);
  say("rwlock write-held: tryrdlock = %s, trywrlock = %s", diff_err(uv_rwlock_tryrdlock(&rw)),
      diff_err(uv_rwlock_trywrlock(&rw)));
  uv_rwlock_wrunlock(&rw);
  uv_rwlock_destroy(&rw);

  CHECK(uv_sem_init(&sem, 0) == 0);
  say("sem: trywait at 0 = %s", diff_err(uv_sem_trywait(&sem)));
  CHECK(uv_thread_create(&t[0], post_sem, NULL) == 0);
  uv_sem_wait(&sem);
  join_all(t, 1);
  say("sem: wait returned after a post; trywait now = %s", diff_err(uv_sem_trywait(&sem)));
  uv_sem_destroy(&sem);

  uv_mutex_t m;
  uv_cond_t c;
  CHECK(uv_mutex_init(&m) == 0);
  CHECK(uv_cond_init(&c) == 0);
  uv_mutex_lock(&m);
  uint64_t start = uv_hrtime();
  int r = uv_cond_timedwait(&c, &m, 10 * 1000 * 1000);
  say("cond: timedwait 10 ms with no signal = %s, waited at least 10 ms %d", diff_err(r),
      uv_hrtime() - start >= 10 * 1000 * 1000);
  uv_mutex_unlock(&m);
  uv_cond_destroy(&c);
  uv_mutex_destroy(&m);

  CHECK(uv_mutex_init(&serial_mutex) == 0);
  CHECK(uv_barrier_init(&barrier, THREADS) == 0);
  for (int i = 0; i < THREADS; i++) CHECK(uv_thread_create(&t[i], wait_barrier, NULL) == 0);
  join_all(t, THREADS);
  say("barrier: %d threads, uv_barrier_wait returned 1 in %d of them", THREADS, serial_total);
  uv_barrier_destroy(&barrier);
  uv_mutex_destroy(&serial_mutex);

  for (int i = 0; i < THREADS; i++) CHECK(uv_thread_create(&t[i], call_once, NULL) == 0);
  join_all(t, THREADS);
  call_once(NULL);
  say("once: %d calls from %d threads ran the body %d time(s)", THREADS + 1, THREADS, once_calls);

  CHECK(uv_key_create(&key) == 0);
  uv_key_set(&key, &key);
  CHECK(uv_thread_create(&t[0], read_key, NULL) == 0);
  join_all(t, 1);
  say("key: main thread sees its value %d, another thread sees NULL %d", uv_key_get(&key) == &key,
      key_seen == NULL);
  uv_key_delete(&key);

  uv_thread_options_t opts;
  opts.flags = UV_THREAD_HAS_STACK_SIZE;
  opts.stack_size = 300 * 1024 + 1;
  CHECK(uv_thread_create_ex(&t[0], &opts, probe_stack, NULL) == 0);
  join_all(t, 1);
  say("create_ex: stack of 300 KiB + 1 byte rounded up to a page: %d", stack_seen == 300 * 1024 + 4096);
  diff_done();
  return 0;
}
