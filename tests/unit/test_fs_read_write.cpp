// uv_fs_read / uv_fs_write, synchronous: the four system calls, short reads,
// whole writes, errors, EINTR.
#include <fcntl.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "test_fs_support.h"

using uvref::test::ScratchPath;
namespace fault = uvref::sys::fault;
using uvref::sys::Call;

namespace {
int open_rdwr(const ScratchPath& p) {
  uv_fs_t req;
  int fd = uv_fs_open(nullptr, &req, p.c_str(), UV_FS_O_RDWR | UV_FS_O_CREAT, 0600, nullptr);
  uv_fs_req_cleanup(&req);
  REQUIRE(fd >= 0);
  return fd;
}
}  // namespace

TEST_CASE("uv_fs_read with offset -1 reads at and advances the file position", "[fs]") {
  ScratchPath path;
  path.write("hello, world");
  int fd = open_rdwr(path);
  char a[5], b[3];
  uv_buf_t bufs[] = {uv_buf_init(a, sizeof a), uv_buf_init(b, sizeof b)};
  uv_fs_t req;
  CHECK(uv_fs_read(nullptr, &req, fd, bufs, 2, -1, nullptr) == 8);  // readv: two buffers
  CHECK(req.result == 8);
  CHECK(std::string(a, 5) == "hello");
  CHECK(std::string(b, 3) == ", w");
  CHECK(lseek(fd, 0, SEEK_CUR) == 8);
  uv_fs_req_cleanup(&req);
  CHECK(uv_fs_read(nullptr, &req, fd, bufs, 1, -1, nullptr) == 4);  // read: short at the end
  CHECK(std::string(a, 4) == "orld");
  CHECK(uv_fs_read(nullptr, &req, fd, bufs, 1, -1, nullptr) == 0);  // end of file
  uv_fs_req_cleanup(&req);
  close(fd);
}

TEST_CASE("uv_fs_read with offset >= 0 reads there and leaves the file position alone", "[fs]") {
  ScratchPath path;
  path.write("0123456789");
  int fd = open_rdwr(path);
  char a[2], b[2];
  uv_buf_t bufs[] = {uv_buf_init(a, sizeof a), uv_buf_init(b, sizeof b)};
  uv_fs_t req;
  CHECK(uv_fs_read(nullptr, &req, fd, bufs, 2, 3, nullptr) == 4);  // preadv
  CHECK(std::string(a, 2) + std::string(b, 2) == "3456");
  CHECK(uv_fs_read(nullptr, &req, fd, bufs, 1, 8, nullptr) == 2);  // pread, short
  CHECK(std::string(a, 2) == "89");
  CHECK(uv_fs_read(nullptr, &req, fd, bufs, 1, 100, nullptr) == 0);  // past the end
  CHECK(lseek(fd, 0, SEEK_CUR) == 0);
  uv_fs_req_cleanup(&req);
  close(fd);
}

TEST_CASE("uv_fs_read errors: EBADF, EISDIR, no buffers; EINTR is reported, not repeated", "[fs]") {
  char c;
  uv_buf_t buf = uv_buf_init(&c, 1);
  uv_fs_t req;
  CHECK(uv_fs_read(nullptr, &req, -1, &buf, 1, -1, nullptr) == UV_EBADF);
  CHECK(req.result == UV_EBADF);
  CHECK(uv_fs_read(nullptr, &req, 1000, &buf, 1, 0, nullptr) == UV_EBADF);
  CHECK(uv_fs_read(nullptr, &req, 0, nullptr, 1, -1, nullptr) == UV_EINVAL);
  CHECK(uv_fs_read(nullptr, &req, 0, &buf, 0, -1, nullptr) == UV_EINVAL);
  int dir = uv_fs_open(nullptr, &req, "/", UV_FS_O_RDONLY, 0, nullptr);
  REQUIRE(dir >= 0);
  CHECK(uv_fs_read(nullptr, &req, dir, &buf, 1, -1, nullptr) == UV_EISDIR);
  {
    fault::ScopedFault eintr({.call = Call::read, .error = EINTR, .times = 1});
    CHECK(uv_fs_read(nullptr, &req, dir, &buf, 1, -1, nullptr) == UV_EINTR);
    CHECK(fault::fired(Call::read) == 1);
  }
  uv_fs_close(nullptr, &req, dir, nullptr);
  uv_fs_req_cleanup(&req);
}

TEST_CASE("uv_fs_write writes every buffer, at the position or at an offset", "[fs]") {
  ScratchPath path;
  int fd = open_rdwr(path);
  char x[] = "abc", y[] = "defg";
  uv_buf_t bufs[] = {uv_buf_init(x, 3), uv_buf_init(y, 4)};
  uv_fs_t req;
  CHECK(uv_fs_write(nullptr, &req, fd, bufs, 2, -1, nullptr) == 7);  // writev
  CHECK(lseek(fd, 0, SEEK_CUR) == 7);
  CHECK(uv_fs_write(nullptr, &req, fd, bufs, 1, 1, nullptr) == 3);   // pwrite over "bcd"
  CHECK(uv_fs_write(nullptr, &req, fd, bufs, 2, 7, nullptr) == 7);   // pwritev at the end
  CHECK(lseek(fd, 0, SEEK_CUR) == 7);                                // position untouched
  CHECK(path.read() == "aabcefgabcdefg");
  CHECK(x == std::string("abc"));  // the caller's buffers are not changed
  uv_fs_req_cleanup(&req);
  close(fd);
}

TEST_CASE("uv_fs_write finishes short writes, repeats EINTR, reports errors only when nothing was written", "[fs]") {
  ScratchPath path;
  int fd = open_rdwr(path);
  char x[] = "0123456789", y[] = "ab";
  uv_buf_t bufs[] = {uv_buf_init(x, 10), uv_buf_init(y, 2)};
  uv_fs_t req;
  {
    // Every pwritev moves at most 3 bytes (of the first buffer): 12 bytes take
    // several calls, each at the advanced offset, the first buffer trimmed.
    fault::ScopedFault shorter({.call = Call::pwritev, .max_len = 3, .times = 0});
    fault::ScopedFault eintr({.call = Call::pwrite, .error = EINTR, .times = 1});
    CHECK(uv_fs_write(nullptr, &req, fd, bufs, 2, 0, nullptr) == 12);
    CHECK(fault::fired(Call::pwritev) >= 3);
    CHECK(fault::fired(Call::pwrite) == 1);  // the last buffer alone: pwrite, interrupted once
  }
  CHECK(path.read() == "0123456789ab");
  {
    fault::ScopedFault full({.call = Call::write, .error = ENOSPC, .times = 0});
    CHECK(uv_fs_write(nullptr, &req, fd, bufs, 1, -1, nullptr) == UV_ENOSPC);
    CHECK(req.result == UV_ENOSPC);
  }
  {
    // Some bytes went out, then an error: the count is reported, not the error.
    fault::ScopedFault half({.call = Call::write, .max_len = 4, .times = 1});
    fault::ScopedFault then_full({.call = Call::write, .error = ENOSPC, .skip = 1, .times = 0});
    CHECK(uv_fs_write(nullptr, &req, fd, bufs, 1, -1, nullptr) == 4);
  }
  CHECK(uv_fs_write(nullptr, &req, -1, bufs, 1, -1, nullptr) == UV_EBADF);
  uv_fs_req_cleanup(&req);
  close(fd);
}
