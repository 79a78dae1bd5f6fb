/**
 * @file trace_loops.cpp
 * @brief The trace's table of loops: who owns each, and the lookups that name a descriptor's holder.
 *
 * See trace_loops.h for what the table is for. It is a fixed array of slots, no
 * allocation and no lock (the trace may run where neither is allowed); each slot's
 * fields are atomics. A slot is claimed with a compare-exchange on `loop`, then its
 * owner is published; it is given back owner first, so another thread never takes
 * a loop being claimed or given back for its own. The epoll descriptor is copied
 * into the slot when the loop becomes live, so that closing or polling a loop finds
 * its slot without reading another thread's loop.
 *
 * Page: \docpage{watching}
 */
#include "sys/trace_loops.h"

#include <pthread.h>

#include <atomic>
#include <cstddef>
#include <cstring>

namespace uvref::sys::trace {

namespace {

struct Slot {
  std::atomic<uv_loop_t*> loop{nullptr};
  std::atomic<std::uintptr_t> owner{0};  // pthread_self() of the thread that may read the loop; 0: none
  std::atomic<int> backend{-1};          // loop->backend_fd once live; -1 while it is being set up
  std::atomic<bool> in_init{false};      // the loop its owner set up last (stages 1 and 4 name it)
};

constexpr int kSlots = 64;  // loops traced at once; more are not named
Slot slots[kSlots];

std::uintptr_t self() noexcept { return reinterpret_cast<std::uintptr_t>(reinterpret_cast<void*>(pthread_self())); }

bool unit_is(const char* unit, const char* name) noexcept { return std::strcmp(unit, name) == 0; }

void release(Slot& s) noexcept {
  s.owner.store(0, std::memory_order_release);
  s.in_init.store(false, std::memory_order_relaxed);
  s.backend.store(-1, std::memory_order_relaxed);
  s.loop.store(nullptr, std::memory_order_release);
}

/** Gives back the slot of the loop thread @p me is setting up, if it is not live yet. */
void release_in_init(std::uintptr_t me) noexcept {
  for (Slot& s : slots) {
    if (s.owner.load(std::memory_order_acquire) == me && s.in_init.load(std::memory_order_relaxed) &&
        s.backend.load(std::memory_order_relaxed) < 0) {
      release(s);
      return;
    }
  }
}

/** The loop of slot @p s if this thread owns it and it is live, else nullptr. */
uv_loop_t* mine(const Slot& s, std::uintptr_t me) noexcept {
  if (s.owner.load(std::memory_order_acquire) != me) return nullptr;
  if (s.backend.load(std::memory_order_relaxed) < 0) return nullptr;
  return s.loop.load(std::memory_order_acquire);
}

template <typename T>
T* entry_of(const uv__queue* q, std::size_t offset) noexcept {
  return reinterpret_cast<T*>(reinterpret_cast<std::uintptr_t>(q) - offset);
}

bool is_stream(const uv_handle_t* h) noexcept {
  return h->type == UV_NAMED_PIPE || h->type == UV_TCP || h->type == UV_TTY;
}

/** Calls @p visit(stream) for each stream of each live loop this thread owns; stops when it returns true. */
template <typename F>
void each_stream(F visit) noexcept {
  std::uintptr_t me = self();
  for (Slot& s : slots) {
    uv_loop_t* loop = mine(s, me);
    if (loop == nullptr) continue;
    for (const uv__queue* q = loop->handle_queue.next; q != &loop->handle_queue; q = q->next) {
      auto* h = entry_of<const uv_handle_t>(q, offsetof(uv_handle_t, handle_queue));
      if (is_stream(h) && visit(reinterpret_cast<const uv_stream_t*>(h))) return;
    }
  }
}

}  // namespace

void loop_table_note_init(uv_loop_t* loop) noexcept {
  std::uintptr_t me = self();
  Slot* found = nullptr;
  for (Slot& s : slots) {
    if (s.owner.load(std::memory_order_acquire) != me) continue;
    // One loop in set-up per thread: a slot left by a failed init, or this very loop again.
    if (s.loop.load(std::memory_order_relaxed) == loop ||
        (s.in_init.load(std::memory_order_relaxed) && s.backend.load(std::memory_order_relaxed) < 0)) {
      found = &s;
    } else {
      s.in_init.store(false, std::memory_order_relaxed);
    }
  }
  if (found == nullptr) {
    for (Slot& s : slots) {
      uv_loop_t* empty = nullptr;
      if (s.loop.compare_exchange_strong(empty, loop, std::memory_order_acq_rel)) {
        found = &s;
        break;
      }
    }
    if (found == nullptr) return;  // table full: this loop is not named
  }
  found->loop.store(loop, std::memory_order_relaxed);
  found->backend.store(-1, std::memory_order_relaxed);
  found->in_init.store(true, std::memory_order_relaxed);
  found->owner.store(me, std::memory_order_release);
}

void loop_table_clear() noexcept {
  for (Slot& s : slots) release(s);
}

void loop_table_before_line(Call c, const char* unit, const std::uintptr_t* args, long result) noexcept {
  // Stage 3 succeeded: the loop's epoll descriptor is set, the loop is live. pipe2() wrote
  // into loop->signal_pipefd, so the argument says which loop (no guess).
  if (c == Call::pipe2 && result == 0 && unit_is(unit, "loop_init/signal_pipe.cpp")) {
    std::uintptr_t me = self();
    for (Slot& s : slots) {
      if (s.owner.load(std::memory_order_acquire) != me || !s.in_init.load(std::memory_order_relaxed)) continue;
      uv_loop_t* loop = s.loop.load(std::memory_order_acquire);
      if (reinterpret_cast<std::uintptr_t>(loop->signal_pipefd) == args[0] && loop->backend_fd >= 0)
        s.backend.store(loop->backend_fd, std::memory_order_relaxed);
    }
  }
  // A thread that polls a loop is the one using it now (a loop set up on one thread
  // may be run on another): the slot moves to it, found by the descriptor's copy.
  if (c == Call::epoll_wait && unit_is(unit, "core/epoll_poll.cpp")) {
    int fd = static_cast<int>(args[0]);
    std::uintptr_t me = self();
    for (Slot& s : slots) {
      if (s.backend.load(std::memory_order_relaxed) == fd && s.loop.load(std::memory_order_acquire) != nullptr &&
          s.owner.load(std::memory_order_relaxed) != me)
        s.owner.store(me, std::memory_order_release);
    }
  }
}

void loop_table_after_call(Call c, const char* unit, const std::uintptr_t* args, long result) noexcept {
  if (c == Call::epoll_create1 && result < 0 && unit_is(unit, "loop_init/epoll_create.cpp")) {
    // Stage 1 failed: no epoll descriptor will be closed to give the slot back, and a
    // thread that never sets up a loop again would keep it for ever (64 such threads and
    // no loop is named any more).
    release_in_init(self());
    return;
  }
  if (c != Call::close || !unit_is(unit, "loop_init/epoll_create.cpp")) return;
  // platform_loop_delete(): uv_loop_close(), or a failed init undoing stage 1. Whichever
  // thread closes it, the slot is found by the copy of the descriptor.
  int fd = static_cast<int>(args[0]);
  std::uintptr_t me = self();
  for (Slot& s : slots) {
    if (s.backend.load(std::memory_order_relaxed) == fd && s.loop.load(std::memory_order_acquire) != nullptr) {
      release(s);
      return;
    }
  }
  // Not live yet: this thread's init failed after stage 1 and before stage 3.
  release_in_init(me);
}

Found loop_in_init() noexcept {
  std::uintptr_t me = self();
  for (Slot& s : slots) {
    if (s.owner.load(std::memory_order_acquire) == me && s.in_init.load(std::memory_order_relaxed))
      return {s.loop.load(std::memory_order_acquire), nullptr, nullptr};
  }
  return {};
}

Found loop_with_fd(int fd) noexcept {
  if (fd < 0) return {};
  std::uintptr_t me = self();
  for (Slot& s : slots) {
    const uv_loop_t* loop = mine(s, me);
    if (loop == nullptr) continue;
    const char* field = nullptr;
    if (fd == loop->backend_fd) field = "backend_fd";
    else if (fd == loop->signal_pipefd[0]) field = "signal_pipefd[0]";
    else if (fd == loop->signal_pipefd[1]) field = "signal_pipefd[1]";
    else if (fd == loop->async_io_watcher.fd) field = "async_io_watcher.fd";
    else if (fd == loop->emfile_fd) field = "emfile_fd";
    if (field != nullptr) return {loop, nullptr, field};
  }
  return {};
}

Found stream_with_fd(int fd) noexcept {
  Found found;
  if (fd < 0) return found;
  each_stream([&](const uv_stream_t* s) {
    if (s->io_watcher.fd == fd) found = {s->loop, s, "io_watcher.fd"};
    else if (s->accepted_fd == fd) found = {s->loop, s, "accepted_fd"};
    return found.stream != nullptr;
  });
  return found;
}

Found only_empty_stream() noexcept {
  Found found;
  int count = 0;
  each_stream([&](const uv_stream_t* s) {
    if (s->type == UV_TTY || s->io_watcher.fd != -1 || uv_is_closing(reinterpret_cast<const uv_handle_t*>(s)))
      return false;
    found = {s->loop, s, nullptr};
    return ++count > 1;
  });
  return count == 1 ? found : Found{};
}

}  // namespace uvref::sys::trace
