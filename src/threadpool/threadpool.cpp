/**
 * @file threadpool.cpp
 * @brief The thread pool: a few worker threads that run blocking work off the loop thread.
 *
 * One pool per process, started on the first uv_queue_work(), with
 * UV_THREADPOOL_SIZE threads (default 4, at most 1024). Work items wait on a
 * queue guarded by a mutex; idle workers sleep on a condition variable.
 *
 * The way back is the interesting part: a worker that finished an item
 * appends it to its loop's `wq` list (under `loop->wq_mutex`) and calls
 * uv_async_send(&loop->wq_async), which writes the loop's eventfd (stage 4).
 * The loop wakes in epoll_wait(), and work_done() runs the done callbacks on
 * the loop thread. So the pool never calls user code on the loop's behalf.
 *
 * Cancelling: an item still on the pool queue can be taken off and reported
 * with UV_ECANCELED; once a worker has picked it up it is too late (UV_EBUSY).
 *
 * libuv: src/threadpool.c init_threads, worker, post, uv__work_submit, uv__work_cancel,
 * uv__work_done
 *
 * Page: \docpage{threadpool}
 */
#include "threadpool/threadpool.h"

#include <pthread.h>

#include <cstdlib>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

#include "core/internal.h"

namespace uvref::detail {
namespace {

constexpr unsigned kDefaultThreads = 4;
constexpr unsigned kMaxThreads = 1024;

/** Process-wide pool state. Plain globals, so GDB can print them. */
struct Pool {
  std::mutex mutex;
  std::condition_variable cond;
  uv__queue queue;          // submitted, not yet picked up
  unsigned idle_threads = 0;
  bool exiting = false;
  std::vector<std::thread> threads;
};

Pool* pool = nullptr;  // created on first use, joined at exit
std::mutex pool_init_mutex;

/** A work function that marks an item cancelled (compared by address in work_done). */
void cancelled_marker(uv__work*) noexcept {}

// [docs:threadpool-worker]
void worker() noexcept {
  std::unique_lock lock(pool->mutex);
  for (;;) {
    while (queue_empty(&pool->queue) && !pool->exiting) {
      pool->idle_threads++;
      pool->cond.wait(lock);
      pool->idle_threads--;
    }
    if (pool->exiting) return;

    uv__queue* q = queue_head(&pool->queue);
    queue_remove(q);  // unlinked: uv_cancel() now sees it as running
    lock.unlock();

    auto* w = entry<uv__work, offsetof(uv__work, wq)>(q);
    w->work(w);  // the blocking part, off the loop thread

    uv_loop_t* loop = w->loop;
    pthread_mutex_lock(&loop->wq_mutex);
    w->work = nullptr;  // done: too late to cancel
    queue_insert_tail(&loop->wq, &w->wq);
    uv_async_send(&loop->wq_async);  // wake the loop: eventfd write
    pthread_mutex_unlock(&loop->wq_mutex);

    lock.lock();
  }
}
// [/docs:threadpool-worker]

}  // namespace

/** Stops and joins the pool's threads (atexit, uv_library_shutdown). libuv: src/threadpool.c uv__threadpool_cleanup */
void threadpool_cleanup() noexcept {
  if (pool == nullptr) return;
  {
    std::lock_guard lock(pool->mutex);
    pool->exiting = true;
  }
  pool->cond.notify_all();
  for (std::thread& t : pool->threads) t.join();
  delete pool;
  pool = nullptr;
}

namespace {

unsigned thread_count() noexcept {
  unsigned n = kDefaultThreads;
  if (const char* s = std::getenv("UV_THREADPOOL_SIZE")) n = static_cast<unsigned>(std::atoi(s));
  if (n == 0) n = 1;
  if (n > kMaxThreads) n = kMaxThreads;
  return n;
}

void init_pool() noexcept {
  static bool hooks_installed = false;
  pool = new Pool;
  queue_init(&pool->queue);
  unsigned n = thread_count();
  pool->threads.reserve(n);
  for (unsigned i = 0; i < n; ++i) pool->threads.emplace_back(worker);
  if (hooks_installed) return;
  hooks_installed = true;
  std::atexit(threadpool_cleanup);
  // A forked child has none of the threads: it starts a pool of its own if it needs one.
  pthread_atfork(nullptr, nullptr, [] { pool = nullptr; });
}

}  // namespace

void work_submit(uv_loop_t* loop, uv__work* w, void (*work)(uv__work*),
                 void (*done)(uv__work*, int)) noexcept {
  {
    std::lock_guard init_lock(pool_init_mutex);
    if (pool == nullptr) init_pool();
  }
  w->loop = loop;
  w->work = work;
  w->done = done;
  {
    std::lock_guard lock(pool->mutex);
    queue_insert_tail(&pool->queue, &w->wq);
    if (pool->idle_threads > 0) pool->cond.notify_one();
  }
}

// [docs:threadpool-cancel]
int work_cancel(uv_loop_t* loop, uv__work* w) noexcept {
  if (pool == nullptr) return UV_EBUSY;
  bool cancelled;
  {
    std::lock_guard lock(pool->mutex);
    pthread_mutex_lock(&loop->wq_mutex);
    // Still queued: linked in the pool queue and not yet finished.
    cancelled = !queue_empty(&w->wq) && w->work != nullptr;
    if (cancelled) queue_remove(&w->wq);
    pthread_mutex_unlock(&loop->wq_mutex);
  }
  if (!cancelled) return UV_EBUSY;

  // Report it through the normal path, so done() still runs on the loop thread.
  w->work = cancelled_marker;
  pthread_mutex_lock(&loop->wq_mutex);
  queue_insert_tail(&loop->wq, &w->wq);
  uv_async_send(&loop->wq_async);
  pthread_mutex_unlock(&loop->wq_mutex);
  return 0;
}
// [/docs:threadpool-cancel]

// [docs:threadpool-done]
void work_done(uv_async_t* handle) noexcept {
  uv_loop_t* loop = handle->loop;
  uv__queue done;
  pthread_mutex_lock(&loop->wq_mutex);
  queue_move(&loop->wq, &done);
  pthread_mutex_unlock(&loop->wq_mutex);

  while (!queue_empty(&done)) {
    uv__queue* q = queue_head(&done);
    queue_remove(q);
    auto* w = entry<uv__work, offsetof(uv__work, wq)>(q);
    int status = w->work == cancelled_marker ? UV_ECANCELED : 0;
    w->done(w, status);
  }
}
// [/docs:threadpool-done]

}  // namespace uvref::detail
