/**
 * @file loop_info.cpp
 * @brief What the loop says about itself: its size, its user data, whether it is alive, its options.
 *
 * Creating and destroying a loop (uv_loop_init, uv_loop_close) is the work of
 * loop_init/, which sits above core/: see loop_init/stages.cpp.
 *
 * libuv: src/uv-common.c uv_loop_size, uv_loop_configure; src/unix/core.c uv_loop_alive;
 * src/uv-data-getter-setters.c uv_loop_get_data, uv_loop_set_data
 *
 * Page: \docpage{loop-init-order}
 */
#include "core/internal.h"

using namespace uvref::detail;

size_t uv_loop_size(void) { return sizeof(uv_loop_t); }
void* uv_loop_get_data(const uv_loop_t* loop) { return loop->data; }
void uv_loop_set_data(uv_loop_t* loop, void* data) { loop->data = data; }

int uv_loop_alive(const uv_loop_t* loop) {
  return loop->active_handles > 0 || loop->active_reqs.count > 0 ||
         loop->closing_handles != nullptr;
}

namespace uvref::detail {

int loop_configure(uv_loop_t* loop, uv_loop_option option, int signum) noexcept {
  if (option == UV_METRICS_IDLE_TIME) return UV_ENOSYS;
  if (option != UV_LOOP_BLOCK_SIGNAL) return UV_EINVAL;
  if (signum != SIGPROF) return UV_EINVAL;  // as libuv: only SIGPROF may be blocked
  loop->flags |= kLoopBlockSigprof;
  return 0;
}

}  // namespace uvref::detail

/** The C++ side of uv_loop_configure() (src/core/loop_configure.c). */
extern "C" int uvref_loop_configure(uv_loop_t* loop, uv_loop_option option, int signum) {
  return loop_configure(loop, option, signum);
}
