/**
 * @file write_batch.cpp
 * @brief Queued uv_write2() requests sent together: one sendmsg() for up to 60 descriptors.
 *
 * When the socket buffer is full, uv_write2() requests wait in the write
 * queue, each with a descriptor and a few bytes. When POLLOUT says there is
 * room again, send_batch() sends the head request and the requests right
 * behind it that also carry a descriptor in one sendmsg(): their buffers in
 * order in one iovec array, their descriptors in order in one SCM_RIGHTS
 * control message. One syscall instead of one per request, and on the other
 * side one recvmsg() takes them all (a receiver built on libuv 1.44 queues
 * every descriptor a message carries, as uvref does).
 *
 * Who joins the head: each following request that carries a descriptor
 * (uv_write2, uvref_write2_fd) whose handle to send is not closed, while
 * the descriptors number at most kMaxBatchFds and the buffers fit in the
 * iovec array (kBatchIov). A plain uv_write ends the batch; so does a
 * request whose handle was closed (it must fail alone, with UV_EBADF).
 *
 * Why at most 60 descriptors, when Linux takes 253 (SCM_MAX_FD) and uvref's
 * receiver has room for 253: the receiver may be a libuv program. libuv
 * reads with room for 64 descriptors (1.44; 60 since 1.45) and never checks
 * MSG_CTRUNC, so the kernel would close the rest of a bigger message without
 * anyone being told. 60 fits every libuv receiver.
 *
 * What stays as it was without batching (write_queue.cpp handles the result):
 *  - order: the bytes go in request order, the descriptors too, and the
 *    receiver queues them in that order;
 *  - callbacks: each request whose bytes all went completes, in order, with 0;
 *  - partial writes: the kernel took n bytes; the requests they cover
 *    complete, the first one short stays at the head for POLLOUT. Every
 *    descriptor of the batch went with the first byte, so none is sent
 *    again: a descriptor may reach the peer before the bytes of its own
 *    request, never after them;
 *  - EAGAIN: nothing went; the queue waits for POLLOUT as before;
 *  - errors: a batch the kernel refuses (EPIPE, EBADF for a closed raw
 *    descriptor, ETOOMANYREFS...) is not reported as such. send_batch()
 *    returns 0 and the caller sends the head alone, exactly as without
 *    batching, so an error lands on the request that causes it and the
 *    requests behind it stay queued (one extra syscall, on an error path).
 *
 * libuv: src/unix/stream.c uv__write (which sends one request per sendmsg())
 *
 * Page: \docpage{stream-write}
 */
#include <cstring>

#include "fdpass/fdpass.h"
#include "stream/stream.h"

namespace uvref::detail {
namespace {

constexpr unsigned kMaxBatchFds = 60;  // what any libuv receiver takes from one message (see above)
constexpr int kBatchIov = 64;          // iovec entries per batch: 1 KiB on the stack

uv_write_t* write_of(uv__queue* q) noexcept { return entry<uv_write_t, offsetof(uv_write_t, queue)>(q); }

/** True if @p req can ride in a batch behind the head. */
bool can_join(const uv_write_t* req) noexcept {
  if (req->send_fd == -1) return false;  // a plain write, or a descriptor already sent
  return !send_handle_closed(req);
}

}  // namespace

// [docs:write-batch]
unsigned send_batch(uv_stream_t* stream, ssize_t* n) noexcept {
  struct iovec iov[kBatchIov];
  int fds[kMaxBatchFds];
  int iovcnt = 0;
  unsigned count = 0;  // requests in the batch, from the head on

  uv__queue* q = queue_head(&stream->write_queue);
  for (; q != &stream->write_queue && count < kMaxBatchFds; q = q->next, ++count) {
    uv_write_t* req = write_of(q);
    unsigned nbufs = req->nbufs - req->write_index;
    if (!can_join(req) || nbufs > static_cast<unsigned>(kBatchIov - iovcnt)) break;
    // uv_buf_t has struct iovec's layout on Unix (uv.h): copy the entries as they are.
    std::memcpy(&iov[iovcnt], req->bufs + req->write_index, nbufs * sizeof(struct iovec));
    iovcnt += static_cast<int>(nbufs);
    fds[count] = req->send_fd;
  }
  if (count < 2) return 0;  // nothing queued behind the head: the usual single send

  *n = fdpass::send_with_fds(stream_fd(stream), iov, iovcnt, std::span<const int>(fds, count));
  if (*n == -EAGAIN || *n == -ENOBUFS) *n = UV_EAGAIN;  // socket buffer full: wait for POLLOUT
  if (*n < 0 && *n != UV_EAGAIN) return 0;              // refused: the head goes alone, gets its own answer
  return count;
}
// [/docs:write-batch]

}  // namespace uvref::detail
