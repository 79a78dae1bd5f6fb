// uv_fs_open / uv_fs_close / uv_fs_unlink, the request's fields, the getters.
#include <fcntl.h>
#include <unistd.h>

#include "test_fs_support.h"

using uvref::test::ScratchPath;
using uvref::test::TestLoop;

TEST_CASE("uv_fs_open creates a file with O_CLOEXEC; close and unlink it", "[fs]") {
  TestLoop loop;
  uv_fs_t req;
  ScratchPath path;

  int fd = uv_fs_open(loop, &req, path.c_str(), UV_FS_O_CREAT | UV_FS_O_WRONLY, 0600, nullptr);
  REQUIRE(fd >= 0);
  CHECK(req.result == fd);
  CHECK(uv_fs_get_result(&req) == fd);
  CHECK(req.fs_type == UV_FS_OPEN);
  CHECK(uv_fs_get_type(&req) == UV_FS_OPEN);
  CHECK(req.type == UV_FS);
  CHECK(req.path == path.c_str());  // synchronous: borrowed, not copied
  CHECK(uv_fs_get_path(&req) == path.c_str());
  CHECK(uv_fs_get_ptr(&req) == nullptr);
  CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);  // added, as libuv does
  CHECK_FALSE(uv_loop_alive(loop));               // synchronous: never registered
  uv_fs_req_cleanup(&req);
  CHECK(req.path == nullptr);

  CHECK(uv_fs_close(loop, &req, fd, nullptr) == 0);
  CHECK(req.result == 0);
  uv_fs_req_cleanup(&req);
  CHECK(uv_fs_close(loop, &req, fd, nullptr) == UV_EBADF);  // already closed
  CHECK(uv_fs_get_system_error(&req) == EBADF);
  uv_fs_req_cleanup(&req);

  CHECK(uv_fs_unlink(loop, &req, path.c_str(), nullptr) == 0);
  CHECK(req.fs_type == UV_FS_UNLINK);
  uv_fs_req_cleanup(&req);
  CHECK(access(path.c_str(), F_OK) == -1);
}

TEST_CASE("uv_fs_open and uv_fs_unlink report errors in the result and req->result", "[fs]") {
  uv_fs_t req;
  // loop may be NULL in the synchronous form.
  CHECK(uv_fs_open(nullptr, &req, "/nonexistent/uvref", UV_FS_O_RDONLY, 0, nullptr) == UV_ENOENT);
  CHECK(req.result == UV_ENOENT);
  uv_fs_req_cleanup(&req);
  CHECK(uv_fs_unlink(nullptr, &req, "/nonexistent/uvref", nullptr) == UV_ENOENT);
  CHECK(req.result == UV_ENOENT);
  uv_fs_req_cleanup(&req);
  // libuv asserts on a NULL path; uvref answers UV_EINVAL.
  CHECK(uv_fs_open(nullptr, &req, nullptr, UV_FS_O_RDONLY, 0, nullptr) == UV_EINVAL);
  CHECK(uv_fs_open(nullptr, nullptr, "/", UV_FS_O_RDONLY, 0, nullptr) == UV_EINVAL);
}

TEST_CASE("uv_fs_open is repeated on EINTR; uv_fs_close is not", "[fs]") {
  using namespace uvref::sys;
  ScratchPath path;
  path.write("x");
  uv_fs_t req;
  int fd;
  {
    fault::ScopedFault eintr({.call = Call::open, .error = EINTR, .times = 2});
    fd = uv_fs_open(nullptr, &req, path.c_str(), UV_FS_O_RDONLY, 0, nullptr);
    CHECK(fault::fired(Call::open) == 2);
  }
  REQUIRE(fd >= 0);
  uv_fs_req_cleanup(&req);
  {
    // close() reporting EINTR has closed the descriptor on Linux: success, no second close().
    fault::ScopedFault eintr({.call = Call::close, .error = EINTR, .times = 1});
    CHECK(uv_fs_close(nullptr, &req, fd, nullptr) == 0);
    CHECK(fault::fired(Call::close) == 1);
  }
  CHECK(close(fd) == 0);  // the fault kept the real close from happening: do it here
}

TEST_CASE("uv_get_osfhandle and uv_open_osfhandle return the descriptor on Unix", "[fs]") {
  CHECK(uv_get_osfhandle(0) == 0);
  CHECK(uv_get_osfhandle(42) == 42);
  CHECK(uv_open_osfhandle(7) == 7);
}
