// uv_fs_stat / uv_fs_lstat / uv_fs_fstat: statx into req->statbuf, and the fallback.
#include <sys/stat.h>
#include <unistd.h>

#include "test_fs_support.h"

using uvref::test::ScratchPath;
namespace fault = uvref::sys::fault;
using uvref::sys::Call;

TEST_CASE("uv_fs_stat, lstat and fstat agree with stat(2); lstat sees the link", "[fs]") {
  ScratchPath file, link;
  file.write("12345");
  REQUIRE(symlink(file.c_str(), link.c_str()) == 0);
  struct stat want;
  REQUIRE(stat(file.c_str(), &want) == 0);

  uv_fs_t req;
  CHECK(uv_fs_stat(nullptr, &req, link.c_str(), nullptr) == 0);  // follows the link
  CHECK(req.ptr == &req.statbuf);
  CHECK(uv_fs_get_statbuf(&req) == &req.statbuf);
  CHECK(req.statbuf.st_size == 5);
  CHECK(req.statbuf.st_ino == want.st_ino);
  CHECK(req.statbuf.st_dev == want.st_dev);
  CHECK(req.statbuf.st_mode == want.st_mode);
  CHECK(req.statbuf.st_nlink == want.st_nlink);
  CHECK(req.statbuf.st_mtim.tv_sec == want.st_mtim.tv_sec);
  CHECK(req.statbuf.st_mtim.tv_nsec == want.st_mtim.tv_nsec);
  uv_fs_req_cleanup(&req);
  CHECK(req.ptr == nullptr);

  CHECK(uv_fs_lstat(nullptr, &req, link.c_str(), nullptr) == 0);
  CHECK(S_ISLNK(req.statbuf.st_mode));
  uv_fs_req_cleanup(&req);

  int fd = uv_fs_open(nullptr, &req, file.c_str(), UV_FS_O_RDONLY, 0, nullptr);
  REQUIRE(fd >= 0);
  CHECK(uv_fs_fstat(nullptr, &req, fd, nullptr) == 0);
  CHECK(req.statbuf.st_ino == want.st_ino);
  CHECK(S_ISREG(req.statbuf.st_mode));
  uv_fs_close(nullptr, &req, fd, nullptr);
  uv_fs_req_cleanup(&req);
}

TEST_CASE("uv_fs_stat errors: ENOENT, ENOTDIR, EBADF; ptr stays NULL", "[fs]") {
  uv_fs_t req;
  CHECK(uv_fs_stat(nullptr, &req, "/nonexistent/uvref", nullptr) == UV_ENOENT);
  CHECK(req.ptr == nullptr);
  CHECK(uv_fs_lstat(nullptr, &req, "/etc/passwd/x", nullptr) == UV_ENOTDIR);
  CHECK(uv_fs_fstat(nullptr, &req, -1, nullptr) == UV_EBADF);
  CHECK(req.result == UV_EBADF);
  uv_fs_req_cleanup(&req);
}

TEST_CASE("uv_fs_stat falls back to stat(2) when statx is refused, and stays there", "[fs]") {
  // The fallback is for good, as in libuv: later calls in this process use
  // stat, lstat and fstat (CTest runs each test case in a process of its own).
  uv_fs_t req;
  {
    fault::ScopedFault refused({.call = Call::statx, .error = ENOSYS, .times = 0});
    CHECK(uv_fs_stat(nullptr, &req, "/", nullptr) == 0);
    CHECK(S_ISDIR(req.statbuf.st_mode));
    CHECK(fault::fired(Call::statx) == 1);
    CHECK(uv_fs_stat(nullptr, &req, "/", nullptr) == 0);
    CHECK(fault::fired(Call::statx) == 1);  // not asked again
  }
  // The classic calls give the same answers: birth time is the change time.
  CHECK(req.statbuf.st_birthtim.tv_sec == req.statbuf.st_ctim.tv_sec);
  CHECK(uv_fs_lstat(nullptr, &req, "/nonexistent/uvref", nullptr) == UV_ENOENT);
  uv_fs_req_cleanup(&req);
}
