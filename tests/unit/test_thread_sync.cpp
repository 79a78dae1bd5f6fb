// Threads and synchronisation: libuv's thin wrappers over pthreads
// (src/thread/). Each primitive is driven by real threads; no test relies on
// timing except uv_cond_timedwait's lower bound (it must not return early).
#include <fcntl.h>
#include <pthread.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <string>

#include <atomic>
#include <utility>
#include <vector>

#include "support/test_support.h"

namespace {

void set_flag(void* arg) { static_cast<std::atomic<int>*>(arg)->store(1); }

struct StackProbe {
  size_t size = 0;
  static void run(void* arg) {
    pthread_attr_t attr;
    REQUIRE(pthread_getattr_np(pthread_self(), &attr) == 0);
    pthread_attr_getstacksize(&attr, &static_cast<StackProbe*>(arg)->size);
    pthread_attr_destroy(&attr);
  }
};

}  // namespace

TEST_CASE("thread: create, join, self, equal; create_ex rounds the stack size up", "[thread]") {
  std::atomic<int> ran{0};
  uv_thread_t t;
  REQUIRE(uv_thread_create(&t, set_flag, &ran) == 0);
  REQUIRE(uv_thread_join(&t) == 0);
  CHECK(ran.load() == 1);

  uv_thread_t self = uv_thread_self();
  uv_thread_t main_thread = pthread_self();
  CHECK(uv_thread_equal(&self, &main_thread));
  CHECK(!uv_thread_equal(&self, &t));

  StackProbe probe;
  uv_thread_options_t opts;
  opts.flags = UV_THREAD_HAS_STACK_SIZE;
  opts.stack_size = 1024 * 1024 + 1;  // not a page multiple
  REQUIRE(uv_thread_create_ex(&t, &opts, StackProbe::run, &probe) == 0);
  REQUIRE(uv_thread_join(&t) == 0);
  CHECK(probe.size >= 1024 * 1024 + 4096);
  CHECK(probe.size % 4096 == 0);

  CHECK(uv_thread_create_ex(&t, &opts, nullptr, nullptr) == UV_EINVAL);
}

TEST_CASE("mutex: trylock is UV_EBUSY while another thread holds it; recursive relocks", "[thread][mutex]") {
  uv_mutex_t m;
  REQUIRE(uv_mutex_init(&m) == 0);
  uv_mutex_lock(&m);
  std::atomic<int> result{1};
  std::pair<uv_mutex_t*, std::atomic<int>*> arg{&m, &result};
  uv_thread_t t;
  REQUIRE(uv_thread_create(&t, [](void* p) {
            auto* r = static_cast<std::pair<uv_mutex_t*, std::atomic<int>*>*>(p);
            r->second->store(uv_mutex_trylock(r->first));
          }, &arg) == 0);
  REQUIRE(uv_thread_join(&t) == 0);
  CHECK(result.load() == UV_EBUSY);
  uv_mutex_unlock(&m);
  CHECK(uv_mutex_trylock(&m) == 0);
  uv_mutex_unlock(&m);
  uv_mutex_destroy(&m);

  uv_mutex_t r;
  REQUIRE(uv_mutex_init_recursive(&r) == 0);
  uv_mutex_lock(&r);
  CHECK(uv_mutex_trylock(&r) == 0);  // the holder may lock again
  uv_mutex_unlock(&r);
  uv_mutex_unlock(&r);
  uv_mutex_destroy(&r);
}

TEST_CASE("rwlock: readers share, a writer excludes", "[thread][rwlock]") {
  uv_rwlock_t l;
  REQUIRE(uv_rwlock_init(&l) == 0);
  uv_rwlock_rdlock(&l);
  CHECK(uv_rwlock_tryrdlock(&l) == 0);
  CHECK(uv_rwlock_trywrlock(&l) == UV_EBUSY);
  uv_rwlock_rdunlock(&l);
  uv_rwlock_rdunlock(&l);
  uv_rwlock_wrlock(&l);
  CHECK(uv_rwlock_tryrdlock(&l) == UV_EBUSY);
  CHECK(uv_rwlock_trywrlock(&l) == UV_EBUSY);
  uv_rwlock_wrunlock(&l);
  CHECK(uv_rwlock_trywrlock(&l) == 0);
  uv_rwlock_wrunlock(&l);
  uv_rwlock_destroy(&l);
}

TEST_CASE("sem: posts wake waiters; trywait on zero is UV_EAGAIN", "[thread][sem]") {
  uv_sem_t s;
  REQUIRE(uv_sem_init(&s, 1) == 0);
  CHECK(uv_sem_trywait(&s) == 0);
  CHECK(uv_sem_trywait(&s) == UV_EAGAIN);
  uv_thread_t t;
  REQUIRE(uv_thread_create(&t, [](void* arg) { uv_sem_post(static_cast<uv_sem_t*>(arg)); }, &s) == 0);
  uv_sem_wait(&s);  // returns once the thread has posted
  REQUIRE(uv_thread_join(&t) == 0);
  CHECK(uv_sem_trywait(&s) == UV_EAGAIN);
  uv_sem_destroy(&s);
}

