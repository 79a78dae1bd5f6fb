// The write path: the write queue, partial writes, POLLOUT, callback order, EPIPE, uv_try_write,
// uv_write2's checks, uv_shutdown, cancellation at close.
#include <fcntl.h>
#include <sys/epoll.h>

#include <memory>

#include "sys/fault.h"
#include "test_stream_helpers.h"

using namespace uvref::test;
using uvref::sys::Call;
namespace fault = uvref::sys::fault;

namespace {

/** Records the order and status of write callbacks. */
struct WriteLog {
  std::vector<int> order;
  std::vector<int> status;
  static void cb(uv_write_t* req, int status) {
    auto* log = static_cast<WriteLog*>(req->handle->data);
    log->order.push_back(static_cast<int>(reinterpret_cast<intptr_t>(req->data)));
    log->status.push_back(status);
  }
};

}  // namespace

TEST_CASE("write: a full socket buffer grows the queue, POLLOUT drains it, callbacks come in order", "[stream][write]") {
  uv_pipe_t writer, reader;
  TestLoop loop;
  open_pair(loop, &writer, &reader);

  constexpr int kWrites = 64;
  constexpr std::size_t kSize = 64 * 1024;
  std::vector<std::vector<char>> chunks;
  std::vector<uv_write_t> reqs(kWrites);
  WriteLog log;
  writer.data = &log;
  std::vector<char> expected;
  for (int i = 0; i < kWrites; ++i) {
    chunks.push_back(pattern(100 + i, kSize));
    expected.insert(expected.end(), chunks.back().begin(), chunks.back().end());
  }
  for (int i = 0; i < kWrites; ++i) {
    reqs[i].data = reinterpret_cast<void*>(static_cast<intptr_t>(i));
    uv_buf_t buf = uv_buf_init(chunks[i].data(), static_cast<unsigned>(kSize));
    REQUIRE(uv_write(&reqs[i], as_stream(&writer), &buf, 1, WriteLog::cb) == 0);
  }
  // Nobody reads yet: the kernel took what fits, the rest waits in the queue.
  std::size_t queued = uv_stream_get_write_queue_size(as_stream(&writer));
  CHECK(queued > 0);
  CHECK(queued < kWrites * kSize);
  CHECK(queued == writer.write_queue_size);
  CHECK((writer.io_watcher.pevents & EPOLLOUT) != 0);  // waiting for room
  CHECK(log.order.empty());                             // never called back from inside uv_write

  Collector c;
  c.close_on_eof = true;
  reader.data = &c;
  REQUIRE(uv_read_start(as_stream(&reader), Collector::alloc, Collector::read) == 0);

  uv_shutdown_t sreq;
  int shutdown_status = 1;
  sreq.data = &shutdown_status;
  REQUIRE(uv_shutdown(&sreq, as_stream(&writer), [](uv_shutdown_t* r, int status) {
            *static_cast<int*>(r->data) = status;
          }) == 0);
  uv_run(loop, UV_RUN_DEFAULT);

  REQUIRE(log.order.size() == kWrites);
  for (int i = 0; i < kWrites; ++i) {
    CHECK(log.order[i] == i);
    CHECK(log.status[i] == 0);
  }
  CHECK(shutdown_status == 0);
  CHECK(writer.write_queue_size == 0);
  CHECK((writer.io_watcher.pevents & EPOLLOUT) == 0);  // nothing left: POLLOUT off
  CHECK(c.bytes.size() == expected.size());
  CHECK(c.bytes == expected);
  CHECK(c.eof_count == 1);
}

