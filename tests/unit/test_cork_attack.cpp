// The cork (src/stream/write_cork.cpp) under the cases that broke it: more
// held writes than one wake-up writes (32 requests) followed by uv_close() or
// uv_try_write() in the same callback, and a uv_write2() sending a handle of
// another loop. libuv's answers (all sent, status 0, uv_try_write writes) are
// measured by diff.write2_callbacks_held; these tests pin them in uvref alone.
#include <fcntl.h>

#include <string>
#include <vector>

#include "test_fdpass_support.h"

using namespace uvref::test;
using namespace uvref::test::fdpass;

namespace {

constexpr int kMany = 70;  // more than one batch (60 descriptors) and one wake-up (32 requests)

/** An IPC channel, its raw peer, one pipe handle to send, and what the callbacks saw. */
struct Held {
  uv_pipe_t channel;
  Fd peer;
  uv_pipe_t carried;
  uv_write_t reqs[kMany + 1];
  char byte = 'x';
  std::vector<int> statuses;
  void (*in_callback)(Held*) = nullptr;  // run by the first callback
  TestLoop loop;                         // last: closes the handles while the rest still lives

  Held() {
    peer = open_ipc_receiver(loop, &channel);  // the channel sends here; "receiver" is that helper's name
    REQUIRE(::fcntl(peer, F_SETFL, O_NONBLOCK) == 0);
    channel.data = this;
    int ends[2];
    REQUIRE(::pipe2(ends, O_CLOEXEC) == 0);
    ::close(ends[1]);
    REQUIRE(uv_pipe_init(loop, &carried, 0) == 0);
    REQUIRE(uv_pipe_open(&carried, ends[0]) == 0);
  }

  static void on_written(uv_write_t* req, int status) {
    auto* self = static_cast<Held*>(req->handle->data);
    self->statuses.push_back(status);
    if (self->in_callback != nullptr) std::exchange(self->in_callback, nullptr)(self);
  }

  int write2(int i, uv_stream_t* send_handle) {
    uv_buf_t buf = uv_buf_init(&byte, 1);
    return uv_write2(&reqs[i], as_stream(&channel), &buf, 1, send_handle, on_written);
  }

  int write(int i) {
    uv_buf_t buf = uv_buf_init(&byte, 1);
    return uv_write(&reqs[i], as_stream(&channel), &buf, 1, on_written);
  }

  /** Runs the loop until @p n callbacks have run. */
  void run_until(std::size_t n) {
    while (statuses.size() < n) uv_run(loop, UV_RUN_ONCE);
  }

  /** Bytes and descriptors waiting at the peer: {bytes, descriptors}. */
  std::vector<std::size_t> at_peer() {
    std::size_t bytes = 0, fds = 0;
    for (Received r = recv_fds(peer, 256); r.n > 0; r = recv_fds(peer, 256)) {
      bytes += r.data.size();
      fds += r.fds.size();
    }
    return {bytes, fds};
  }
};

}  // namespace

TEST_CASE("write cork: 70 uv_write2s held in one callback all go before uv_close of the channel",
          "[stream][write][cork][fdpass]") {
  Held h;
  REQUIRE(h.write2(kMany, as_stream(&h.carried)) == 0);
  h.in_callback = [](Held* self) {
    for (int i = 0; i < kMany; i++) REQUIRE(self->write2(i, as_stream(&self->carried)) == 0);
    uv_close(as_handle(&self->channel), nullptr);  // libuv had written all 70 already
  };
  h.run_until(kMany + 1);
  CHECK(h.statuses == std::vector<int>(kMany + 1, 0));  // none UV_ECANCELED
  CHECK(h.at_peer() == std::vector<std::size_t>{kMany + 1, kMany + 1});
}

TEST_CASE("write cork: uv_try_write after a uv_write2 and 40 uv_writes held in one callback writes",
          "[stream][write][cork][fdpass]") {
  Held h;
  static int tried;
  REQUIRE(h.write2(kMany, as_stream(&h.carried)) == 0);
  h.in_callback = [](Held* self) {
    REQUIRE(self->write2(0, as_stream(&self->carried)) == 0);
    for (int i = 1; i <= 40; i++) REQUIRE(self->write(i) == 0);  // held behind it, to keep the order
    uv_buf_t buf = uv_buf_init(&self->byte, 1);
    tried = uv_try_write(as_stream(&self->channel), &buf, 1);  // libuv: the queue is empty, 1 byte goes
  };
  h.run_until(42);
  CHECK(tried == 1);
  CHECK(h.statuses == std::vector<int>(42, 0));
  CHECK(h.at_peer() == std::vector<std::size_t>{43, 2});
}

TEST_CASE("write cork: a handle of another loop is sent at once, after what was held, and may be freed",
          "[stream][write][cork][fdpass]") {
  Held h;
  static TestLoop* second;
  TestLoop second_loop;
  second = &second_loop;
  REQUIRE(h.write2(kMany, as_stream(&h.carried)) == 0);
  REQUIRE(h.write2(kMany - 1, as_stream(&h.carried)) == 0);
  h.in_callback = [](Held* self) {
    int ends[2];
    REQUIRE(::pipe2(ends, O_CLOEXEC) == 0);
    ::close(ends[1]);
    auto* foreign = new uv_pipe_t;
    REQUIRE(uv_pipe_init(*second, foreign, 0) == 0);
    REQUIRE(uv_pipe_open(foreign, ends[0]) == 0);
    self->at_peer();  // the two written before the loop ran
    REQUIRE(self->write2(0, as_stream(&self->carried)) == 0);  // held
    REQUIRE(self->write2(1, as_stream(foreign)) == 0);         // not held: uv_close() below could not find it
    CHECK(self->at_peer() == std::vector<std::size_t>{2, 2});  // both went, in this call
    // The next callback of this pass would see it closed and freed; closing it here is the same test.
    uv_close(as_handle(foreign), [](uv_handle_t* p) { delete reinterpret_cast<uv_pipe_t*>(p); });
    uv_run(*second, UV_RUN_DEFAULT);
  };
  h.run_until(4);
  CHECK(h.statuses == std::vector<int>(4, 0));  // not UV_EBADF
}