TEST_CASE("cond: timedwait times out no earlier than asked; a signal ends a wait", "[thread][cond]") {
  uv_mutex_t m;
  uv_cond_t c;
  REQUIRE(uv_mutex_init(&m) == 0);
  REQUIRE(uv_cond_init(&c) == 0);

  uv_mutex_lock(&m);
  uint64_t start = uv_hrtime();
  CHECK(uv_cond_timedwait(&c, &m, 20 * 1000 * 1000) == UV_ETIMEDOUT);
  CHECK(uv_hrtime() - start >= 20 * 1000 * 1000);
  uv_mutex_unlock(&m);

  struct Shared {
    uv_mutex_t* m;
    uv_cond_t* c;
    bool ready = false;
  } shared{&m, &c};
  uv_thread_t t;
  REQUIRE(uv_thread_create(&t, [](void* arg) {
            auto* s = static_cast<Shared*>(arg);
            uv_mutex_lock(s->m);
            s->ready = true;
            uv_cond_signal(s->c);
            uv_mutex_unlock(s->m);
          }, &shared) == 0);
  uv_mutex_lock(&m);
  while (!shared.ready) uv_cond_wait(&c, &m);
  uv_mutex_unlock(&m);
  REQUIRE(uv_thread_join(&t) == 0);
  CHECK(shared.ready);
  uv_cond_broadcast(&c);  // nobody waits: harmless
  uv_cond_destroy(&c);
  uv_mutex_destroy(&m);
}

namespace {
constexpr int kBarrierThreads = 4;
uv_barrier_t barrier;
std::atomic<int> serial{0};
void barrier_wait(void*) { serial += uv_barrier_wait(&barrier); }

uv_once_t once = UV_ONCE_INIT;
std::atomic<int> once_calls{0};
void once_body() { once_calls++; }
void call_once(void*) { uv_once(&once, once_body); }
}  // namespace

TEST_CASE("barrier: exactly one thread of a round gets 1; once runs once across threads", "[thread][barrier]") {
  REQUIRE(uv_barrier_init(&barrier, kBarrierThreads) == 0);
  std::vector<uv_thread_t> threads(kBarrierThreads - 1);
  for (auto& t : threads) REQUIRE(uv_thread_create(&t, barrier_wait, nullptr) == 0);
  barrier_wait(nullptr);
  for (auto& t : threads) REQUIRE(uv_thread_join(&t) == 0);
  CHECK(serial.load() == 1);
  uv_barrier_destroy(&barrier);
  CHECK(uv_barrier_init(&barrier, 0) == UV_EINVAL);

  for (auto& t : threads) REQUIRE(uv_thread_create(&t, call_once, nullptr) == 0);
  call_once(nullptr);
  for (auto& t : threads) REQUIRE(uv_thread_join(&t) == 0);
  CHECK(once_calls.load() == 1);
}

TEST_CASE("key: each thread sees its own value; NULL where never set", "[thread][key]") {
  uv_key_t key;
  REQUIRE(uv_key_create(&key) == 0);
  int mine = 1;
  uv_key_set(&key, &mine);
  std::atomic<void*> seen{&mine};
  struct Arg {
    uv_key_t* key;
    std::atomic<void*>* seen;
  } arg{&key, &seen};
  uv_thread_t t;
  REQUIRE(uv_thread_create(&t, [](void* p) {
            auto* a = static_cast<Arg*>(p);
            a->seen->store(uv_key_get(a->key));
            int other = 2;
            uv_key_set(a->key, &other);  // does not touch the main thread's slot
          }, &arg) == 0);
  REQUIRE(uv_thread_join(&t) == 0);
  CHECK(seen.load() == nullptr);
  CHECK(uv_key_get(&key) == &mine);
  uv_key_delete(&key);
}

TEST_CASE("mutex: relocking an error-checking mutex stops the program with the call's name",
          "[thread][mutex]") {
  int err[2];
  REQUIRE(pipe2(err, O_CLOEXEC) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    std::signal(SIGABRT, SIG_DFL);  // Catch2's handler would report the child's abort as a failure
    dup2(err[1], 2);
    uv_mutex_t m;
    if (uv_mutex_init(&m) != 0) _exit(3);
    uv_mutex_lock(&m);
    uv_mutex_lock(&m);  // EDEADLK: reported, then abort()
    _exit(4);
  }
  close(err[1]);
  std::string text;
  char buf[256];
  ssize_t n;
  while ((n = read(err[0], buf, sizeof buf)) > 0) text.append(buf, static_cast<size_t>(n));
  close(err[0]);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(WIFSIGNALED(status));
  CHECK(WTERMSIG(status) == SIGABRT);
  CHECK(text.find("uv_mutex_lock: Resource deadlock avoided") != std::string::npos);
}
