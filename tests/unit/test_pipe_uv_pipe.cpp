// uv_pipe() and uv_socketpair(): flags per end; and 1 GiB through uv_pipe between two processes.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstring>

#include "sys/sys.h"
#include "test_stream_helpers.h"

using namespace uvref::test;

namespace {

bool nonblocking(int fd) { return (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0; }
bool cloexec(int fd) { return (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0; }

/** Word i of the stream the child sends (splitmix64: cheap, and every word differs). */
std::uint64_t word(std::uint64_t i) {
  std::uint64_t z = i + 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

constexpr std::uint64_t kTotalBytes = 1ull << 30;  // 1 GiB
constexpr std::size_t kChunk = 256 * 1024;
constexpr int kInFlight = 4;

/** The child: writes kTotalBytes through its own uvref loop, kInFlight chunks at a time. */
[[noreturn]] void child_writer(int wfd) {
  struct Writer {
    uv_loop_t loop;
    uv_pipe_t pipe;
    std::uint64_t next_word = 0;
    std::uint64_t words_total = kTotalBytes / 8;
    int failures = 0;
    struct Slot {
      uv_write_t req;
      std::uint64_t words[kChunk / 8];
    } slots[kInFlight];

    void submit(Slot* s) {
      std::size_t n = 0;
      while (n < kChunk / 8 && next_word < words_total) s->words[n++] = word(next_word++);
      if (n == 0) return;
      s->req.data = this;
      uv_buf_t buf = uv_buf_init(reinterpret_cast<char*>(s->words), static_cast<unsigned>(n * 8));
      if (uv_write(&s->req, reinterpret_cast<uv_stream_t*>(&pipe), &buf, 1, done) != 0) failures++;
    }
    static void done(uv_write_t* req, int status) {
      auto* w = static_cast<Writer*>(req->data);
      if (status != 0) w->failures++;
      w->submit(reinterpret_cast<Slot*>(req));
    }
  };
  auto* w = new Writer;
  int ok = uv_loop_init(&w->loop) == 0 && uv_pipe_init(&w->loop, &w->pipe, 0) == 0 &&
           uv_pipe_open(&w->pipe, wfd) == 0;
  if (ok) {
    for (auto& s : w->slots) w->submit(&s);
    uv_run(&w->loop, UV_RUN_DEFAULT);
    uv_close(reinterpret_cast<uv_handle_t*>(&w->pipe), nullptr);
    uv_run(&w->loop, UV_RUN_DEFAULT);
    ok = uv_loop_close(&w->loop) == 0 && w->failures == 0 && w->next_word == w->words_total;
  }
  // No Catch2, no atexit handlers, no stdio flush in the child (TSan's _exit flushes stdout).
  uvref::sys::exit_group(ok ? 0 : 1);
}

/** The parent's reader: checks every word against the generator as it arrives. */
struct Verifier {
  std::uint64_t bytes = 0;
  std::uint64_t words = 0;
  std::uint64_t mismatches = 0;
  std::uint64_t checksum = 0;
  unsigned char carry[8];
  std::size_t carried = 0;
  int eof = 0;
  int error = 0;
  std::vector<char> buffer = std::vector<char>(64 * 1024);

  void take_word(const unsigned char* p) {
    std::uint64_t v;
    std::memcpy(&v, p, 8);
    if (v != word(words)) mismatches++;
    checksum = (checksum ^ v) * 0x100000001B3ull;
    words++;
  }
  void consume(const char* data, std::size_t n) {
    bytes += n;
    auto* p = reinterpret_cast<const unsigned char*>(data);
    while (carried > 0 && carried < 8 && n > 0) {  // finish a word split across reads
      carry[carried++] = *p++;
      --n;
      if (carried == 8) {
        take_word(carry);
        carried = 0;
      }
    }
    for (; n >= 8; n -= 8, p += 8) take_word(p);
    while (n-- > 0) carry[carried++] = *p++;
  }
};

}  // namespace

TEST_CASE("uv_pipe: close-on-exec always, O_NONBLOCK per end", "[pipe][uv_pipe]") {
  for (int r = 0; r < 2; ++r) {
    for (int w = 0; w < 2; ++w) {
      uv_file fds[2];
      REQUIRE(uv_pipe(fds, r ? UV_NONBLOCK_PIPE : 0, w ? UV_NONBLOCK_PIPE : 0) == 0);
      CHECK(cloexec(fds[0]));
      CHECK(cloexec(fds[1]));
      CHECK(nonblocking(fds[0]) == (r == 1));
      CHECK(nonblocking(fds[1]) == (w == 1));
      CHECK((fcntl(fds[0], F_GETFL) & O_ACCMODE) == O_RDONLY);
      CHECK((fcntl(fds[1], F_GETFL) & O_ACCMODE) == O_WRONLY);
      close(fds[0]);
      close(fds[1]);
    }
  }
  CHECK(uv_pipe(nullptr, 0, 0) == UV_EINVAL);
}

TEST_CASE("uv_socketpair: stream, datagram and seqpacket pairs, flags per end", "[pipe][socketpair]") {
  for (int type : {SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET}) {
    uv_os_sock_t fds[2];
    REQUIRE(uv_socketpair(type, 0, fds, UV_NONBLOCK_PIPE, 0) == 0);
    CHECK(cloexec(fds[0]));
    CHECK(cloexec(fds[1]));
    CHECK(nonblocking(fds[0]));
    CHECK_FALSE(nonblocking(fds[1]));
    int got = 0;
    socklen_t len = sizeof got;
    REQUIRE(getsockopt(fds[0], SOL_SOCKET, SO_TYPE, &got, &len) == 0);
    CHECK(got == type);
    // Both ways: a socket pair is bidirectional, unlike a pipe.
    CHECK(write(fds[1], "ab", 2) == 2);
    CHECK(write(fds[0], "cd", 2) == 2);
    char buf[4];
    CHECK(read(fds[0], buf, 4) == 2);
    CHECK(read(fds[1], buf, 4) == 2);
    close(fds[0]);
    close(fds[1]);
  }
  uv_os_sock_t fds[2];
  CHECK(uv_socketpair(12345, 0, fds, 0, 0) == UV_EINVAL);  // no such socket type
  CHECK(uv_socketpair(SOCK_STREAM, 0, nullptr, 0, 0) == UV_EINVAL);
}

TEST_CASE("uv_pipe: 1 GiB from a child process, every word checked", "[pipe][uv_pipe][fork]") {
  uv_pipe_t reader;
  TestLoop loop;
  uv_file fds[2];
  REQUIRE(uv_pipe(fds, UV_NONBLOCK_PIPE, 0) == 0);
  fcntl(fds[1], F_SETPIPE_SZ, 1 << 20);  // fewer wake-ups; the default 64 KiB works too

  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    close(fds[0]);
    child_writer(fds[1]);
  }
  close(fds[1]);

  Verifier v;
  reader.data = &v;
  REQUIRE(uv_pipe_init(loop, &reader, 0) == 0);
  REQUIRE(uv_pipe_open(&reader, fds[0]) == 0);
  REQUIRE(uv_read_start(
              as_stream(&reader),
              [](uv_handle_t* h, size_t, uv_buf_t* buf) {
                auto* ver = static_cast<Verifier*>(h->data);
                *buf = uv_buf_init(ver->buffer.data(), static_cast<unsigned>(ver->buffer.size()));
              },
              [](uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
                auto* ver = static_cast<Verifier*>(s->data);
                if (nread > 0) {
                  ver->consume(buf->base, static_cast<std::size_t>(nread));
                } else if (nread == UV_EOF) {
                  ver->eof++;
                } else if (nread < 0) {
                  ver->error = static_cast<int>(nread);
                  uv_read_stop(s);
                }
              }) == 0);
  uv_run(loop, UV_RUN_DEFAULT);

  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(v.error == 0);
  CHECK(v.eof == 1);
  CHECK(v.bytes == kTotalBytes);
  CHECK(v.words == kTotalBytes / 8);
  CHECK(v.mismatches == 0);
  CHECK(v.carried == 0);
  // The same checksum computed from the generator alone.
  std::uint64_t expected = 0;
  for (std::uint64_t i = 0; i < kTotalBytes / 8; ++i) expected = (expected ^ word(i)) * 0x100000001B3ull;
  CHECK(v.checksum == expected);
}
