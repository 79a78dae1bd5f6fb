/**
 * @file pending_queue.cpp
 * @brief Step 6a of descriptor passing: where received descriptors wait for uv_accept().
 *
 * What it keeps: the oldest pending descriptor in `stream->accepted_fd` (-1
 * when none), every later one in `stream->queued_fds`, a growable FIFO
 * (struct uv__queued_fds in steps.h), allocated at the second descriptor and
 * freed when it empties. No syscall here except close() in close_pending().
 * The pipe also keeps the head's file type once pending_mode() has looked
 * (uv_pipe_t::pending_mode, pending_type.cpp); take_pending() forgets it,
 * because the head changes.
 *
 * No allocation or copy per descriptor: the walker hands each descriptor
 * number straight from the control buffer (on the read path's stack) to
 * queue_fd(). The first waits in accepted_fd; the queue is allocated when a
 * second one arrives (two mallocs: the queue and 8 slots), doubles when full
 * and is freed when it empties, so a message of n descriptors costs at most
 * 2 + log2(n / 8) allocations. Taking one moves an index, not the array.
 *
 * Why two places: most IPC traffic passes one handle at a time, and
 * accepted_fd holds it without allocating. It is also the slot that a
 * listening stream uses for an accepted connection, so uv_accept() finds a
 * passed descriptor where it finds a connection.
 *
 * Why a FIFO that never loses order: the sender pairs each descriptor with
 * the message it wrote (Node's cluster sends "here is a connection" then the
 * connection); the receiver must accept them in the order they were sent.
 *
 * Who owns what: a queued descriptor belongs to the stream. uv_accept()
 * moves it into a handle (or to the caller, uvref_pipe_accept_fd());
 * uv_close() closes whatever is left (close_pending()).
 *
 * libuv: src/unix/stream.c uv__stream_queue_fd, uv_accept (the "process queued
 * fds" tail), uv__stream_destroy / uv__stream_close (queued_fds); src/unix/pipe.c
 * uv_pipe_pending_count
 *
 * Page: \docpage{fdpass-pending-queue}
 */
#include <cstdlib>
#include <cstring>

#include "fdpass/fdpass.h"
#include "fdpass/steps.h"
#include "sys/sys.h"

namespace uvref::detail::fdpass {

namespace {

constexpr unsigned kFirstCapacity = 8;

/** Makes room for one more entry at q->tail: compact first, grow if still full. */
int make_room(uv__queued_fds* q) noexcept {
  if (q->tail < q->capacity) return 0;
  if (q->head > 0) {  // slots freed by accepts at the front: slide the live ones down
    std::memmove(q->fds, q->fds + q->head, (q->tail - q->head) * sizeof(int));
    q->tail -= q->head;
    q->head = 0;
    return 0;
  }
  unsigned capacity = q->capacity * 2;
  void* grown = std::realloc(q->fds, capacity * sizeof(int));
  if (grown == nullptr) return UV_ENOMEM;
  q->fds = static_cast<int*>(grown);
  q->capacity = capacity;
  return 0;
}

uv__queued_fds* new_queue() noexcept {
  auto* q = static_cast<uv__queued_fds*>(std::malloc(sizeof(uv__queued_fds)));
  if (q == nullptr) return nullptr;
  q->fds = static_cast<int*>(std::malloc(kFirstCapacity * sizeof(int)));
  if (q->fds == nullptr) {
    std::free(q);
    return nullptr;
  }
  q->capacity = kFirstCapacity;
  q->head = q->tail = 0;
  return q;
}

void free_queue(uv_stream_t* stream) noexcept {
  std::free(stream->queued_fds->fds);
  std::free(stream->queued_fds);
  stream->queued_fds = nullptr;
}

}  // namespace

// [docs:fdpass-pending-queue]
int queue_fd(uv_stream_t* stream, int fd) noexcept {
  // [docs:ex-queue-fd]
  if (stream->accepted_fd == -1) {  // the common case: one handle at a time
    stream->accepted_fd = fd;
    return 0;
  }
  if (stream->queued_fds == nullptr) {
    stream->queued_fds = new_queue();
    if (stream->queued_fds == nullptr) return UV_ENOMEM;
  }
  int r = make_room(stream->queued_fds);
  if (r < 0) return r;
  stream->queued_fds->fds[stream->queued_fds->tail++] = fd;
  return 0;
  // [/docs:ex-queue-fd]
}

int take_pending(uv_stream_t* stream) noexcept {
  // The head changes: the mode pending_mode() kept belongs to the one leaving.
  reinterpret_cast<uv_pipe_t*>(stream)->pending_mode = 0;
  // [docs:ex-take-pending]
  int fd = stream->accepted_fd;
  if (fd == -1) return -1;
  uv__queued_fds* q = stream->queued_fds;
  if (q == nullptr) {
    stream->accepted_fd = -1;
    return fd;
  }
  stream->accepted_fd = q->fds[q->head++];  // the next oldest moves up
  if (q->head == q->tail) free_queue(stream);
  return fd;
  // [/docs:ex-take-pending]
}

unsigned pending_count(const uv_stream_t* stream) noexcept {
  if (stream->accepted_fd == -1) return 0;
  if (stream->queued_fds == nullptr) return 1;
  return 1 + (stream->queued_fds->tail - stream->queued_fds->head);
}

void close_pending(uv_stream_t* stream) noexcept {
  for (int fd = take_pending(stream); fd != -1; fd = take_pending(stream)) sys::close_fd(fd);
}
// [/docs:fdpass-pending-queue]

FdSink queue_sink(uv_stream_t* stream) noexcept {
  return FdSink{[](void* ctx, int fd) noexcept { return queue_fd(static_cast<uv_stream_t*>(ctx), fd); },
                stream};
}

}  // namespace uvref::detail::fdpass

// [docs:fdpass-pending-count]
int uv_pipe_pending_count(uv_pipe_t* handle) {
  if (!handle->ipc) return 0;  // only an IPC pipe receives descriptors
  return static_cast<int>(
      uvref::detail::fdpass::pending_count(reinterpret_cast<uv_stream_t*>(handle)));
}
// [/docs:fdpass-pending-count]
