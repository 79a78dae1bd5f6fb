/**
 * @file handle.cpp
 * @brief What every handle shares: initialisation, uv_close(), reference counting, uv_walk().
 *
 * A handle is a long-lived object (a timer, a pipe, a signal watcher) that
 * the loop knows through `loop->handle_queue`. Closing is asynchronous: uv_close()
 * stops the handle at once, but its close callback runs in the closing phase
 * of a later uv_run() iteration, when no other callback can still refer to it.
 * Only then may the program free the handle's memory.
 *
 * libuv: src/uv-common.c uv_walk, uv_ref, uv_unref; src/unix/core.c uv_close,
 * uv__make_close_pending, uv__finish_close
 *
 * Page: \docpage{core-handles}
 */
#include <cstdio>

#include "core/hooks.h"
#include "core/internal.h"

namespace uvref::detail {

void handle_init(uv_loop_t* loop, uv_handle_t* h, uv_handle_type type) noexcept {
  h->loop = loop;
  h->type = type;
  h->flags = kRef;  // referenced by default: an active handle keeps the loop alive
  h->close_cb = nullptr;
  h->next_closing = nullptr;
  queue_insert_tail(&loop->handle_queue, &h->handle_queue);
}

void make_close_pending(uv_handle_t* h) noexcept {
  // A singly linked stack: the closing phase runs callbacks newest first, as libuv does.
  h->next_closing = h->loop->closing_handles;
  h->loop->closing_handles = h;
}

void report_misuse(const char* function, const uv_handle_t* h, const char* what) noexcept {
  const char* type = h ? uv_handle_type_name(h->type) : nullptr;
  std::fprintf(stderr, "uvref: %s(%p%s%s): %s; call ignored\n", function,
               static_cast<const void*>(h), type ? ", " : "", type ? type : "", what);
}

}  // namespace uvref::detail

using namespace uvref::detail;

// [docs:uv-close]
void uv_close(uv_handle_t* handle, uv_close_cb close_cb) {
  // libuv asserts here; a second uv_close() would link the handle into the
  // closing list twice and corrupt it. uvref says so and ignores the call.
  if (handle_is_closing(handle)) {
    report_misuse("uv_close", handle, "handle is already closing or closed");
    return;
  }
  handle->flags |= kClosing;
  handle->close_cb = close_cb;
  if (!close_by_type(handle)) return;  // signal handles decide themselves when (see signal/signal.cpp)
  make_close_pending(handle);
}
// [/docs:uv-close]

int uv_is_active(const uv_handle_t* handle) { return handle_is_active(handle) ? 1 : 0; }
int uv_is_closing(const uv_handle_t* handle) { return handle_is_closing(handle) ? 1 : 0; }
void uv_ref(uv_handle_t* handle) { handle_ref(handle); }
void uv_unref(uv_handle_t* handle) { handle_unref(handle); }
int uv_has_ref(const uv_handle_t* handle) { return (handle->flags & kRef) ? 1 : 0; }

uv_handle_type uv_handle_get_type(const uv_handle_t* handle) { return handle->type; }
void* uv_handle_get_data(const uv_handle_t* handle) { return handle->data; }
void uv_handle_set_data(uv_handle_t* handle, void* data) { handle->data = data; }
uv_loop_t* uv_handle_get_loop(const uv_handle_t* handle) { return handle->loop; }

void uv_walk(uv_loop_t* loop, uv_walk_cb walk_cb, void* arg) {
  // Walk a private copy of the list so that walk_cb may close or start handles.
  uv__queue queue;
  queue_move(&loop->handle_queue, &queue);
  while (!queue_empty(&queue)) {
    uv__queue* q = queue_head(&queue);
    auto* h = entry<uv_handle_t, offsetof(uv_handle_t, handle_queue)>(q);
    queue_remove(q);
    queue_insert_tail(&loop->handle_queue, q);
    if (h->flags & kInternal) continue;
    walk_cb(h, arg);
  }
}

int uv_fileno(const uv_handle_t* handle, uv_os_fd_t* fd) {
  int found;
  switch (handle->type) {
    case UV_TCP:
    case UV_NAMED_PIPE:
      found = reinterpret_cast<const uv_stream_t*>(handle)->io_watcher.fd;
      break;
    default:
      return UV_EINVAL;
  }
  if (handle_is_closing(handle) || found == -1) return UV_EBADF;
  *fd = found;
  return 0;
}
