// Queued uv_write2 requests sent together (src/stream/write_batch.cpp): one
// sendmsg() for the head and the descriptor-carrying requests behind it, up to
// 60 descriptors, with each request's callback, order and error as when they
// went one by one. The sender is a uvref IPC pipe; the peer is a raw socket
// read with recvmsg(), so the message boundaries the kernel kept are visible.
#include <fcntl.h>
#include <sys/eventfd.h>

#include <string>
#include <vector>

#include "test_fdpass_support.h"

using namespace uvref::test;
using namespace uvref::test::fdpass;
using uvref::sys::Call;
namespace fault = uvref::sys::fault;

namespace {

/** Callbacks in the order they ran: (request index, status). */
struct Log {
  std::vector<std::pair<int, int>> calls;
};

struct Req {
  uv_write_t req;
  int index;
  Log* log;
  std::string bytes;
};

void on_written(uv_write_t* w, int status) {
  auto* r = reinterpret_cast<Req*>(w);
  r->log->calls.emplace_back(r->index, status);
}

/** A uvref IPC pipe on one end of a socket pair, and the other end raw and non-blocking. */
struct Channel {
  uv_pipe_t sender;
  Fd peer;
  explicit Channel(uv_loop_t* loop) {
    auto [mine, theirs] = socket_pair();
    REQUIRE(uv_pipe_init(loop, &sender, 1) == 0);
    REQUIRE(uv_pipe_open(&sender, mine.release()) == 0);
    REQUIRE(::fcntl(theirs, F_SETFL, O_NONBLOCK) == 0);
    peer = std::move(theirs);
  }
};

/**
 * Submits one uvref_write2_fd per entry of @p fds (bytes[i], descriptor
 * fds[i]) while the first sendmsg() answers EAGAIN, as when the socket buffer
 * is full: the first request waits for POLLOUT and the others queue behind it.
 */
void submit_queued(Channel& ch, std::vector<Req>& reqs, const std::vector<int>& fds) {
  fault::ScopedFault full({.call = Call::sendmsg, .error = EAGAIN});
  for (std::size_t i = 0; i < reqs.size(); i++) {
    uv_buf_t buf = uv_buf_init(reqs[i].bytes.data(), static_cast<unsigned>(reqs[i].bytes.size()));
    REQUIRE(uvref_write2_fd(&reqs[i].req, as_stream(&ch.sender), &buf, 1, fds[i], on_written) == 0);
  }
  REQUIRE(fault::fired(Call::sendmsg) == 1);  // only the first tried; the rest queued behind it
}

std::vector<Req> make_reqs(Log* log, int n, std::size_t size) {
  std::vector<Req> reqs(static_cast<std::size_t>(n));
  for (int i = 0; i < n; i++) {
    reqs[i].index = i;
    reqs[i].log = log;
    reqs[i].bytes = std::string(size, static_cast<char>('a' + i % 26));
  }
  return reqs;
}

std::vector<int> eventfds(int n) {
  std::vector<int> v;
  for (int i = 0; i < n; i++) v.push_back(::eventfd(0, EFD_CLOEXEC));
  return v;
}

/** Every message waiting at @p peer, each as one recvmsg() returned it. */
std::vector<Received> drain(int peer, std::size_t max_bytes = 1 << 20) {
  std::vector<Received> got;
  for (Received r = recv_fds(peer, max_bytes); r.n > 0; r = recv_fds(peer, max_bytes)) got.push_back(std::move(r));
  return got;
}

std::vector<std::pair<int, int>> in_order(int n, int status = 0) {
  std::vector<std::pair<int, int>> v;
  for (int i = 0; i < n; i++) v.emplace_back(i, status);
  return v;
}

/** One test: @p n requests of @p size bytes, a descriptor each (fds), a sender and its peer. */
struct Batch {
  Log log;
  std::vector<Req> reqs;
  std::vector<int> fds;  // closed at the end
  TestLoop loop;         // after the requests: destroyed before them
  Channel ch{loop};
  Batch(int n, std::size_t size, std::vector<int> descriptors)
      : reqs(make_reqs(&log, n, size)), fds(std::move(descriptors)) {}
  ~Batch() {
    close_all(fds);
    uv_close(as_handle(&ch.sender), nullptr);
    uv_run(loop, UV_RUN_DEFAULT);
  }
  /** Runs the loop without blocking until @p n callbacks have run (at most @p rounds turns). */
  void run_until(std::size_t n, int rounds = 10) {
    for (int i = 0; i < rounds && log.calls.size() < n; i++) uv_run(loop, UV_RUN_NOWAIT);
  }
};

}  // namespace

