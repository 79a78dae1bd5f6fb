/**
 * @file signal.cpp
 * @brief uv_signal_t: Unix signals delivered as ordinary callbacks on the loop thread.
 *
 * The pieces, each from loop initialisation:
 *  - one process-wide list of watching handles per signal number, protected
 *    by the signal lock pipe (stage 2, signal_lock_pipe.cpp);
 *  - a sigaction() handler per watched signal, installed when the first
 *    handle starts and restored to SIG_DFL when the last one stops;
 *  - the per-loop signal pipe (stage 3, signal_pipe.cpp).
 *
 * When a signal arrives, the handler takes the lock, writes one 16-byte
 * message {handle, signum} into the pipe of each watching handle's loop, and
 * releases the lock. Nothing else happens in signal context. Later the loop
 * reads the messages (signal_event) and runs the callbacks. If a pipe is
 * full the message is dropped: signals are not queued by the kernel either.
 *
 * Closing: a handle may still have messages in flight in its loop's pipe.
 * It counts messages written (caught_signals) and read (dispatched_signals);
 * its close callback is queued only when the two are equal, so the loop never
 * reads a message about freed memory. Meanwhile the handle keeps the loop
 * alive, so that uv_run() goes on to read them.
 *
 * libuv: src/unix/signal.c uv__signal_handler, uv__signal_start, uv__signal_stop,
 * uv__signal_event, uv__signal_close, uv__signal_block_and_lock
 *
 * Page: \docpage{signals}
 */
#include <cstdlib>
#include <cstring>

#include "core/internal.h"
#include "loop_init/stages.h"
#include "sys/sys.h"

namespace uvref::detail {
namespace {

/** What the handler writes into a loop's signal pipe. */
struct SignalMessage {
  uv_signal_t* handle;
  int signum;
};
static_assert(sizeof(SignalMessage) == 16, "one message is 16 bytes, as libuv's");

/**
 * Handles watching each signal. Zero-initialised (next == nullptr means
 * empty), so the handler never needs a constructor to have run. Within a
 * list, persistent handles come before one-shot ones: the first handle
 * decides whether the handler is installed with SA_RESETHAND.
 */
uv__queue watchers[NSIG];

bool list_empty(int signum) noexcept {
  return watchers[signum].next == nullptr || queue_empty(&watchers[signum]);
}

uv_signal_t* first_handle(int signum) noexcept {
  if (list_empty(signum)) return nullptr;
  return entry<uv_signal_t, offsetof(uv_signal_t, signal_queue)>(watchers[signum].next);
}

// [docs:signal-handler]
/** Runs in signal context: only async-signal-safe calls (read, write) below. */
void signal_handler(int signum) {
  int saved_errno = errno;  // the interrupted code may be about to read errno
  if (signal_lock() != 0) {
    errno = saved_errno;
    return;
  }
  if (!list_empty(signum)) {
    for (uv__queue* q = watchers[signum].next; q != &watchers[signum]; q = q->next) {
      auto* h = entry<uv_signal_t, offsetof(uv_signal_t, signal_queue)>(q);
      SignalMessage msg{h, signum};
      ssize_t r;
      do {
        r = sys::write(h->loop->signal_pipefd[1], &msg, sizeof msg);
      } while (r == -EINTR);
      if (r == static_cast<ssize_t>(sizeof msg)) h->caught_signals++;  // else: pipe full, dropped
    }
  }
  signal_unlock();
  errno = saved_errno;
}
// [/docs:signal-handler]

int register_handler(int signum, bool oneshot) noexcept {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sigfillset(&sa.sa_mask);  // no other signal may interrupt the handler while it holds the lock
  sa.sa_handler = signal_handler;
  sa.sa_flags = SA_RESTART | (oneshot ? SA_RESETHAND : 0);
  return sys::sigaction(signum, &sa, nullptr);
}

void unregister_handler(int signum) noexcept {
  struct sigaction sa;
  std::memset(&sa, 0, sizeof sa);
  sa.sa_handler = SIG_DFL;
  sys::sigaction(signum, &sa, nullptr);  // cannot fail for a signal we installed
}

// [docs:signal-block-and-lock]
/**
 * Blocks every signal on this thread, then takes the lock. The order
 * matters: were a signal handled on this thread while it holds the lock, the
 * handler would wait forever for the byte its own thread took.
 */
void block_and_lock(sigset_t* saved) noexcept {
  sigset_t all;
  sigfillset(&all);
  if (sys::thread_sigmask(SIG_SETMASK, &all, saved) != 0) std::abort();
  if (signal_lock() != 0) std::abort();  // the lock pipe is gone: nothing can be made safe
}

void unlock_and_unblock(const sigset_t* saved) noexcept {
  if (signal_unlock() != 0) std::abort();
  if (sys::thread_sigmask(SIG_SETMASK, saved, nullptr) != 0) std::abort();
}
// [/docs:signal-block-and-lock]

void signal_stop(uv_signal_t* h) noexcept {
  if (h->signum == 0) return;
  sigset_t saved;
  block_and_lock(&saved);
  queue_remove(&h->signal_queue);
  uv_signal_t* first = first_handle(h->signum);
  if (first == nullptr) {
    unregister_handler(h->signum);  // last watcher gone: default disposition again
  } else if ((first->flags & kSignalOneShot) && !(h->flags & kSignalOneShot)) {
    // Only one-shot handles remain: the handler must now reset itself after one delivery.
    register_handler(h->signum, true);
  }
  unlock_and_unblock(&saved);
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

  sigset_t saved;
  block_and_lock(&saved);
  if (watchers[signum].next == nullptr) queue_init(&watchers[signum]);
  uv_signal_t* first = first_handle(signum);
  // Install the handler for the first watcher, or upgrade a one-shot handler
  // when a persistent watcher joins.
  if (first == nullptr || (!oneshot && (first->flags & kSignalOneShot))) {
    int r = register_handler(signum, oneshot);
    if (r < 0) {
      unlock_and_unblock(&saved);
      return r;  // SIGKILL, SIGSTOP: UV_EINVAL from the kernel
    }
  }
  h->signum = signum;
  if (oneshot) {
    h->flags |= kSignalOneShot;
    queue_insert_tail(&watchers[signum], &h->signal_queue);
  } else {
    h->flags &= ~kSignalOneShot;
    queue_insert_head(&watchers[signum], &h->signal_queue);
  }
  unlock_and_unblock(&saved);

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
