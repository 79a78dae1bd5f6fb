// Checks of the exercise walkthroughs/exercises/write-queue (tag [ex:write-queue]):
// draining the write queue of src/stream/write_queue.cpp under partial writes
// and EAGAIN, both forced through the seam's fault injection, with the bytes
// checked at the reader and the callbacks in submission order.
#include <cerrno>
#include <string>
#include <vector>

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

struct Writes {
  std::vector<int> statuses;  // in callback order
  std::vector<int> order;     // which request, in callback order
  bool inside_uv_write = false;
  bool called_inside = false;
};

struct Req {
  uv_write_t req;
  int id;
  Writes* w;
};

void on_write(uv_write_t* r, int status) {
  auto* req = reinterpret_cast<Req*>(r);
  req->w->statuses.push_back(status);
  req->w->order.push_back(req->id);
  req->w->called_inside = req->w->called_inside || req->w->inside_uv_write;
}

/** Writer a, reader b (collecting), both ends of a socketpair. */
struct Pair {
  uv_pipe_t a, b;
  Collector got;
  Writes w;
  std::vector<Req> reqs = std::vector<Req>(8);
  void open(uv_loop_t* loop) {
    uvref::test::open_pair(loop, &a, &b);
    b.data = &got;
    REQUIRE(uv_read_start(as_stream(&b), Collector::alloc, Collector::read) == 0);
  }
  void write(int id, std::vector<uv_buf_t> bufs) {
    reqs[id].id = id;
    reqs[id].w = &w;
    w.inside_uv_write = true;
    REQUIRE(uv_write(&reqs[id].req, as_stream(&a), bufs.data(), static_cast<unsigned>(bufs.size()), on_write) == 0);
    w.inside_uv_write = false;
  }
  /** Runs the loop until every request called back and the reader has n bytes (bounded). */
  void run_until(uv_loop_t* loop, size_t callbacks, size_t n) {
    for (int i = 0; i < 20000 && (w.statuses.size() < callbacks || got.bytes.size() < n); ++i)
      uv_run(loop, UV_RUN_NOWAIT);
  }
};

uv_buf_t buf_of(std::vector<char>& v) { return uv_buf_init(v.data(), static_cast<unsigned>(v.size())); }

}  // namespace

TEST_CASE("write queue: three buffers in one request arrive whole, callback once with 0", "[ex:write-queue]") {
  Pair p;
  TestLoop loop;
  p.open(loop);
  std::string x = "first ", y = "second ", z = "third";
  p.write(0, {uv_buf_init(x.data(), 6), uv_buf_init(y.data(), 7), uv_buf_init(z.data(), 5)});
  p.run_until(loop, 1, 18);
  REQUIRE(p.w.statuses.size() == 1u);
  CHECK(p.w.statuses[0] == 0);
  CHECK(std::string(p.got.bytes.begin(), p.got.bytes.end()) == "first second third");
  CHECK(p.a.write_queue_size == 0u);
  CHECK_FALSE(p.w.called_inside);  // never from inside uv_write()
}

TEST_CASE("write queue: partial writes of at most 5 bytes resume where they stopped", "[ex:write-queue]") {
  Pair p;
  TestLoop loop;
  p.open(loop);
  auto one = uvref::test::pattern(1, 23), two = uvref::test::pattern(2, 3), three = uvref::test::pattern(3, 31);
  {
    ScopedFault w{{.call = Call::write, .max_len = 5, .times = 0}};
    ScopedFault wv{{.call = Call::writev, .max_len = 5, .times = 0}};
    p.write(0, {buf_of(one), buf_of(two)});
    p.write(1, {buf_of(three)});
    p.run_until(loop, 2, 57);
    CHECK(uvref::sys::fault::fired(Call::write) + uvref::sys::fault::fired(Call::writev) >= 12);
  }
  REQUIRE(p.w.statuses.size() == 2u);
  CHECK(p.w.statuses == std::vector<int>{0, 0});
  CHECK(p.w.order == std::vector<int>{0, 1});
  std::vector<char> want = one;
  want.insert(want.end(), two.begin(), two.end());
  want.insert(want.end(), three.begin(), three.end());
  CHECK(p.got.bytes == want);  // every byte once, in order
  CHECK(p.a.write_queue_size == 0u);
}

TEST_CASE("write queue: EAGAIN mid-queue waits for POLLOUT and loses nothing", "[ex:write-queue]") {
  Pair p;
  TestLoop loop;
  p.open(loop);
  auto one = uvref::test::pattern(4, 100), two = uvref::test::pattern(5, 200);
  {
    // The first write goes through; the next one finds the socket buffer "full".
    ScopedFault full{{.call = Call::write, .error = EAGAIN, .skip = 1, .times = 1}};
    p.write(0, {buf_of(one)});
    p.write(1, {buf_of(two)});
    p.run_until(loop, 2, 300);
    CHECK(uvref::sys::fault::fired(Call::write) == 1);
  }
  REQUIRE(p.w.statuses.size() == 2u);
  CHECK(p.w.statuses == std::vector<int>{0, 0});
  std::vector<char> want = one;
  want.insert(want.end(), two.begin(), two.end());
  CHECK(p.got.bytes == want);
}

TEST_CASE("write queue: 4 MiB through a socket buffer, written in parts as the reader drains it",
          "[ex:write-queue]") {
  Pair p;
  TestLoop loop;
  p.open(loop);
  auto big = uvref::test::pattern(6, 4 << 20);
  p.write(0, {buf_of(big)});
  CHECK(p.a.write_queue_size > 0u);  // the kernel did not take it all at once
  p.run_until(loop, 1, big.size());
  REQUIRE(p.w.statuses.size() == 1u);
  CHECK(p.w.statuses[0] == 0);
  CHECK(p.got.bytes == big);
}

TEST_CASE("write queue: a write to a closed reader fails with UV_EPIPE in its callback", "[ex:write-queue]") {
  Pair p;
  TestLoop loop;
  p.open(loop);
  uv_close(as_handle(&p.b), nullptr);
  uv_run(loop, UV_RUN_NOWAIT);
  std::string x = "nobody reads this";
  p.write(0, {uv_buf_init(x.data(), static_cast<unsigned>(x.size()))});
  p.run_until(loop, 1, 0);
  REQUIRE(p.w.statuses.size() == 1u);
  CHECK(p.w.statuses[0] == UV_EPIPE);
}