TEST_CASE("write batch: queued uv_write2s go in one sendmsg, in order, each callback once",
          "[stream][write][batch][fdpass]") {
  Batch b(5, 1, eventfds(5));
  submit_queued(b.ch, b.reqs, b.fds);
  CHECK(b.log.calls.empty());

  fault::ScopedFault count({.call = Call::sendmsg, .times = 0});  // counts, fails nothing
  b.run_until(5);  // POLLOUT: room again
  CHECK(fault::fired(Call::sendmsg) == 1);
  CHECK(b.log.calls == in_order(5));
  CHECK(uv_stream_get_write_queue_size(as_stream(&b.ch.sender)) == 0);

  auto got = drain(b.ch.peer);
  REQUIRE(got.size() == 1);  // one message: five bytes, five descriptors
  CHECK(got[0].data == "abcde");
  REQUIRE(got[0].fds.size() == 5);
  for (int i = 0; i < 5; i++) CHECK(same_file(got[0].fds[i], b.fds[i]));  // in request order
}

TEST_CASE("write batch: a plain uv_write or a closed handle to send ends the batch",
          "[stream][write][batch][fdpass]") {
  uv_pipe_t closing;  // before the loop: closed while the loop lives
  Batch b(5, 1, eventfds(5));
  auto& reqs = b.reqs;
  auto& fds = b.fds;
  auto& ch = b.ch;
  auto& loop = b.loop;
  {
    fault::ScopedFault full({.call = Call::sendmsg, .error = EAGAIN});
    for (int i = 0; i < 5; i++) {
      uv_buf_t buf = uv_buf_init(reqs[i].bytes.data(), 1);
      uv_stream_t* s = as_stream(&ch.sender);
      if (i == 2) {
        REQUIRE(uv_write(&reqs[i].req, s, &buf, 1, on_written) == 0);  // no descriptor
      } else if (i == 3) {
        REQUIRE(uv_pipe_init(loop, &closing, 0) == 0);
        REQUIRE(uv_pipe_open(&closing, fds[3]) == 0);
        REQUIRE(uv_write2(&reqs[i].req, s, &buf, 1, as_stream(&closing), on_written) == 0);
      } else {
        REQUIRE(uvref_write2_fd(&reqs[i].req, s, &buf, 1, fds[i], on_written) == 0);
      }
    }
  }
  uv_close(as_handle(&closing), nullptr);  // while request 3 waits: it must fail alone, UV_EBADF

  fault::ScopedFault count({.call = Call::sendmsg, .times = 0});
  b.run_until(5);
  // a+b together; c by write(); d refused without a syscall; e alone.
  CHECK(fault::fired(Call::sendmsg) == 2);
  CHECK(b.log.calls == std::vector<std::pair<int, int>>{{0, 0}, {1, 0}, {2, 0}, {3, UV_EBADF}, {4, 0}});

  std::string bytes;
  std::vector<Fd> got;
  for (auto& r : drain(ch.peer)) {
    bytes += r.data;
    for (auto& fd : r.fds) got.push_back(std::move(fd));
  }
  CHECK(bytes == "abce");
  REQUIRE(got.size() == 3);
  CHECK(same_file(got[0], fds[0]));
  CHECK(same_file(got[1], fds[1]));
  CHECK(same_file(got[2], fds[4]));

  fds.erase(fds.begin() + 3);  // closed with its handle
}

