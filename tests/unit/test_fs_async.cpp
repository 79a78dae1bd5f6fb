// uv_fs_* with a callback: the operation runs on a pool thread, the callback
// on the loop thread; the request keeps the loop alive until then.
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <atomic>
#include <thread>

#include "test_fs_support.h"

using uvref::test::ScratchPath;
using uvref::test::TestLoop;

namespace {
struct Seen {
  int calls = 0;
  ssize_t result = 0;
  std::thread::id thread;
};

void record(uv_fs_t* req) {
  auto* seen = static_cast<Seen*>(req->data);
  seen->calls++;
  seen->result = req->result;
  seen->thread = std::this_thread::get_id();
}
}  // namespace

TEST_CASE("async uv_fs_open, write, read, fstat, close: callbacks on the loop thread", "[fs]") {
  TestLoop loop;
  ScratchPath path;
  uv_fs_t req;
  Seen seen;
  req.data = &seen;

  std::string name = path.c_str();
  CHECK(uv_fs_open(loop, &req, name.c_str(), UV_FS_O_RDWR | UV_FS_O_CREAT, 0600, record) == 0);
  name.assign(name.size(), 'x');  // the request copied the path: the caller's string may change
  CHECK(req.path != name.c_str());
  CHECK(uv_loop_alive(loop));  // an active request keeps the loop alive
  CHECK(seen.calls == 0);      // nothing runs before the loop does
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(seen.calls == 1);
  CHECK(seen.thread == std::this_thread::get_id());
  REQUIRE(seen.result >= 0);
  CHECK(std::string(uv_fs_get_path(&req)) == path.c_str());
  auto fd = static_cast<uv_file>(seen.result);
  uv_fs_req_cleanup(&req);
  CHECK(req.path == nullptr);

  // Five buffers: more than bufsml holds, so the request keeps a heap copy.
  char parts[5][2] = {{'a', 'b'}, {'c', 'd'}, {'e', 'f'}, {'g', 'h'}, {'i', 'j'}};
  uv_buf_t bufs[5];
  for (int i = 0; i < 5; ++i) bufs[i] = uv_buf_init(parts[i], 2);
  CHECK(uv_fs_write(loop, &req, fd, bufs, 5, 0, record) == 0);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(seen.calls == 2);
  CHECK(seen.result == 10);
  uv_fs_req_cleanup(&req);
  CHECK(path.read() == "abcdefghij");

  char back[5][2] = {};
  for (int i = 0; i < 5; ++i) bufs[i] = uv_buf_init(back[i], 2);
  CHECK(uv_fs_read(loop, &req, fd, bufs, 5, 2, record) == 0);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(seen.result == 8);  // from offset 2: eight bytes left
  CHECK(std::memcmp(back, "cdefghij", 8) == 0);
  uv_fs_req_cleanup(&req);

  CHECK(uv_fs_fstat(loop, &req, fd, record) == 0);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(seen.result == 0);
  CHECK(req.ptr == &req.statbuf);
  CHECK(req.statbuf.st_size == 10);
  uv_fs_req_cleanup(&req);

  CHECK(uv_fs_close(loop, &req, fd, record) == 0);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(seen.calls == 5);
  CHECK(seen.result == 0);
  uv_fs_req_cleanup(&req);
  CHECK_FALSE(uv_loop_alive(loop));
}

TEST_CASE("async uv_fs_* errors arrive in the callback; validation errors are returned at once", "[fs]") {
  TestLoop loop;
  uv_fs_t req;
  Seen seen;
  req.data = &seen;
  CHECK(uv_fs_open(loop, &req, "/nonexistent/uvref", UV_FS_O_RDONLY, 0, record) == 0);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(seen.calls == 1);
  CHECK(seen.result == UV_ENOENT);
  uv_fs_req_cleanup(&req);

  char c;
  uv_buf_t buf = uv_buf_init(&c, 1);
  CHECK(uv_fs_read(loop, &req, -1, &buf, 1, -1, record) == 0);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(seen.result == UV_EBADF);
  uv_fs_req_cleanup(&req);

  // Refused before anything is queued: no callback, the loop is not kept alive.
  CHECK(uv_fs_read(loop, &req, 0, &buf, 0, -1, record) == UV_EINVAL);
  CHECK(uv_fs_stat(loop, &req, nullptr, record) == UV_EINVAL);
  CHECK(uv_fs_open(nullptr, &req, "/", UV_FS_O_RDONLY, 0, record) == UV_EINVAL);  // no loop
  CHECK_FALSE(uv_loop_alive(loop));
  CHECK(seen.calls == 2);
  uv_fs_req_cleanup(&req);
}

TEST_CASE("uv_cancel of a queued fs request: the callback gets UV_ECANCELED; a finished one is UV_EBUSY", "[fs]") {
  TestLoop loop;
  uv_fs_t sync_req;
  // A synchronous request was never queued.
  CHECK(uv_fs_stat(nullptr, &sync_req, "/", nullptr) == 0);
  CHECK(uv_cancel(reinterpret_cast<uv_req_t*>(&sync_req)) == UV_EBUSY);
  uv_fs_req_cleanup(&sync_req);

  // Fill the pool so that one request waits: each blocking item sleeps until released.
  static std::atomic<bool> release{false};
  release = false;
  const int kBlockers = 4;  // UV_THREADPOOL_SIZE's default
  uv_work_t blockers[kBlockers];
  for (auto& w : blockers) {
    REQUIRE(uv_queue_work(loop, &w, [](uv_work_t*) {
      while (!release) std::this_thread::yield();
    }, [](uv_work_t*, int) {}) == 0);
  }
  uv_fs_t req;
  Seen seen;
  req.data = &seen;
  REQUIRE(uv_fs_stat(loop, &req, "/", record) == 0);
  int r = uv_cancel(reinterpret_cast<uv_req_t*>(&req));
  release = true;
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(seen.calls == 1);
  if (r == 0) {
    CHECK(seen.result == UV_ECANCELED);
  } else {  // a larger UV_THREADPOOL_SIZE had a free thread for it
    CHECK(r == UV_EBUSY);
    CHECK(seen.result == 0);
  }
  uv_fs_req_cleanup(&req);
}
