// Small helpers shared by the stream, pipe and TCP tests.
#pragma once

#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace uvref::test {

/**
 * A socket path unique to this process and call, under /tmp.
 *
 * A file already there can only be left over from a dead process that had
 * this pid (GDB sessions, for one, kill the test at a breakpoint, before it
 * unlinks its socket), so it is removed: otherwise bind() would fail with
 * EADDRINUSE once the pid came round again.
 */
inline std::string temp_socket_path(const char* tag) {
  static std::atomic<int> counter{0};
  std::string path = "/tmp/uvref-" + std::string(tag) + "-" + std::to_string(getpid()) + "-" +
                     std::to_string(counter++) + ".sock";
  ::unlink(path.c_str());
  return path;
}

/** Deterministic test bytes: byte i of stream @p seed. */
inline unsigned char pattern_byte(std::uint64_t seed, std::uint64_t i) {
  std::uint64_t x = (i + 1) * 0x9E3779B97F4A7C15ull ^ (seed * 0xD1B54A32D192ED03ull);
  x ^= x >> 29;
  return static_cast<unsigned char>(x);
}

inline std::vector<char> pattern(std::uint64_t seed, std::size_t n) {
  std::vector<char> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<char>(pattern_byte(seed, i));
  return v;
}

/**
 * Collects everything read from a stream, and how the read ended.
 * Put it in stream->data; use Collector::alloc / Collector::read as callbacks.
 */
struct Collector {
  std::vector<char> bytes;
  std::size_t chunk = 65536;  // buffer size handed to the read path
  int eof_count = 0;
  int error = 0;               // first error other than UV_EOF
  int zero_reads = 0;          // read_cb(0): EAGAIN
  bool close_on_eof = false;
  std::vector<char> buffer;

  static void alloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
    auto* c = static_cast<Collector*>(h->data);
    c->buffer.resize(c->chunk);
    *buf = uv_buf_init(c->buffer.data(), static_cast<unsigned>(c->chunk));
  }
  static void read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
    auto* c = static_cast<Collector*>(s->data);
    if (nread > 0) {
      c->bytes.insert(c->bytes.end(), buf->base, buf->base + nread);
    } else if (nread == 0) {
      c->zero_reads++;
    } else if (nread == UV_EOF) {
      c->eof_count++;
      if (c->close_on_eof) uv_close(reinterpret_cast<uv_handle_t*>(s), nullptr);
    } else if (c->error == 0) {
      c->error = static_cast<int>(nread);
    }
  }
};

/** A socketpair of two non-blocking AF_UNIX stream sockets, each opened into a uv_pipe_t. */
inline void open_pair(uv_loop_t* loop, uv_pipe_t* a, uv_pipe_t* b) {
  uv_os_sock_t fds[2];
  REQUIRE(uv_socketpair(SOCK_STREAM, 0, fds, UV_NONBLOCK_PIPE, UV_NONBLOCK_PIPE) == 0);
  REQUIRE(uv_pipe_init(loop, a, 0) == 0);
  REQUIRE(uv_pipe_init(loop, b, 0) == 0);
  REQUIRE(uv_pipe_open(a, fds[0]) == 0);
  REQUIRE(uv_pipe_open(b, fds[1]) == 0);
}

}  // namespace uvref::test
