/**
 * @file thread_check.cpp
 * @brief The one place the thread wrappers abort: see thread_check.h.
 *
 * libuv: src/unix/thread.c uv_mutex_lock
 *
 * Page: \docpage{api-thread}
 */
#include "thread/thread_check.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace uvref::detail {

void thread_check(int err, const char* function) noexcept {
  if (err == 0) [[likely]] return;
  std::fprintf(stderr, "uvref: %s: %s (a misused lock or thread object); aborting\n", function,
               std::strerror(err));
  std::abort();
}

}  // namespace uvref::detail
