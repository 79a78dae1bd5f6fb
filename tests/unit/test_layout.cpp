// Struct layouts: uvref's loop, handle, timer, signal, stream, pipe and write-request structs have
// libuv 1.44's sizes and public field offsets on x86-64 (docs/libuv-facts.md),
// checked at compile time against the measured numbers and at run time
// against Debian's own header (test_layout_libuv_probe.cpp). And the handle
// prefix is the same in every handle type, which is what makes a uv_pipe_t*
// usable as a uv_stream_t* and a uv_handle_t*.
#include <sys/uio.h>

#include <map>
#include <string>

#include "support/test_support.h"

namespace uvref::test {
std::map<std::string, size_t> debian_libuv_layout();
}

// --- compile time: the numbers measured with pahole on Debian's libuv 1.44.2 ---
static_assert(sizeof(void*) == 8, "the measured layouts are x86-64's");
static_assert(sizeof(uv_handle_t) == 96);
static_assert(sizeof(uv_stream_t) == 248);
static_assert(sizeof(uv_pipe_t) == 264);
static_assert(sizeof(uv_write_t) == 192);
static_assert(offsetof(uv_write_t, send_handle) == 72);

static_assert(offsetof(uv_handle_t, data) == 0);
static_assert(offsetof(uv_handle_t, loop) == 8);
static_assert(offsetof(uv_handle_t, type) == 16);
static_assert(offsetof(uv_handle_t, close_cb) == 24);
static_assert(offsetof(uv_handle_t, handle_queue) == 32);
static_assert(offsetof(uv_handle_t, u) == 48);
static_assert(offsetof(uv_handle_t, next_closing) == 80);
static_assert(offsetof(uv_handle_t, flags) == 88);

static_assert(offsetof(uv_stream_t, write_queue_size) == 96);
static_assert(offsetof(uv_stream_t, alloc_cb) == 104);
static_assert(offsetof(uv_stream_t, read_cb) == 112);
static_assert(offsetof(uv_stream_t, connect_req) == 120);
static_assert(offsetof(uv_stream_t, shutdown_req) == 128);
static_assert(offsetof(uv_stream_t, io_watcher) == 136);
static_assert(sizeof(uv__io_t) == 56);
static_assert(offsetof(uv_stream_t, io_watcher.fd) == 184);
static_assert(offsetof(uv_stream_t, write_queue) == 192);
static_assert(offsetof(uv_stream_t, write_completed_queue) == 208);
static_assert(offsetof(uv_stream_t, connection_cb) == 224);
static_assert(offsetof(uv_stream_t, delayed_error) == 232);
static_assert(offsetof(uv_stream_t, accepted_fd) == 236);
static_assert(offsetof(uv_stream_t, queued_fds) == 240);
static_assert(offsetof(uv_pipe_t, ipc) == 248);
static_assert(offsetof(uv_pipe_t, pipe_fname) == 256);
static_assert(sizeof(uv_tty_t) == 312);
static_assert(sizeof(uv_poll_t) == 160);
static_assert(sizeof(uv_fs_t) == 440);
static_assert(sizeof(uv_stat_t) == 160);
static_assert(offsetof(uv_fs_t, statbuf) == 112);
static_assert(offsetof(uv_fs_t, work_req) == 336);
static_assert(offsetof(uv_fs_t, bufsml) == 376);

// uv_buf_t is struct iovec on Unix, so arrays of it go to writev() as they are.
static_assert(sizeof(uv_buf_t) == sizeof(struct iovec));
static_assert(offsetof(uv_buf_t, base) == offsetof(struct iovec, iov_base));
static_assert(offsetof(uv_buf_t, len) == offsetof(struct iovec, iov_len));

// The handle prefix, identical in the "derived" types.
#define SAME_PREFIX(T)                                                           \
  static_assert(offsetof(T, data) == offsetof(uv_handle_t, data));               \
  static_assert(offsetof(T, loop) == offsetof(uv_handle_t, loop));               \
  static_assert(offsetof(T, type) == offsetof(uv_handle_t, type));               \
  static_assert(offsetof(T, close_cb) == offsetof(uv_handle_t, close_cb));       \
  static_assert(offsetof(T, handle_queue) == offsetof(uv_handle_t, handle_queue)); \
  static_assert(offsetof(T, u) == offsetof(uv_handle_t, u));                     \
  static_assert(offsetof(T, next_closing) == offsetof(uv_handle_t, next_closing)); \
  static_assert(offsetof(T, flags) == offsetof(uv_handle_t, flags))
SAME_PREFIX(uv_stream_t);
SAME_PREFIX(uv_pipe_t);
SAME_PREFIX(uv_tcp_t);
SAME_PREFIX(uv_timer_t);
SAME_PREFIX(uv_async_t);
SAME_PREFIX(uv_signal_t);
SAME_PREFIX(uv_idle_t);
SAME_PREFIX(uv_prepare_t);
SAME_PREFIX(uv_check_t);
SAME_PREFIX(uv_process_t);
#undef SAME_PREFIX

// The stream part, identical in pipes and TCP handles.
#define SAME_STREAM(T)                                                                      \
  static_assert(offsetof(T, write_queue_size) == offsetof(uv_stream_t, write_queue_size));  \
  static_assert(offsetof(T, io_watcher) == offsetof(uv_stream_t, io_watcher));              \
  static_assert(offsetof(T, write_queue) == offsetof(uv_stream_t, write_queue));            \
  static_assert(offsetof(T, accepted_fd) == offsetof(uv_stream_t, accepted_fd));            \
  static_assert(offsetof(T, queued_fds) == offsetof(uv_stream_t, queued_fds))
SAME_STREAM(uv_pipe_t);
SAME_STREAM(uv_tcp_t);
#undef SAME_STREAM

TEST_CASE("loop, handle, timer, signal, stream, pipe and write layouts equal Debian's libuv 1.44", "[layout]") {
  const auto debian = uvref::test::debian_libuv_layout();
  std::map<std::string, size_t> ours;
#define SIZE(T) ours["sizeof " #T] = sizeof(T)
#define OFF(T, f) ours[#T "." #f] = offsetof(T, f)
#include "layout_fields.inc"
#undef SIZE
#undef OFF
  REQUIRE(!ours.empty());  // both sides measure the one list in layout_fields.inc
  for (const auto& [what, value] : ours) {
    INFO(what);
    auto it = debian.find(what);
    REQUIRE(it != debian.end());
    CHECK(value == it->second);
  }
}

TEST_CASE("a uv_pipe_t* is a uv_stream_t* is a uv_handle_t*", "[layout]") {
  uv_pipe_t pipe{};
  auto* stream = reinterpret_cast<uv_stream_t*>(&pipe);
  auto* handle = reinterpret_cast<uv_handle_t*>(&pipe);
  handle->type = UV_NAMED_PIPE;  // written through the base...
  stream->io_watcher.fd = 42;
  pipe.ipc = 1;
  CHECK(pipe.type == UV_NAMED_PIPE);  // ...read through the derived type
  CHECK(pipe.io_watcher.fd == 42);
  CHECK(uv_handle_get_type(handle) == UV_NAMED_PIPE);
  uv_os_fd_t fd = -1;
  CHECK(uv_fileno(handle, &fd) == 0);  // uv_fileno sees the pipe as a stream
  CHECK(fd == 42);
  CHECK(uv_handle_size(UV_NAMED_PIPE) == sizeof pipe);
}
