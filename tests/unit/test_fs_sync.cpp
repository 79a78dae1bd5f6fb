// Synchronous uv_fs_open / uv_fs_close / uv_fs_unlink / uv_fs_req_cleanup.
#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "support/test_support.h"

using uvref::test::TestLoop;

namespace {
std::string temp_path() {
  char tmpl[] = "/tmp/uvref-fs-XXXXXX";
  int fd = mkstemp(tmpl);
  REQUIRE(fd >= 0);
  close(fd);
  unlink(tmpl);  // a fresh name that does not exist
  return tmpl;
}
}  // namespace

TEST_CASE("uv_fs_open creates a file with O_CLOEXEC; close and unlink it", "[fs]") {
  TestLoop loop;
  uv_fs_t req;
  std::string path = temp_path();

  int fd = uv_fs_open(loop, &req, path.c_str(), UV_FS_O_CREAT | UV_FS_O_WRONLY, 0600, nullptr);
  REQUIRE(fd >= 0);
  CHECK(req.result == fd);
  CHECK(req.fs_type == UV_FS_OPEN);
  CHECK(req.type == UV_FS);
  CHECK(req.path == path.c_str());
  CHECK((fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);  // added, as libuv does
  CHECK_FALSE(uv_loop_alive(loop));               // synchronous: never registered
  uv_fs_req_cleanup(&req);
  CHECK(req.path == nullptr);

  CHECK(uv_fs_close(loop, &req, fd, nullptr) == 0);
  CHECK(req.result == 0);
  uv_fs_req_cleanup(&req);
  CHECK(uv_fs_close(loop, &req, fd, nullptr) == UV_EBADF);  // already closed
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
  CHECK(uv_fs_open(nullptr, &req, nullptr, UV_FS_O_RDONLY, 0, nullptr) == UV_EINVAL);
  CHECK(uv_fs_open(nullptr, nullptr, "/", UV_FS_O_RDONLY, 0, nullptr) == UV_EINVAL);
}

TEST_CASE("uv_fs_* with a callback: UV_ENOSYS, nothing queued", "[fs]") {
  TestLoop loop;
  uv_fs_t req;
  auto cb = [](uv_fs_t*) { FAIL("callback must not run"); };
  CHECK(uv_fs_open(loop, &req, "/", UV_FS_O_RDONLY, 0, cb) == UV_ENOSYS);
  CHECK(req.result == UV_ENOSYS);
  CHECK(uv_fs_close(loop, &req, 0, cb) == UV_ENOSYS);
  CHECK(uv_fs_unlink(loop, &req, "/nonexistent", cb) == UV_ENOSYS);
  CHECK_FALSE(uv_loop_alive(loop));
  uv_run(loop, UV_RUN_DEFAULT);
  uv_fs_req_cleanup(&req);
}
