/* In the style of the libuv guide's "Threads" chapter: a thread pool
 * computing Fibonacci numbers (queue-work), two threads racing to a join
 * (thread-create), and readers and a writer sharing a read-write lock
 * (locks). Only <uv.h> and <stdio.h>/<stdlib.h> are included: everything
 * else (uv_thread_t, uv_rwlock_t, uv_barrier_t) must come from uv.h. */
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

#define FIB_UNTIL 12
static long results[FIB_UNTIL];

static long fib_(long t) { return t < 2 ? t : fib_(t - 1) + fib_(t - 2); }

static void fib(uv_work_t* req) {
  int n = *(int*)req->data;
  results[n] = fib_(n);
}

static int after_calls;
static void after_fib(uv_work_t* req, int status) {
  (void)req;
  if (status == 0) after_calls++;
}

static void hare(void* arg) {
  int* tracklen = arg;
  while (*tracklen > 0) (*tracklen)--;
}

static uv_barrier_t blocker;
static uv_rwlock_t numlock;
static int shared_num;
static int reads_done;
static uv_mutex_t reads_mutex;

static void reader(void* arg) {
  (void)arg;
  for (int i = 0; i < 20; i++) {
    uv_rwlock_rdlock(&numlock);
    (void)shared_num;
    uv_rwlock_rdunlock(&numlock);
  }
  uv_mutex_lock(&reads_mutex);
  reads_done += 20;
  uv_mutex_unlock(&reads_mutex);
  uv_barrier_wait(&blocker);
}

static void writer(void* arg) {
  (void)arg;
  for (int i = 0; i < 20; i++) {
    uv_rwlock_wrlock(&numlock);
    shared_num++;
    uv_rwlock_wrunlock(&numlock);
  }
  uv_barrier_wait(&blocker);
}

int main(void) {
  uv_loop_t* loop = uv_default_loop();
  int data[FIB_UNTIL];
  uv_work_t req[FIB_UNTIL];
  for (int i = 0; i < FIB_UNTIL; i++) {
    data[i] = i;
    req[i].data = &data[i];
    if (uv_queue_work(loop, &req[i], fib, after_fib) != 0) return 1;
  }
  uv_run(loop, UV_RUN_DEFAULT);
  printf("thread pool: %d after_work callbacks; fib(%d) = %ld\n", after_calls, FIB_UNTIL - 1, results[FIB_UNTIL - 1]);

  int tracklen = 100000;
  uv_thread_t hare_id;
  uv_thread_create(&hare_id, hare, &tracklen);
  uv_thread_join(&hare_id);
  printf("threads: the hare ran the whole track: %d left\n", tracklen);

  uv_barrier_init(&blocker, 4);
  uv_rwlock_init(&numlock);
  uv_mutex_init(&reads_mutex);
  uv_thread_t threads[3];
  uv_thread_create(&threads[0], reader, NULL);
  uv_thread_create(&threads[1], reader, NULL);
  uv_thread_create(&threads[2], writer, NULL);
  uv_barrier_wait(&blocker);
  for (int i = 0; i < 3; i++) uv_thread_join(&threads[i]);
  uv_barrier_destroy(&blocker);
  uv_rwlock_destroy(&numlock);
  uv_mutex_destroy(&reads_mutex);
  printf("locks: %d reads, shared_num = %d\n", reads_done, shared_num);
  return uv_loop_close(loop) == 0 ? 0 : 1;
}
