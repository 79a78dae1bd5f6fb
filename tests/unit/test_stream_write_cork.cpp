// uv_write2()s from write callbacks held until the callbacks are done
// (src/stream/write_cork.cpp): what the syscalls show. What a program sees
// is compared with Debian's libuv by diff.write2_callbacks; these tests count
// sendmsg() calls through the seam and read the peer raw with recvmsg(), so
// the message boundaries the kernel kept are visible.
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

constexpr int kCarried = 4;

/** A uvref IPC channel, its raw non-blocking peer, and pipe handles to send. */
struct Cork {
  uv_pipe_t channel;
  Fd peer;
  uv_pipe_t carried[kCarried];
  uv_write_t reqs[16];
  std::string letters = "abcdefghijklmnop";
  std::vector<std::pair<char, int>> calls;  // (letter, status), in callback order
  int started = 0;
  int total = 0;                          // each callback starts the next until this many
  void (*in_callback)(Cork*) = nullptr;  // or does this, once
  TestLoop loop;                          // last: closes the handles while the rest still lives

  Cork() {
    auto [mine, theirs] = socket_pair();
    REQUIRE(uv_pipe_init(loop, &channel, 1) == 0);
    REQUIRE(uv_pipe_open(&channel, mine.release()) == 0);
    REQUIRE(::fcntl(theirs, F_SETFL, O_NONBLOCK) == 0);
    peer = std::move(theirs);
    channel.data = this;
    for (auto& c : carried) {
      int ends[2];
      REQUIRE(::pipe2(ends, O_CLOEXEC) == 0);
      ::close(ends[1]);
      REQUIRE(uv_pipe_init(loop, &c, 0) == 0);
      REQUIRE(uv_pipe_open(&c, ends[0]) == 0);
    }
  }

  static void on_written(uv_write_t* req, int status) {
    auto* self = static_cast<Cork*>(req->handle->data);
    self->calls.emplace_back(*static_cast<char*>(req->data), status);
    if (self->in_callback != nullptr) std::exchange(self->in_callback, nullptr)(self);
    if (self->started < self->total) self->write2();
  }

  /** uv_write2() of the next letter with the next carried pipe. */
  void write2() {
    int i = started++;
    uv_buf_t buf = uv_buf_init(&letters[i], 1);
    reqs[i].data = &letters[i];
    REQUIRE(uv_write2(&reqs[i], as_stream(&channel), &buf, 1, as_stream(&carried[i % kCarried]), on_written) == 0);
  }

  /** Every message waiting at the peer, as each recvmsg() returned it. */
  std::vector<Received> messages() {
    std::vector<Received> got;
    for (Received r = recv_fds(peer, 256); r.n > 0; r = recv_fds(peer, 256)) got.push_back(std::move(r));
    return got;
  }

  /** True if @p fd is the read end carried[i] holds. */
  bool is_carried(int fd, int i) { return same_file(fd, carried[i].io_watcher.fd); }
};

}  // namespace

TEST_CASE("write cork: uv_write2s started from write callbacks go in one sendmsg, in order",
          "[stream][write][cork][fdpass]") {
  Cork c;
  c.total = 8;
  fault::ScopedFault count({.call = Call::sendmsg, .times = 0});  // counts, fails nothing
  for (int i = 0; i < 4; i++) c.write2();  // outside any callback: each written at once
  CHECK(fault::fired(Call::sendmsg) == 4);

  uv_run(c.loop, UV_RUN_NOWAIT);  // one pass: four callbacks, each starts one write
  CHECK(fault::fired(Call::sendmsg) == 5);
  CHECK(uv_stream_get_write_queue_size(as_stream(&c.channel)) == 0);  // all four went
  while (c.calls.size() < 8) uv_run(c.loop, UV_RUN_NOWAIT);
  CHECK(c.calls == std::vector<std::pair<char, int>>{{'a', 0}, {'b', 0}, {'c', 0}, {'d', 0},
                                                      {'e', 0}, {'f', 0}, {'g', 0}, {'h', 0}});

  auto got = c.messages();
  REQUIRE(got.size() == 5);  // a, b, c, d alone; e-h together
  CHECK(got[4].data == "efgh");
  REQUIRE(got[4].fds.size() == 4);
  for (int i = 0; i < 4; i++) CHECK(c.is_carried(got[4].fds[i], i));
}