TEST_CASE("write: partial writes (every writev cut to 7 bytes) deliver every byte in order", "[stream][write]") {
  uv_pipe_t writer, reader;
  TestLoop loop;
  open_pair(loop, &writer, &reader);

  auto a = pattern(7, 10), b = pattern(8, 25), d = pattern(9, 1000);
  std::vector<char> expected;
  expected.insert(expected.end(), a.begin(), a.end());
  expected.insert(expected.end(), b.begin(), b.end());
  expected.insert(expected.end(), d.begin(), d.end());

  WriteLog log;
  writer.data = &log;
  Collector c;
  c.close_on_eof = true;
  reader.data = &c;
  uv_write_t w1, w2;
  w1.data = reinterpret_cast<void*>(1);
  w2.data = reinterpret_cast<void*>(2);
  {
    fault::ScopedFault partial({.call = Call::writev, .max_len = 7, .times = 0});
    uv_buf_t bufs1[3] = {uv_buf_init(a.data(), 10), uv_buf_init(nullptr, 0), uv_buf_init(b.data(), 25)};
    REQUIRE(uv_write(&w1, as_stream(&writer), bufs1, 3, WriteLog::cb) == 0);
    uv_buf_t buf2 = uv_buf_init(d.data(), 1000);
    REQUIRE(uv_write(&w2, as_stream(&writer), &buf2, 1, WriteLog::cb) == 0);
    CHECK(writer.write_queue_size == 1035 - 7);  // the first 7 bytes went out at once
    REQUIRE(uv_read_start(as_stream(&reader), Collector::alloc, Collector::read) == 0);
    uv_shutdown_t sreq;
    REQUIRE(uv_shutdown(&sreq, as_stream(&writer), nullptr) == 0);
    uv_run(loop, UV_RUN_DEFAULT);
    CHECK(fault::fired(Call::writev) >= 1035 / 7);
  }
  CHECK(log.order == std::vector<int>{1, 2});
  CHECK(log.status == std::vector<int>{0, 0});
  CHECK(c.bytes == expected);
  CHECK(c.eof_count == 1);
}

TEST_CASE("write: a writer whose peer is gone gets UV_EPIPE in the callback, never synchronously", "[stream][write]") {
  uv_pipe_t writer, reader;
  TestLoop loop;
  open_pair(loop, &writer, &reader);
  uv_close(as_handle(&reader), nullptr);
  uv_run(loop, UV_RUN_DEFAULT);

  WriteLog log;
  writer.data = &log;
  char msg[] = "hello?";
  uv_buf_t buf = uv_buf_init(msg, 6);
  uv_write_t w1, w2;
  w1.data = reinterpret_cast<void*>(1);
  w2.data = reinterpret_cast<void*>(2);
  REQUIRE(uv_write(&w1, as_stream(&writer), &buf, 1, WriteLog::cb) == 0);
  REQUIRE(uv_write(&w2, as_stream(&writer), &buf, 1, WriteLog::cb) == 0);
  CHECK(log.order.empty());
  CHECK(writer.write_queue_size == 12);  // a failed write still counts until its callback
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(log.order == std::vector<int>{1, 2});
  CHECK(log.status == std::vector<int>{UV_EPIPE, UV_EPIPE});
  CHECK(writer.write_queue_size == 0);
  CHECK(uv_try_write(as_stream(&writer), &buf, 1) == UV_EPIPE);
}

TEST_CASE("write: uv_try_write writes what fits now and never queues", "[stream][write]") {
  uv_pipe_t writer, reader;
  TestLoop loop;
  open_pair(loop, &writer, &reader);

  std::vector<char> big(8 * 1024 * 1024, 'x');
  uv_buf_t buf = uv_buf_init(big.data(), static_cast<unsigned>(big.size()));
  int n = uv_try_write(as_stream(&writer), &buf, 1);
  CHECK(n > 0);
  CHECK(static_cast<std::size_t>(n) < big.size());  // the socket buffer is smaller
  CHECK(uv_try_write(as_stream(&writer), &buf, 1) == UV_EAGAIN);  // full now
  CHECK(writer.write_queue_size == 0);

  uv_write_t w;
  REQUIRE(uv_write(&w, as_stream(&writer), &buf, 1, nullptr) == 0);  // queued: waits for room
  char one = '1';
  uv_buf_t small = uv_buf_init(&one, 1);
  CHECK(uv_try_write(as_stream(&writer), &small, 1) == UV_EAGAIN);  // would overtake the queue
  uv_close(as_handle(&writer), nullptr);  // cancels the queued write
  uv_run(loop, UV_RUN_DEFAULT);
}

