/**
 * @file queue.h
 * @brief The intrusive, circular, doubly linked list that links handles, watchers and requests.
 *
 * A list head and a list node are the same thing: a `uv__queue` whose `next`
 * and `prev` point at neighbours, or at itself when the list is empty. The
 * node lives inside the object it links (a uv_write_t's `queue` field), so
 * linking never allocates and unlinking is O(1). entry<T, Offset>() goes back
 * from the node to its object.
 *
 * libuv: src/queue.h (the QUEUE_* macros; libuv 1.47 moved to struct uv__queue too)
 */
#pragma once

#include <cstddef>

#include "uv.h"

namespace uvref::detail {

/** Makes @p q an empty list (or an unlinked node). */
inline void queue_init(uv__queue* q) noexcept {
  q->next = q;
  q->prev = q;
}

/** True if the list headed by @p q is empty (or the node @p q is unlinked). */
inline bool queue_empty(const uv__queue* q) noexcept { return q->next == q; }

/** The first node of a non-empty list. */
inline uv__queue* queue_head(const uv__queue* q) noexcept { return q->next; }

/** Appends node @p q to the list headed by @p h. */
inline void queue_insert_tail(uv__queue* h, uv__queue* q) noexcept {
  q->next = h;
  q->prev = h->prev;
  q->prev->next = q;
  h->prev = q;
}

/** Prepends node @p q to the list headed by @p h. */
inline void queue_insert_head(uv__queue* h, uv__queue* q) noexcept {
  q->next = h->next;
  q->prev = h;
  q->next->prev = q;
  h->next = q;
}

/** Unlinks node @p q and leaves it unlinked (so queue_empty(q) is true). */
inline void queue_remove(uv__queue* q) noexcept {
  q->prev->next = q->next;
  q->next->prev = q->prev;
  queue_init(q);
}

/**
 * Moves every node of list @p from to the empty list @p to; @p from becomes
 * empty. Used to walk a list whose callbacks may add or remove nodes.
 */
inline void queue_move(uv__queue* from, uv__queue* to) noexcept {
  if (queue_empty(from)) {
    queue_init(to);
    return;
  }
  to->next = from->next;
  to->prev = from->prev;
  to->next->prev = to;
  to->prev->next = to;
  queue_init(from);
}

/**
 * The object of type T whose member at byte @p Offset is the node @p q.
 * Call as `entry<uv_write_t, offsetof(uv_write_t, queue)>(q)`.
 */
template <typename T, std::size_t Offset>
inline T* entry(uv__queue* q) noexcept {
  return reinterpret_cast<T*>(reinterpret_cast<char*>(q) - Offset);
}

}  // namespace uvref::detail
