/**
 * @file close.cpp
 * @brief One switch per closing step, the one place that knows every handle type, so adding one touches one file.
 *
 * dispatch/ sits above the handle types: core/ calls these through
 * core/hooks.h (uv_close, the closing phase of uv_run) without including any
 * handle type's header.
 *
 * libuv: src/unix/core.c uv_close, uv__finish_close
 */
#include "async/async.h"
#include "core/hooks.h"
#include "core/internal.h"
#include "pipe/pipe.h"
#include "process/process.h"
#include "signal/signal.h"
#include "stream/stream.h"
#include "timer/timer.h"

namespace uvref::detail {

bool close_by_type(uv_handle_t* handle) noexcept {
  switch (handle->type) {
    case UV_TIMER:
      timer_close(reinterpret_cast<uv_timer_t*>(handle));
      return true;
    case UV_IDLE:
      idle_close(reinterpret_cast<uv_idle_t*>(handle));
      return true;
    case UV_PREPARE:
      prepare_close(reinterpret_cast<uv_prepare_t*>(handle));
      return true;
    case UV_CHECK:
      check_close(reinterpret_cast<uv_check_t*>(handle));
      return true;
    case UV_ASYNC:
      async_close(reinterpret_cast<uv_async_t*>(handle));
      return true;
    case UV_SIGNAL:
      signal_close(reinterpret_cast<uv_signal_t*>(handle));
      return false;  // signal_close() queues the callback once the pipe holds no message for it
    case UV_NAMED_PIPE:
      pipe_close(reinterpret_cast<uv_pipe_t*>(handle));  // unlinks the bound path, then stream_close
      return true;
    case UV_TCP:
      stream_close(reinterpret_cast<uv_stream_t*>(handle));
      return true;
    case UV_PROCESS:
      process::process_close(reinterpret_cast<uv_process_t*>(handle));
      return true;
    default:
      report_misuse("uv_close", handle, "handle type not supported by uvref");
      return true;
  }
}

void finish_close_by_type(uv_handle_t* handle) noexcept {
  switch (handle->type) {
    case UV_NAMED_PIPE:
    case UV_TCP:
      stream_destroy(reinterpret_cast<uv_stream_t*>(handle));  // cancelled requests get their callbacks
      break;
    default:
      break;  // timers, watchers, async and signal handles released everything in close_by_type
  }
}

}  // namespace uvref::detail