TEST_CASE("write: argument and state errors of uv_write, uv_write2, uvref_write2_fd", "[stream][write]") {
  uv_pipe_t a, b, unopened, ipc_a, ipc_b;
  TestLoop loop;
  open_pair(loop, &a, &b);
  REQUIRE(uv_pipe_init(loop, &unopened, 0) == 0);
  uv_os_sock_t fds[2];
  REQUIRE(uv_socketpair(SOCK_STREAM, 0, fds, UV_NONBLOCK_PIPE, UV_NONBLOCK_PIPE) == 0);
  REQUIRE(uv_pipe_init(loop, &ipc_a, 1) == 0);
  REQUIRE(uv_pipe_init(loop, &ipc_b, 1) == 0);
  REQUIRE(uv_pipe_open(&ipc_a, fds[0]) == 0);
  REQUIRE(uv_pipe_open(&ipc_b, fds[1]) == 0);

  char byte = 'x';
  uv_buf_t buf = uv_buf_init(&byte, 1);
  uv_buf_t empty = uv_buf_init(nullptr, 0);
  uv_write_t w;

  CHECK(uv_write(&w, as_stream(&unopened), &buf, 1, nullptr) == UV_EBADF);
  CHECK(uv_write(&w, as_stream(&a), &buf, 0, nullptr) == UV_EINVAL);
  CHECK(uv_write(&w, as_stream(&a), nullptr, 1, nullptr) == UV_EINVAL);
  // A descriptor only travels over an IPC pipe (libuv: UV_EINVAL too).
  CHECK(uv_write2(&w, as_stream(&a), &buf, 1, as_stream(&b), nullptr) == UV_EINVAL);
  CHECK(uvref_write2_fd(&w, as_stream(&a), &buf, 1, 0, nullptr) == UV_EINVAL);
  // No bytes to carry the descriptor: libuv 1.44.2 reports success and loses it; uvref refuses.
  CHECK(uv_write2(&w, as_stream(&ipc_a), &empty, 1, as_stream(&b), nullptr) == UV_EINVAL);
  CHECK(uvref_write2_fd(&w, as_stream(&ipc_a), &empty, 1, 0, nullptr) == UV_EINVAL);
  // The handle to send must have a descriptor.
  CHECK(uv_write2(&w, as_stream(&ipc_a), &buf, 1, as_stream(&unopened), nullptr) == UV_EBADF);
  CHECK(uvref_write2_fd(&w, as_stream(&ipc_a), &buf, 1, -1, nullptr) == UV_EBADF);
  CHECK(loop.get()->active_reqs.count == 0);  // no failed call left a request counted

  // A read-only pipe end is not writable.
  uv_pipe_t rd, wr;
  uv_file pfds[2];
  REQUIRE(uv_pipe(pfds, UV_NONBLOCK_PIPE, UV_NONBLOCK_PIPE) == 0);
  REQUIRE(uv_pipe_init(loop, &rd, 0) == 0);
  REQUIRE(uv_pipe_init(loop, &wr, 0) == 0);
  REQUIRE(uv_pipe_open(&rd, pfds[0]) == 0);
  REQUIRE(uv_pipe_open(&wr, pfds[1]) == 0);
  CHECK(uv_write(&w, as_stream(&rd), &buf, 1, nullptr) == UV_EPIPE);
  CHECK(uv_try_write(as_stream(&rd), &buf, 1) == UV_EPIPE);
  uv_close(as_handle(&rd), nullptr);
  uv_close(as_handle(&wr), nullptr);
  uv_run(loop, UV_RUN_DEFAULT);
}

TEST_CASE("write: uv_close cancels queued writes (UV_ECANCELED, in order) before close_cb", "[stream][write]") {
  uv_pipe_t writer, reader;
  TestLoop loop;
  open_pair(loop, &writer, &reader);

  struct Log {
    std::vector<std::string> events;
  } log;
  writer.data = &log;
  std::vector<char> big(4 * 1024 * 1024, 'y');
  uv_write_t reqs[3];
  for (int i = 0; i < 3; ++i) {
    reqs[i].data = reinterpret_cast<void*>(static_cast<intptr_t>(i));
    uv_buf_t buf = uv_buf_init(big.data(), static_cast<unsigned>(big.size()));
    REQUIRE(uv_write(&reqs[i], as_stream(&writer), &buf, 1, [](uv_write_t* r, int status) {
              auto* l = static_cast<Log*>(r->handle->data);
              l->events.push_back("write" + std::to_string(reinterpret_cast<intptr_t>(r->data)) + ":" +
                                  uv_err_name(status));
            }) == 0);
  }
  uv_shutdown_t sreq;
  sreq.data = &log;
  REQUIRE(uv_shutdown(&sreq, as_stream(&writer), [](uv_shutdown_t* r, int status) {
            static_cast<Log*>(r->data)->events.push_back(std::string("shutdown:") + uv_err_name(status));
          }) == 0);
  uv_close(as_handle(&writer), [](uv_handle_t* h) { static_cast<Log*>(h->data)->events.push_back("close"); });
  CHECK(log.events.empty());
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(log.events == std::vector<std::string>{"write0:ECANCELED", "write1:ECANCELED", "write2:ECANCELED",
                                               "shutdown:ECANCELED", "close"});
  CHECK(loop.get()->active_reqs.count == 0);
}

