/**
 * @file write_cork.cpp
 * @brief uv_write2()s made from write callbacks wait for the end of the pass, then go in one sendmsg().
 *
 * A common way to pass descriptors: each write callback starts the next
 * uv_write2() on the same IPC pipe. libuv writes each one at once, inside the
 * call: one sendmsg() per descriptor, and on the other side one recvmsg() per
 * descriptor (Linux ends a read at each message that carries descriptors).
 * uvref instead *holds* such a write while the pipe's completed-writes pass
 * (write_callbacks()) runs, and sends what was held once the pass is over:
 * write_batch.cpp puts up to 60 descriptors in one sendmsg(), so 16
 * callbacks that each start a write cost one sendmsg() and one recvmsg().
 *
 * What is held: a uv_write2() with a handle to send, submitted to the stream
 * whose callbacks are running, when its queue was idle (libuv would write it
 * now); then every write submitted behind it in the same pass, to keep the
 * order. Writes to other streams, plain uv_write()s to an idle queue,
 * uvref_write2_fd() (its raw descriptor may be closed by the program at any
 * time, unseen) and a uv_write2() of another loop's handle (closed there,
 * unseen here) go at once, as in libuv.
 *
 * The held writes go out before anything that would see the difference:
 *  - at the end of the pass (cork_end(), from write_callbacks());
 *  - in uv_close() of any stream of the loop: the channel itself (libuv had
 *    sent them; closing would cancel them) or a handle a held write sends
 *    (libuv had sent its descriptor; a closed one fails with UV_EBADF);
 *  - in uv_try_write() on the same stream, so that it writes after them, as
 *    in libuv, instead of answering UV_EAGAIN.
 * Each held request keeps its callback, its order and its errors: it is
 * written by stream_write() as any queued request, and completes as one;
 * all of them at the release, however many (not one wake-up's 32).
 * One thing a program can see: `write_queue_size` counts a held write's
 * bytes until the pass ends, as libuv counts a write the kernel could not
 * take yet (docs/differences.md).
 *
 * Passes never nest (a callback cannot re-enter the loop), so the loop holds
 * for at most one stream at a time: `loop->write_cork`.
 *
 * libuv: src/unix/stream.c uv_write2 (which writes at once when the queue is
 * empty), uv__write_callbacks
 *
 * Page: \docpage{stream-write}
 */
#include "stream/stream.h"

namespace uvref::detail {

// [docs:write-cork]
void cork_begin(uv_stream_t* stream) noexcept { stream->loop->write_cork = stream; }

bool cork_holds(uv_stream_t* stream, const uv_write_t* req, bool idle) noexcept {
  if (stream->loop->write_cork != stream) return false;  // not inside this stream's callbacks
  // A handle of another loop can be closed (even freed) without this loop seeing it:
  // uv_close() releases only its own loop's cork. Write it now, as libuv does, after
  // anything held before it (req is already queued, so cork_release() writes it too).
  bool foreign = req->send_handle != nullptr && req->send_handle->loop != stream->loop;
  if (stream->flags & kWritesHeld) {
    if (foreign) cork_release(stream->loop);
    return true;  // held behind a held write (order kept), or written just now
  }
  if (!idle || req->send_handle == nullptr || foreign) return false;
  stream->flags |= kWritesHeld;
  return true;
}

void cork_release(uv_loop_t* loop) noexcept {
  uv_stream_t* stream = loop->write_cork;
  if (stream == nullptr || !(stream->flags & kWritesHeld)) return;
  stream->flags &= ~kWritesHeld;
  // From the head: the held requests together, then any behind them. All of them, not one
  // wake-up's 32: libuv wrote each inside its own call, and a uv_close() or uv_try_write()
  // right after must find them sent. Stop when a call finishes none (EAGAIN, a partial
  // write: POLLOUT takes over) or fails one (the rest wait for POLLOUT, as in libuv).
  for (;;) {
    uv__queue* head = queue_head(&stream->write_queue);
    stream_write(stream);
    if (queue_empty(&stream->write_queue) || queue_head(&stream->write_queue) == head) return;
    uv__queue* last = stream->write_completed_queue.prev;  // finish() appends: the last one finished
    if (entry<uv_write_t, offsetof(uv_write_t, queue)>(last)->error != 0) return;
  }
}

void cork_end(uv_stream_t* stream) noexcept {
  cork_release(stream->loop);
  stream->loop->write_cork = nullptr;
}
// [/docs:write-cork]

}  // namespace uvref::detail