TEST_CASE("write batch: a batch cut by a partial write sends each descriptor once, bytes in order",
          "[stream][write][batch][fdpass]") {
  constexpr int kReqs = 4;
  Batch b(kReqs, 256 * 1024, eventfds(kReqs));  // 1 MiB in all: more than the socket buffer takes
  std::string expected;
  for (auto& r : b.reqs) expected += r.bytes;
  submit_queued(b.ch, b.reqs, b.fds);

  fault::ScopedFault sends({.call = Call::sendmsg, .times = 0});
  fault::ScopedFault writes({.call = Call::write, .times = 0});
  std::string bytes;
  std::vector<Received> messages;
  auto take = [&] {
    for (auto& r : drain(b.ch.peer)) {
      bytes += r.data;
      messages.push_back(std::move(r));
    }
  };
  for (int i = 0; i < 1000 && b.log.calls.size() < kReqs; i++) {
    b.run_until(kReqs, 1);
    take();  // the peer reads: room for the rest
  }
  take();
  CHECK(fault::fired(Call::sendmsg) == 1);  // the batch, cut short by the kernel
  CHECK(fault::fired(Call::write) >= 1);    // the rest went without descriptors
  CHECK(b.log.calls == in_order(kReqs));
  CHECK(bytes == expected);
  REQUIRE(!messages.empty());
  REQUIRE(messages[0].fds.size() == kReqs);  // every descriptor rode on the first byte
  for (int i = 0; i < kReqs; i++) CHECK(same_file(messages[0].fds[i], b.fds[i]));
  for (std::size_t m = 1; m < messages.size(); m++) CHECK(messages[m].fds.empty());  // none sent twice
}

TEST_CASE("write batch: a refused batch is retried one by one; the error lands on its request",
          "[stream][write][batch][fdpass]") {
  Batch b(3, 1, eventfds(3));
  int closed = ::dup(b.fds[1]);
  ::close(closed);  // a number that names nothing: sendmsg() fails with EBADF
  std::vector<int> sent = {b.fds[0], closed, b.fds[2]};
  submit_queued(b.ch, b.reqs, sent);

  b.run_until(3);  // the request behind the failed one goes at a later pending pass
  CHECK(b.log.calls == std::vector<std::pair<int, int>>{{0, 0}, {1, UV_EBADF}, {2, 0}});

  auto got = drain(b.ch.peer);
  REQUIRE(got.size() == 2);  // a, then c: each alone, as without batching
  CHECK(got[0].data == "a");
  REQUIRE(got[0].fds.size() == 1);
  CHECK(same_file(got[0].fds[0], b.fds[0]));
  CHECK(got[1].data == "c");
  REQUIRE(got[1].fds.size() == 1);
  CHECK(same_file(got[1].fds[0], b.fds[2]));
}

TEST_CASE("write batch: the peer gone, the head fails with UV_EPIPE and the rest stay in order",
          "[stream][write][batch][fdpass]") {
  Batch b(3, 1, eventfds(3));
  submit_queued(b.ch, b.reqs, b.fds);
  b.ch.peer.reset();  // the reader is gone

  b.run_until(3);
  CHECK(b.log.calls == in_order(3, UV_EPIPE));
}

TEST_CASE("write batch: 130 queued descriptors go 60 per sendmsg, what any libuv receiver takes",
          "[stream][write][batch][fdpass]") {
  constexpr int kReqs = 130;
  Fd origin(::eventfd(0, EFD_CLOEXEC));
  Batch b(kReqs, 1, dups(origin, kReqs));
  submit_queued(b.ch, b.reqs, b.fds);

  fault::ScopedFault count({.call = Call::sendmsg, .times = 0});
  b.run_until(kReqs);
  CHECK(fault::fired(Call::sendmsg) == 3);
  CHECK(b.log.calls == in_order(kReqs));

  // The peer reads with room for 256: the sender, not the reader, cut the messages.
  auto got = drain(b.ch.peer, 4096);
  REQUIRE(got.size() == 3);
  const std::size_t sizes[] = {60, 60, 10};
  for (int m = 0; m < 3; m++) {
    CHECK(got[m].data.size() == sizes[m]);
    CHECK(got[m].fds.size() == sizes[m]);
    CHECK((got[m].flags & MSG_CTRUNC) == 0);
    for (auto& fd : got[m].fds) CHECK(same_file(fd, origin));
  }
}