TEST_CASE("shutdown: half-close after the queued writes; the peer reads everything, then EOF", "[stream][shutdown]") {
  uv_pipe_t writer, reader;
  TestLoop loop;
  open_pair(loop, &writer, &reader);

  auto data = pattern(11, 300 * 1024);
  uv_write_t w;
  uv_buf_t buf = uv_buf_init(data.data(), static_cast<unsigned>(data.size()));
  REQUIRE(uv_write(&w, as_stream(&writer), &buf, 1, nullptr) == 0);

  struct State {
    int status = 1;
  } st;
  uv_shutdown_t sreq;
  sreq.data = &st;
  REQUIRE(uv_shutdown(&sreq, as_stream(&writer), [](uv_shutdown_t* r, int status) {
            static_cast<State*>(r->data)->status = status;
          }) == 0);
  CHECK(st.status == 1);  // not called from inside uv_shutdown
  CHECK(uv_is_writable(as_stream(&writer)) == 0);
  uv_shutdown_t again;
  CHECK(uv_shutdown(&again, as_stream(&writer), nullptr) == UV_ENOTCONN);
  CHECK(uv_write(&w, as_stream(&writer), &buf, 1, nullptr) == UV_EPIPE);

  Collector c;
  reader.data = &c;
  REQUIRE(uv_read_start(as_stream(&reader), Collector::alloc, Collector::read) == 0);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(st.status == 0);
  CHECK(c.bytes == data);
  CHECK(c.eof_count == 1);

  // The other direction still works after the half-close.
  Collector back;
  writer.data = &back;
  REQUIRE(uv_read_start(as_stream(&writer), Collector::alloc, Collector::read) == 0);
  char reply[] = "still here";
  uv_buf_t rbuf = uv_buf_init(reply, 10);
  uv_write_t rw;
  REQUIRE(uv_write(&rw, as_stream(&reader), &rbuf, 1, [](uv_write_t* r, int) {
            uv_close(reinterpret_cast<uv_handle_t*>(r->handle), nullptr);
          }) == 0);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(std::string(back.bytes.begin(), back.bytes.end()) == "still here");
  CHECK(back.eof_count == 1);

  uv_pipe_t unopened;
  REQUIRE(uv_pipe_init(loop, &unopened, 0) == 0);
  CHECK(uv_shutdown(&again, as_stream(&unopened), nullptr) == UV_ENOTCONN);
}

TEST_CASE("uv_stream_set_blocking toggles O_NONBLOCK; UV_EBADF without a descriptor", "[stream][write]") {
  uv_pipe_t a, b, unopened;
  TestLoop loop;
  open_pair(loop, &a, &b);
  REQUIRE(uv_pipe_init(loop, &unopened, 0) == 0);
  int fd = a.io_watcher.fd;
  CHECK((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
  REQUIRE(uv_stream_set_blocking(as_stream(&a), 1) == 0);
  CHECK((fcntl(fd, F_GETFL) & O_NONBLOCK) == 0);

  // A blocking write completes inside the writev() call.
  auto data = pattern(12, 1000);
  uv_buf_t buf = uv_buf_init(data.data(), 1000);
  uv_write_t w;
  REQUIRE(uv_write(&w, as_stream(&a), &buf, 1, nullptr) == 0);
  CHECK(a.write_queue_size == 0);

  REQUIRE(uv_stream_set_blocking(as_stream(&a), 0) == 0);
  CHECK((fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
  CHECK(uv_stream_set_blocking(as_stream(&unopened), 1) == UV_EBADF);
  uv_run(loop, UV_RUN_DEFAULT);
}
