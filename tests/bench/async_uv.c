/*
 * async (uv.h): uv_async_send wake-ups per second from another thread.
 * A sender thread calls uv_async_send, then waits on a semaphore that the
 * async callback posts, so every send is exactly one wake-up of a loop that
 * was blocked in epoll_wait (no coalescing) and the callback count must equal
 * the send count. A wake-up costs the eventfd write, the epoll_wait return,
 * the eventfd read, and the semaphore hand-back (a futex pair) that both
 * implementations pay alike. No raw baseline.
 */
#include "bench_uv.h"

#include <pthread.h>
#include <semaphore.h>
#include <stdatomic.h>

#define NAME "async"

static uv_async_t async;
static sem_t handled;
static atomic_int stopping;
static long callbacks;

static void on_async(uv_async_t* h) {
  callbacks++;
  if (atomic_load(&stopping)) {
    uv_close((uv_handle_t*)h, NULL);
    return;
  }
  BENCH_CHECK(NAME, sem_post(&handled) == 0, "sem_post: %s", strerror(errno));
}

typedef struct {
  const bench_args_t* args;
  long sent;
  double t0, t1;
} sender_t;

static void* sender_main(void* arg) {
  sender_t* s = arg;
  s->t0 = bench_now();
  while (bench_more(s->args, s->sent, s->t0)) {
    BENCH_UV(NAME, uv_async_send(&async));
    s->sent++;
    while (sem_wait(&handled) != 0) BENCH_CHECK(NAME, errno == EINTR, "sem_wait: %s", strerror(errno));
  }
  s->t1 = bench_now();
  atomic_store(&stopping, 1);
  BENCH_UV(NAME, uv_async_send(&async)); /* the last callback closes the handle */
  return NULL;
}

int main(int argc, char** argv) {
  bench_args_t args = bench_parse(argc, argv);
  uv_loop_t loop;
  BENCH_SYS(NAME, sem_init(&handled, 0, 0));
  BENCH_UV(NAME, uv_loop_init(&loop));
  BENCH_UV(NAME, uv_async_init(&loop, &async, on_async));
  sender_t s = {&args, 0, 0, 0};
  pthread_t thread;
  int r = pthread_create(&thread, NULL, sender_main, &s);
  BENCH_CHECK(NAME, r == 0, "pthread_create: %s", strerror(r));
  BENCH_UV(NAME, uv_run(&loop, UV_RUN_DEFAULT));
  r = pthread_join(thread, NULL);
  BENCH_CHECK(NAME, r == 0, "pthread_join: %s", strerror(r));
  BENCH_UV(NAME, uv_loop_close(&loop));
  sem_destroy(&handled);
  /* Each send was answered before the next, plus the final "stop" send. */
  BENCH_CHECK(NAME, callbacks == s.sent + 1 && s.sent > 0, "%ld sends, %ld callbacks", s.sent + 1,
              callbacks);
  bench_result(NAME, (unsigned long long)s.sent, s.t1 - s.t0, "wakeups");
  return 0;
}
