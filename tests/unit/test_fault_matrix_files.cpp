// The fault matrix for files and terminals: uv_fs_read/uv_fs_write at an
// offset (pread, pwrite, preadv, pwritev), uv_fs_stat/uv_fs_lstat (statx and
// its fallback) and uv_tty_t (ttyname, dup3, tcgetattr, tcsetattr). Every
// request here is synchronous (cb == NULL): the result is the return value.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "core/internal.h"
#include "fault_matrix.h"
#include "fault_matrix_setup.h"
#include "test_stream_helpers.h"
#include "support/test_support.h"
#include "test_fs_support.h"
#include "test_pty.h"

using namespace uvref::test;
using namespace uvref::test::matrix;

namespace {

constexpr char kText[] = "hello, world";  // 12 bytes
constexpr long kTextLen = sizeof kText - 1;

/** A scratch file holding kText (removed at the end), open read-write. */
struct ScratchFile {
  ScratchPath path;
  int fd = -1;
  ScratchFile() {
    path.write(kText);
    fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
    REQUIRE(fd >= 0);
  }
  ~ScratchFile() { ::close(fd); }
};

/** uv_fs_read() at offset 0: one buffer is pread(), two are preadv(). */
std::string drive_read_at(const fault::Rule& rule) {
  ScratchFile file;
  char a[5], b[sizeof kText];
  uv_buf_t bufs[2] = {uv_buf_init(a, sizeof a), uv_buf_init(b, sizeof b)};
  unsigned nbufs = rule.call == Call::preadv ? 2 : 1;
  if (nbufs == 1) bufs[0] = uv_buf_init(b, sizeof b);
  uv_fs_t req;
  long r;
  {
    fault::ScopedFault f(rule);
    r = uv_fs_read(nullptr, &req, file.fd, bufs, nbufs, 0, nullptr);
  }
  uv_fs_req_cleanup(&req);
  return returns("uv_fs_read", r);
}

/** uv_fs_write() at offset 0 of 10 bytes: one buffer is pwrite(), two (4 + 6) are pwritev(). */
std::string drive_write_at(const fault::Rule& rule) {
  ScratchFile file;
  char data[] = "0123456789";
  uv_buf_t bufs[2] = {uv_buf_init(data, 4), uv_buf_init(data + 4, 6)};
  unsigned nbufs = rule.call == Call::pwritev ? 2 : 1;
  if (nbufs == 1) bufs[0] = uv_buf_init(data, 10);
  uv_fs_t req;
  long r;
  {
    fault::ScopedFault f(rule);
    r = uv_fs_write(nullptr, &req, file.fd, bufs, nbufs, 0, nullptr);
  }
  uv_fs_req_cleanup(&req);
  char back[10] = {};
  bool written = ::pread(file.fd, back, sizeof back, 0) == 10 && std::string(back, 10) == "0123456789";
  return returns("uv_fs_write", r) + (written ? ", every byte in the file" : ", the file lacks bytes");
}

/**
 * uv_fs_stat(), or uv_fs_lstat() for the lstat rows. Once statx has been
 * refused with ENOSYS the process uses stat/lstat (as libuv does), so the
 * lstat rows come after the statx rows in the table.
 */
std::string drive_stat(const fault::Rule& rule) {
  ScratchFile file;
  uv_fs_t req;
  long r;
  {
    fault::ScopedFault f(rule);
    r = rule.call == Call::lstat ? uv_fs_lstat(nullptr, &req, file.path.c_str(), nullptr)
                                 : uv_fs_stat(nullptr, &req, file.path.c_str(), nullptr);
  }
  long size = r == 0 ? static_cast<long>(req.statbuf.st_size) : -1;
  uv_fs_req_cleanup(&req);
  std::string out = returns(rule.call == Call::lstat ? "uv_fs_lstat" : "uv_fs_stat", r);
  if (r == 0) out += size == kTextLen ? ", the right size" : ", a wrong size";
  return out;
}

/** uv_tty_init() on a pty slave: reopened by name (ttyname, open, dup3), or kept with blocking writes. */
std::string drive_tty_init(const fault::Rule& rule) {
  Pty pty;
  if (!pty.ok()) return "skipped";
  uv_tty_t tty;
  TestLoop loop;
  int r;
  {
    fault::ScopedFault f(rule);
    r = uv_tty_init(loop, &tty, pty.slave, 0);
  }
  std::string out = returns("uv_tty_init", r);
  if (r == 0) {
    out += (tty.flags & uvref::detail::kBlockingWrites) ? ", the caller's descriptor with blocking writes"
                                                        : ", reopened, non-blocking";
    uv_close(reinterpret_cast<uv_handle_t*>(&tty), nullptr);
    settle(loop);
    pty.slave = -1;  // uv_close closed it (the handle owns the descriptor)
  }
  return out;
}

/** uv_tty_set_mode(RAW) on a pty slave: tcgetattr saves the settings, tcsetattr applies raw mode. */
std::string drive_tty_mode(const fault::Rule& rule) {
  Pty pty;
  if (!pty.ok()) return "skipped";
  uv_tty_t tty;
  TestLoop loop;
  REQUIRE(uv_tty_init(loop, &tty, pty.slave, 0) == 0);  // reopened: the handle owns its own descriptor
  int r;
  {
    fault::ScopedFault f(rule);
    r = uv_tty_set_mode(&tty, UV_TTY_MODE_RAW);
  }
  std::string out = returns("uv_tty_set_mode", r) + (tty.mode == UV_TTY_MODE_RAW ? ", raw" : ", still normal");
  if (tty.mode != UV_TTY_MODE_NORMAL) REQUIRE(uv_tty_set_mode(&tty, UV_TTY_MODE_NORMAL) == 0);
  uv_close(reinterpret_cast<uv_handle_t*>(&tty), nullptr);
  settle(loop);
  return out;
}

}  // namespace

TEST_CASE("fault matrix: uv_fs_read at an offset", "[fault][matrix]") {
  run_rows(drive_read_at);
}
TEST_CASE("fault matrix: uv_fs_write at an offset", "[fault][matrix]") {
  run_rows(drive_write_at);
}
TEST_CASE("fault matrix: uv_fs_stat and uv_fs_lstat", "[fault][matrix]") {
  run_rows(drive_stat);
}
TEST_CASE("fault matrix: uv_tty_init (pty slave)", "[fault][matrix]") {
  run_rows(drive_tty_init);
}
TEST_CASE("fault matrix: uv_tty_set_mode", "[fault][matrix]") {
  run_rows(drive_tty_mode);
}
