/**
 * @file thread.cpp
 * @brief uv_thread_create/create_ex/join/self/equal: pthread_create() with a stack size chosen as libuv chooses it.
 *
 * uv_thread_t is pthread_t, so these are one call each, with two details:
 *  - the entry point takes `void*` and returns nothing, where pthreads wants
 *    `void* (*)(void*)`; a small heap record carries the entry and its
 *    argument to a trampoline with the right type (calling through a cast
 *    function pointer would be undefined behaviour);
 *  - the stack size. Without UV_THREAD_HAS_STACK_SIZE, libuv gives every
 *    thread the main thread's stack limit (RLIMIT_STACK, rounded down to a
 *    page; 2 MiB if unlimited or unreadable), so a program behaves the same
 *    on any C library. A size the caller asks for is rounded up to a page and
 *    to at least PTHREAD_STACK_MIN (or 8 KiB, whichever is larger).
 * Errors come back as UV_E* codes (UV_EAGAIN: no resources for a thread).
 *
 * libuv: src/unix/thread.c uv_thread_create_ex, uv__thread_stack_size
 *
 * Page: \docpage{api-thread}
 */
#include <limits.h>
#include <pthread.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdlib>

#include "uv.h"

namespace {

constexpr size_t kDefaultStack = 2u << 20;  // glibc's default on x86-64 and arm64
constexpr size_t kMinStack = 8192;

size_t page_size() { return static_cast<size_t>(sysconf(_SC_PAGESIZE)); }

size_t min_stack() {
  const auto libc_min = static_cast<size_t>(PTHREAD_STACK_MIN);
  return kMinStack < libc_min ? libc_min : kMinStack;
}

/** The stack a thread gets when the caller does not say: the main thread's limit. */
size_t default_stack() {
  rlimit lim;
  if (getrlimit(RLIMIT_STACK, &lim) != 0 || lim.rlim_cur == RLIM_INFINITY) return kDefaultStack;
  size_t size = static_cast<size_t>(lim.rlim_cur);
  size -= size % page_size();
  return size >= min_stack() ? size : kDefaultStack;
}

/** A requested size, rounded up to a page and to the minimum. */
size_t requested_stack(size_t size) {
  size_t page = page_size();
  size = (size + page - 1) & ~(page - 1);
  return size < min_stack() ? min_stack() : size;
}

struct Start {
  uv_thread_cb entry;
  void* arg;
};

void* trampoline(void* p) {
  Start s = *static_cast<Start*>(p);
  std::free(p);
  s.entry(s.arg);
  return nullptr;
}

}  // namespace

// [docs:thread-create]
int uv_thread_create_ex(uv_thread_t* tid, const uv_thread_options_t* params, uv_thread_cb entry,
                        void* arg) {
  if (tid == nullptr || params == nullptr || entry == nullptr) return UV_EINVAL;
  size_t stack = (params->flags & UV_THREAD_HAS_STACK_SIZE) && params->stack_size != 0
                     ? requested_stack(params->stack_size)
                     : default_stack();
  auto* start = static_cast<Start*>(std::malloc(sizeof(Start)));
  if (start == nullptr) return UV_ENOMEM;
  *start = {entry, arg};

  pthread_attr_t attr;
  int err = pthread_attr_init(&attr);
  if (err == 0) {
    err = pthread_attr_setstacksize(&attr, stack);
    if (err == 0) err = pthread_create(tid, &attr, trampoline, start);
    pthread_attr_destroy(&attr);
  }
  if (err != 0) std::free(start);  // the thread never started: nobody else will free it
  return -err;
}
// [/docs:thread-create]

int uv_thread_create(uv_thread_t* tid, uv_thread_cb entry, void* arg) {
  uv_thread_options_t params{};
  params.flags = UV_THREAD_NO_FLAGS;
  return uv_thread_create_ex(tid, &params, entry, arg);
}

uv_thread_t uv_thread_self(void) { return pthread_self(); }

int uv_thread_join(uv_thread_t* tid) { return tid == nullptr ? UV_EINVAL : -pthread_join(*tid, nullptr); }

int uv_thread_equal(const uv_thread_t* t1, const uv_thread_t* t2) { return pthread_equal(*t1, *t2); }
