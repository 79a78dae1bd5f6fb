// Checks of the exercise walkthroughs/exercises/read-loop (tag [ex:read-loop]):
// the read loop of src/stream/stream_read.cpp. End of stream only on
// read() == 0, a short read is not an end, EAGAIN hands the buffer back,
// at most 32 reads per wake-up, no buffer means UV_ENOBUFS, and a hard error
// stops reading. Short transfers and errors come from the seam's fault injection.
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "support/test_support.h"
#include "sys/fault.h"
#include "test_stream_helpers.h"

using uvref::sys::Call;
using uvref::sys::fault::ScopedFault;
using uvref::test::as_handle;
using uvref::test::as_stream;
using uvref::test::Collector;
using uvref::test::TestLoop;

namespace {

/** A uv_pipe_t on one end of a socketpair; the test writes into the other end, `peer`. */
struct Reader {
  uv_pipe_t pipe;
  Collector got;
  int peer = -1;
  void open(uv_loop_t* loop) {
    int fds[2];
    REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) == 0);
    peer = fds[1];
    REQUIRE(uv_pipe_init(loop, &pipe, 0) == 0);
    REQUIRE(uv_pipe_open(&pipe, fds[0]) == 0);
    pipe.data = &got;
  }
  void send(const char* text) { REQUIRE(write(peer, text, std::strlen(text)) == static_cast<ssize_t>(std::strlen(text))); }
  void hang_up() {
    if (peer != -1) close(peer);
    peer = -1;
  }
  ~Reader() { hang_up(); }
  std::string text() const { return std::string(got.bytes.begin(), got.bytes.end()); }
};

void run_nowait(uv_loop_t* loop, int times) {
  for (int i = 0; i < times; ++i) uv_run(loop, UV_RUN_NOWAIT);
}

}  // namespace

TEST_CASE("read loop: all the bytes, then UV_EOF once, when read() returns 0", "[ex:read-loop]") {
  Reader r;
  TestLoop loop;
  r.open(loop);
  r.got.close_on_eof = true;
  r.send("hello, world");
  r.hang_up();
  REQUIRE(uv_read_start(as_stream(&r.pipe), Collector::alloc, Collector::read) == 0);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(r.text() == "hello, world");
  CHECK(r.got.eof_count == 1);
  CHECK(r.got.error == 0);
}

TEST_CASE("read loop: a short read is not the end of the stream", "[ex:read-loop]") {
  Reader r;
  TestLoop loop;
  r.open(loop);
  r.send("twenty bytes, really");
  REQUIRE(uv_read_start(as_stream(&r.pipe), Collector::alloc, Collector::read) == 0);
  {
    ScopedFault short_reads{{.call = Call::read, .max_len = 3, .times = 0}};  // 3 bytes per read()
    run_nowait(loop, 40);
    CHECK(uvref::sys::fault::fired(Call::read) > 1);
  }
  CHECK(r.text() == "twenty bytes, really");
  CHECK(r.got.eof_count == 0);  // the peer is still there
  CHECK(r.got.error == 0);

  r.got.close_on_eof = true;
  r.hang_up();
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(r.got.eof_count == 1);
}

TEST_CASE("read loop: EAGAIN hands the buffer back with nread 0, reading goes on", "[ex:read-loop]") {
  Reader r;
  TestLoop loop;
  r.open(loop);
  r.send("later");
  REQUIRE(uv_read_start(as_stream(&r.pipe), Collector::alloc, Collector::read) == 0);
  {
    ScopedFault spurious{{.call = Call::read, .error = EAGAIN}};  // the first read finds nothing
    run_nowait(loop, 1);
    CHECK(uvref::sys::fault::fired(Call::read) == 1);
  }
  CHECK(r.got.zero_reads >= 1);
  CHECK(r.got.error == 0);
  run_nowait(loop, 2);
  CHECK(r.text() == "later");
  CHECK(r.got.eof_count == 0);
}

TEST_CASE("read loop: at most 32 reads per wake-up", "[ex:read-loop]") {
  Reader r;
  TestLoop loop;
  r.open(loop);
  r.got.chunk = 1;  // one byte per read()
  r.send(std::string(100, 'x').c_str());
  REQUIRE(uv_read_start(as_stream(&r.pipe), Collector::alloc, Collector::read) == 0);
  run_nowait(loop, 1);
  CHECK(r.got.bytes.size() == 32u);  // the budget: other streams get their turn
  run_nowait(loop, 4);
  CHECK(r.got.bytes.size() == 100u);
  CHECK(r.got.eof_count == 0);
}

namespace {
void no_buffer(uv_handle_t*, size_t, uv_buf_t* buf) { *buf = uv_buf_init(nullptr, 0); }
void close_on_error(uv_stream_t* s, ssize_t nread, const uv_buf_t*) {
  auto* c = static_cast<Collector*>(s->data);
  if (nread < 0 && c->error == 0) c->error = static_cast<int>(nread);
  if (nread < 0 && !uv_is_closing(as_handle(s))) uv_close(as_handle(s), nullptr);
}
}  // namespace

TEST_CASE("read loop: no buffer from alloc_cb is UV_ENOBUFS", "[ex:read-loop]") {
  Reader r;
  TestLoop loop;
  r.open(loop);
  r.send("data");
  REQUIRE(uv_read_start(as_stream(&r.pipe), no_buffer, close_on_error) == 0);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(r.got.error == UV_ENOBUFS);
}

TEST_CASE("read loop: a hard error is reported once and reading stops", "[ex:read-loop]") {
  Reader r;
  TestLoop loop;
  r.open(loop);
  r.send("data");
  REQUIRE(uv_read_start(as_stream(&r.pipe), Collector::alloc, Collector::read) == 0);
  {
    ScopedFault reset{{.call = Call::read, .error = ECONNRESET}};
    run_nowait(loop, 3);
  }
  CHECK(r.got.error == UV_ECONNRESET);
  CHECK(r.got.bytes.empty());
  CHECK_FALSE(uv_is_readable(as_stream(&r.pipe)));
  CHECK_FALSE(uv_is_active(as_handle(&r.pipe)));  // no longer reading: the loop may end
}
