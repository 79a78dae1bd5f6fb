/**
 * @file signal_handler.cpp
 * @brief The signal-handler side of uv_signal_t: the sigaction() handler, the per-signal lists of handles, the lock.
 *
 * One process-wide list of watching handles per signal number, protected by
 * the signal lock pipe (stage 2, loop_init/signal_lock_pipe.cpp). A
 * sigaction() handler is installed for a signal when its first handle starts
 * watching, and SIG_DFL restored when the last one stops.
 *
 * When a signal arrives, the handler takes the lock, writes one 16-byte
 * message {handle, signum} into the signal pipe (stage 3) of each watching
 * handle's loop, and releases the lock. Nothing else happens in signal
 * context; the loop side (signal.cpp) reads the messages and runs the
 * callbacks. If a pipe is full the message is dropped: signals are not
 * queued by the kernel either.
 *
 * libuv: src/unix/signal.c uv__signal_handler, uv__signal_register_handler,
 * uv__signal_unregister_handler, uv__signal_block_and_lock, uv__signal_unlock_and_unblock
 *
 * Page: \docpage{signals}
 */
#include <cstdlib>
#include <cstring>

#include "core/internal.h"
#include "loop_init/stages.h"
#include "signal/signal.h"
#include "sys/sys.h"

namespace uvref::detail {
namespace {

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

}  // namespace

void signal_unwatch(uv_signal_t* h) noexcept {
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
}

// [docs:signal-watch]
int signal_watch(uv_signal_t* h, int signum, bool oneshot) noexcept {
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
  return 0;
}
// [/docs:signal-watch]

}  // namespace uvref::detail