TEST_CASE("write cork: held writes that find the socket full wait for POLLOUT and lose nothing",
          "[stream][write][cork][fdpass]") {
  Cork c;
  c.write2();
  c.in_callback = [](Cork* self) {
    self->write2();
    self->write2();
    self->write2();
  };
  {
    fault::ScopedFault full({.call = Call::sendmsg, .error = EAGAIN, .times = 0});  // b-d find the socket full
    uv_run(c.loop, UV_RUN_NOWAIT);
    CHECK(fault::fired(Call::sendmsg) >= 1);
    CHECK(uv_stream_get_write_queue_size(as_stream(&c.channel)) == 3);  // all three wait
  }
  while (c.calls.size() < 4) uv_run(c.loop, UV_RUN_NOWAIT);  // POLLOUT: room again
  CHECK(c.calls == std::vector<std::pair<char, int>>{{'a', 0}, {'b', 0}, {'c', 0}, {'d', 0}});
  auto got = c.messages();
  REQUIRE(got.size() == 2);  // a; then b-d together, as held
  CHECK(got[1].data == "bcd");
  REQUIRE(got[1].fds.size() == 3);
  for (int i = 0; i < 3; i++) CHECK(c.is_carried(got[1].fds[i], i + 1));
}

TEST_CASE("write cork: uv_close of the handle a callback just sent sends it first",
          "[stream][write][cork][fdpass]") {
  Cork c;
  c.write2();
  c.in_callback = [](Cork* self) {
    self->write2();  // held: carries carried[1]
    int before = static_cast<int>(fault::fired(Call::sendmsg));
    uv_close(as_handle(&self->carried[1]), nullptr);
    CHECK(static_cast<int>(fault::fired(Call::sendmsg)) == before + 1);  // sent inside uv_close, before its fd closed
  };
  fault::ScopedFault count({.call = Call::sendmsg, .times = 0});
  while (c.calls.size() < 2) uv_run(c.loop, UV_RUN_NOWAIT);
  CHECK(c.calls == std::vector<std::pair<char, int>>{{'a', 0}, {'b', 0}});
  auto got = c.messages();
  REQUIRE(got.size() == 2);
  REQUIRE(got[1].fds.size() == 1);
  struct stat st;
  CHECK(::fstat(got[1].fds[0], &st) == 0);
  CHECK(S_ISFIFO(st.st_mode));  // the pipe itself: the handle's descriptor was still open when it went
}

TEST_CASE("write cork: uvref_write2_fd and writes to another stream go at once",
          "[stream][write][cork][fdpass]") {
  Cork c;
  static Fd raw;
  static Cork* other;
  Cork second;  // shares nothing with c but the test
  raw = Fd(::eventfd(0, EFD_CLOEXEC));
  other = &second;
  c.write2();
  c.in_callback = [](Cork* self) {
    static uv_write_t req;
    CHECK(recv_fds(self->peer).data == "a");
    uv_buf_t x = uv_buf_init(self->letters.data() + 9, 1);
    req.data = self->letters.data() + 9;
    REQUIRE(uvref_write2_fd(&req, as_stream(&self->channel), &x, 1, raw, Cork::on_written) == 0);
    CHECK(recv_fds(self->peer).data == "j");  // not held: its descriptor may be closed by the program at any time
    other->write2();
    CHECK(recv_fds(other->peer).data == "a");  // another stream: written at once, as libuv
  };
  while (c.calls.size() < 2) uv_run(c.loop, UV_RUN_NOWAIT);
  while (second.calls.empty()) uv_run(second.loop, UV_RUN_NOWAIT);
  raw.reset();
}
