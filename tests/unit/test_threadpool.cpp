// The thread pool: work runs on a pool thread, after_work on the loop
// thread; uv_cancel takes back a queued item (UV_ECANCELED) but not one
// that runs (UV_EBUSY).
//
// Not tested: that UV_THREADPOOL_SIZE sets the number of threads. The pool
// is per process and starts with the first uv_queue_work() of the run, so
// the variable cannot be changed for it from inside this process.
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <mutex>
#include <thread>
#include <vector>

#include "support/test_support.h"

namespace {

std::thread::id loop_thread;
std::thread::id work_thread;
std::thread::id after_thread;
int after_status = 1;

/** The pool's size, computed as threadpool.cpp does. */
unsigned pool_size() {
  unsigned n = 4;
  if (const char* s = std::getenv("UV_THREADPOOL_SIZE")) n = static_cast<unsigned>(std::atoi(s));
  if (n == 0) n = 1;
  if (n > 1024) n = 1024;
  return n;
}

/** Holds pool threads inside their work until released. */
struct Gate {
  std::mutex mutex;
  std::condition_variable cond;
  unsigned entered = 0;
  bool open = false;

  void pass() {
    std::unique_lock lock(mutex);
    ++entered;
    cond.notify_all();
    cond.wait(lock, [this] { return open; });
  }
  bool wait_entered(unsigned n) {
    std::unique_lock lock(mutex);
    return cond.wait_for(lock, std::chrono::seconds(10), [&] { return entered >= n; });
  }
  void release() {
    std::lock_guard lock(mutex);
    open = true;
    cond.notify_all();
  }
};

Gate* gate = nullptr;
std::vector<int> blocker_status;
bool victim_ran = false;
int victim_status = 1;

}  // namespace

TEST_CASE("uv_queue_work: work on a pool thread, after_work on the loop thread", "[threadpool]") {
  loop_thread = std::this_thread::get_id();
  work_thread = after_thread = std::thread::id();
  after_status = 1;
  uv_work_t req;
  uvref::test::TestLoop loop;
  REQUIRE(uv_queue_work(loop, &req, [](uv_work_t*) { work_thread = std::this_thread::get_id(); },
                        [](uv_work_t*, int status) {
                          after_thread = std::this_thread::get_id();
                          after_status = status;
                        }) == 0);
  CHECK(uv_loop_alive(loop));  // an active request keeps the loop running
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(after_status == 0);
  CHECK(work_thread != std::thread::id());
  CHECK(work_thread != loop_thread);
  CHECK(after_thread == loop_thread);
  CHECK(uv_cancel(reinterpret_cast<uv_req_t*>(&req)) == UV_EBUSY);  // finished long ago
}

TEST_CASE("uv_queue_work without a work callback: UV_EINVAL", "[threadpool]") {
  uv_work_t req;
  uvref::test::TestLoop loop;
  CHECK(uv_queue_work(loop, &req, nullptr, nullptr) == UV_EINVAL);
  CHECK_FALSE(uv_loop_alive(loop));
}

TEST_CASE("uv_cancel: a queued item is cancelled (UV_ECANCELED), a running one is UV_EBUSY", "[threadpool]") {
  Gate g;
  gate = &g;
  const unsigned n = pool_size();
  blocker_status.assign(n, 1);
  victim_ran = false;
  victim_status = 1;

  std::vector<uv_work_t> blockers(n);
  uv_work_t victim;
  uvref::test::TestLoop loop;
  for (unsigned i = 0; i < n; ++i) {
    blockers[i].data = reinterpret_cast<void*>(static_cast<uintptr_t>(i));
    REQUIRE(uv_queue_work(loop, &blockers[i], [](uv_work_t*) { gate->pass(); },
                          [](uv_work_t* r, int status) {
                            blocker_status[reinterpret_cast<uintptr_t>(r->data)] = status;
                          }) == 0);
  }
  // Every pool thread is now inside a blocker: the next item must wait in the queue.
  REQUIRE(g.wait_entered(n));
  REQUIRE(uv_queue_work(loop, &victim, [](uv_work_t*) { victim_ran = true; },
                        [](uv_work_t*, int status) { victim_status = status; }) == 0);

  CHECK(uv_cancel(reinterpret_cast<uv_req_t*>(&victim)) == 0);
  CHECK(uv_cancel(reinterpret_cast<uv_req_t*>(&blockers[0])) == UV_EBUSY);
  g.release();

  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(victim_status == UV_ECANCELED);  // after_work still runs, on the loop thread
  CHECK_FALSE(victim_ran);
  for (unsigned i = 0; i < n; ++i) CHECK(blocker_status[i] == 0);
  gate = nullptr;
}

TEST_CASE("uv_cancel of other request types: UV_EINVAL", "[threadpool]") {
  uv_write_t w;
  w.type = UV_WRITE;
  CHECK(uv_cancel(reinterpret_cast<uv_req_t*>(&w)) == UV_EINVAL);
}
