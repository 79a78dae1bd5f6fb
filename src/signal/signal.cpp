/**
 * @file signal.cpp
 * @brief uv_signal_t: Unix signals delivered as ordinary callbacks on the loop thread.
 *
 * This is the loop side: starting and stopping a handle, reading the
 * signal pipe (stage 3, loop_init/signal_pipe.cpp) in signal_event() and
 * running the callbacks, closing. The handler that writes into the pipe, the
 * per-signal lists of handles and the lock are the handler side
 * (signal_handler.cpp). One message is {handle, signum}, 16 bytes.
 *
 * Closing: a handle may still have messages in flight in its loop's pipe.
 * It counts messages written (caught_signals) and read (dispatched_signals);
 * its close callback is queued only when the two are equal, so the loop never
 * reads a message about freed memory. Meanwhile the handle keeps the loop
 * alive, so that uv_run() goes on to read them.
 *
 * libuv: src/unix/signal.c uv__signal_start, uv__signal_stop, uv__signal_event,
 * uv__signal_close, uv_signal_init
 *
 * Page: \docpage{signals}
 */
#include <cstring>

#include "core/internal.h"
#include "loop_init/stages.h"
#include "signal/signal.h"
#include "sys/sys.h"

namespace uvref::detail {
namespace {

void signal_stop(uv_signal_t* h) noexcept {
  if (h->signum == 0) return;
  signal_unwatch(h);
  h->signum = 0;
  handle_stop(reinterpret_cast<uv_handle_t*>(h));
}

// [docs:signal-start]
int signal_start(uv_signal_t* h, uv_signal_cb cb, int signum, bool oneshot) noexcept {
  if (uv_is_closing(reinterpret_cast<uv_handle_t*>(h))) return UV_EINVAL;
  if (signum <= 0 || signum >= NSIG) return UV_EINVAL;
  if (cb == nullptr) return UV_EINVAL;

  // Restarting on the same signal only swaps the callback (no syscall).
  if (h->signum == signum) {
    h->signal_cb = cb;
    return 0;
  }
  if (h->signum != 0) signal_stop(h);

  int r = signal_watch(h, signum, oneshot);  // the handler side: list, sigaction, under the lock
  if (r < 0) return r;
  h->signal_cb = cb;
  handle_start(reinterpret_cast<uv_handle_t*>(h));
  return 0;
}
// [/docs:signal-start]

}  // namespace

// [docs:signal-event]
void signal_event(uv_loop_t* loop, uv__io_t* /*w*/, unsigned int /*events*/) noexcept {
  char buf[sizeof(SignalMessage) * 32];
  size_t bytes = 0;
  for (;;) {
    ssize_t r = sys::read(loop->signal_pipefd[0], buf + bytes, sizeof buf - bytes);
    if (r == -EINTR) continue;
    if (r == -EAGAIN) {
      if (bytes > 0) continue;  // half a message read: the handler is writing the rest
      return;
    }
    if (r <= 0) return;
    bytes += static_cast<size_t>(r);

    size_t end = bytes / sizeof(SignalMessage) * sizeof(SignalMessage);
    for (size_t i = 0; i < end; i += sizeof(SignalMessage)) {
      SignalMessage msg;
      std::memcpy(&msg, buf + i, sizeof msg);
      uv_signal_t* h = msg.handle;
      if (msg.signum == h->signum) h->signal_cb(h, h->signum);  // not if stopped or restarted since
      h->dispatched_signals++;
      if (h->flags & kSignalOneShot) signal_stop(h);
      // A closing handle waited for its last message: now it may finish closing.
      if ((h->flags & kClosing) && h->caught_signals == h->dispatched_signals) {
        loop->active_handles--;  // taken in signal_close()
        make_close_pending(reinterpret_cast<uv_handle_t*>(h));
      }
    }
    bytes -= end;
    if (bytes > 0) {
      std::memmove(buf, buf + end, bytes);
      continue;
    }
    if (end != sizeof buf) return;  // the buffer was not filled: the pipe is drained
  }
}
// [/docs:signal-event]

void signal_close(uv_signal_t* h) noexcept {
  signal_stop(h);
  if (h->caught_signals == h->dispatched_signals) {
    make_close_pending(reinterpret_cast<uv_handle_t*>(h));
    return;
  }
  // Messages about h are still in the pipe. Until signal_event() has read
  // them, h keeps the loop alive, referenced or not, as every closing handle
  // does; otherwise uv_run() could return without reading them, and the
  // close callback would never come.
  h->loop->active_handles++;
}

void signal_loop_stop_all(uv_loop_t* loop) noexcept {
  for (uv__queue* q = loop->handle_queue.next; q != &loop->handle_queue; q = q->next) {
    auto* h = entry<uv_handle_t, offsetof(uv_handle_t, handle_queue)>(q);
    if (h->type == UV_SIGNAL) signal_stop(reinterpret_cast<uv_signal_t*>(h));
  }
}

}  // namespace uvref::detail

using namespace uvref::detail;

int uv_signal_init(uv_loop_t* loop, uv_signal_t* handle) {
  int r = signal_loop_once_init(loop);  // stage 3: the loop's signal pipe
  if (r < 0) return r;
  handle_init(loop, reinterpret_cast<uv_handle_t*>(handle), UV_SIGNAL);
  handle->signal_cb = nullptr;
  handle->signum = 0;
  handle->caught_signals = 0;
  handle->dispatched_signals = 0;
  queue_init(&handle->signal_queue);
  return 0;
}

int uv_signal_start(uv_signal_t* handle, uv_signal_cb signal_cb, int signum) {
  return signal_start(handle, signal_cb, signum, false);
}

int uv_signal_start_oneshot(uv_signal_t* handle, uv_signal_cb signal_cb, int signum) {
  return signal_start(handle, signal_cb, signum, true);
}

int uv_signal_stop(uv_signal_t* handle) {
  signal_stop(handle);
  return 0;
}
