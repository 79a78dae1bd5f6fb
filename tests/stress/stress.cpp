// Stress runs: far more load than the unit tests use, opt-in (the `stress`
// target, not part of the default test run). Each case asserts behaviour
// (byte-exact, none lost, nothing leaked: the leak listener checks every
// case) and prints one FIGURE line: the build, what it did, how long it took,
// and the descriptors open before and after. tests/stress/record.py turns a
// run's FIGURE lines into docs/stress_figures.tsv, which docs/tried.md shows.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "debug/fd_table.h"
#include "support/test_support.h"

using namespace uvref::test;

namespace {

std::size_t open_fds() { return uvref::debug::fd_table().size(); }

/** The build a figure was measured in: the same case runs at very different speeds in each. */
#if defined(__SANITIZE_THREAD__)
constexpr const char* kBuild = "ThreadSanitizer (-O1)";
#elif defined(__SANITIZE_ADDRESS__)
constexpr const char* kBuild = "AddressSanitizer (-O1)";
#elif defined(__OPTIMIZE__)
constexpr const char* kBuild = "optimised (release)";
#else
constexpr const char* kBuild = "debug (-O0)";
#endif

/**
 * Times a case and prints its FIGURE line when destroyed. Declare it first in
 * the case: it then outlives the case's loop, so "after" counts descriptors
 * once everything the case opened is closed again.
 */
struct Figure {
  const char* what;
  std::string counts = "did not finish";
  std::size_t fds_before = open_fds();
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  explicit Figure(const char* w) : what(w) {}
  ~Figure() {
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    // tests/stress/record.py parses this line: keep the two in step.
    std::printf("FIGURE\t%s\t%s\t%s\t%.2f s\t%zu\t%zu\n", kBuild, what, counts.c_str(), s, fds_before,
                open_fds());
    std::fflush(stdout);
  }
  Figure(const Figure&) = delete;
  Figure& operator=(const Figure&) = delete;
};

/** Raises the soft RLIMIT_NOFILE to the hard limit (1000 clients need 2000+ descriptors). */
void raise_nofile() {
  struct rlimit rl;
  REQUIRE(getrlimit(RLIMIT_NOFILE, &rl) == 0);
  rl.rlim_cur = rl.rlim_max;
  REQUIRE(setrlimit(RLIMIT_NOFILE, &rl) == 0);
}

unsigned char pattern(std::uint64_t seed, std::uint64_t i) {
  std::uint64_t x = (i + 1) * 0x9E3779B97F4A7C15ull ^ (seed * 0xD1B54A32D192ED03ull);
  return static_cast<unsigned char>((x ^ (x >> 29)) * 0xBF58476D1CE4E5B9ull >> 56);
}

uv_stream_t* as_stream_ptr(void* p) { return static_cast<uv_stream_t*>(p); }

/** Reads @p stream and stops/restarts reading every millisecond (a 1 ms repeating timer). */
struct ReadToggler {
  uv_timer_t timer;
  uv_stream_t* stream = nullptr;
  uv_alloc_cb alloc = nullptr;
  uv_read_cb read = nullptr;
  bool reading = false;
  int toggles = 0;

  void start(uv_loop_t* loop, uv_stream_t* s, uv_alloc_cb a, uv_read_cb r) {
    stream = s;
    alloc = a;
    read = r;
    REQUIRE(uv_read_start(stream, alloc, read) == 0);
    reading = true;
    timer.data = this;
    REQUIRE(uv_timer_init(loop, &timer) == 0);
    REQUIRE(uv_timer_start(&timer, [](uv_timer_t* t) {
              auto* self = static_cast<ReadToggler*>(t->data);
              self->toggles++;
              if (self->reading)
                uv_read_stop(self->stream);
              else
                REQUIRE(uv_read_start(self->stream, self->alloc, self->read) == 0);
              self->reading = !self->reading;
            }, 1, 1) == 0);
  }
  /** Reading is over: stop it and the timer. */
  void finish() {
    uv_read_stop(stream);
    reading = false;
    uv_timer_stop(&timer);
  }
};

// --- 1000 concurrent named-pipe clients --------------------------------------------

constexpr int kClients = 1000;
constexpr std::size_t kClientBytes = 16 * 1024;

struct EchoConn {
  uv_pipe_t pipe;
  char buf[4096];
};

struct EchoClient {
  uv_pipe_t pipe;
  uv_connect_t connect;
  uv_write_t write;
  std::string sent, got;
  char buf[4096];
  bool done = false;
};

void echo_alloc(uv_handle_t* h, size_t, uv_buf_t* b) {
  auto* c = static_cast<EchoConn*>(h->data);
  *b = uv_buf_init(c->buf, sizeof c->buf);
}

void echo_read(uv_stream_t* s, ssize_t n, const uv_buf_t* b) {
  if (n > 0) {
    auto* req = new uv_write_t;
    char* copy = new char[static_cast<std::size_t>(n)];
    std::memcpy(copy, b->base, static_cast<std::size_t>(n));
    req->data = copy;
    uv_buf_t out = uv_buf_init(copy, static_cast<unsigned>(n));
    REQUIRE(uv_write(req, s, &out, 1, [](uv_write_t* r, int) {
              delete[] static_cast<char*>(r->data);
              delete r;
            }) == 0);
  } else if (n < 0) {
    uv_close(reinterpret_cast<uv_handle_t*>(s), [](uv_handle_t* h) { delete static_cast<EchoConn*>(h->data); });
  }
}

}  // namespace

TEST_CASE("stress: 1000 concurrent clients on a named pipe, byte-exact echo", "[stress][pipe]") {
  raise_nofile();
  Figure fig("1000 named-pipe clients");
  uv_pipe_t server;
  auto clients = std::make_unique<EchoClient[]>(kClients);
  TestLoop loop;
  std::string path = "/tmp/uvref-stress-" + std::to_string(getpid()) + ".sock";
  ::unlink(path.c_str());  // left over from a dead process with this pid, if any
  REQUIRE(uv_pipe_init(loop, &server, 0) == 0);
  REQUIRE(uv_pipe_bind(&server, path.c_str()) == 0);
  REQUIRE(uv_listen(as_stream_ptr(&server), 1024, [](uv_stream_t* s, int status) {
            REQUIRE(status == 0);
            auto* c = new EchoConn;
            c->pipe.data = c;
            REQUIRE(uv_pipe_init(s->loop, &c->pipe, 0) == 0);
            REQUIRE(uv_accept(s, as_stream_ptr(&c->pipe)) == 0);
            REQUIRE(uv_read_start(as_stream_ptr(&c->pipe), echo_alloc, echo_read) == 0);
          }) == 0);
  static int finished;
  finished = 0;
  for (int i = 0; i < kClients; i++) {
    EchoClient& c = clients[i];
    c.sent.resize(kClientBytes);
    for (std::size_t k = 0; k < kClientBytes; k++) c.sent[k] = static_cast<char>(pattern(i, k));
    c.pipe.data = &c;
    c.connect.data = &c;
    REQUIRE(uv_pipe_init(loop, &c.pipe, 0) == 0);
    uv_pipe_connect(&c.connect, &c.pipe, path.c_str(), [](uv_connect_t* req, int status) {
      REQUIRE(status == 0);
      auto* cl = static_cast<EchoClient*>(req->data);
      uv_buf_t b = uv_buf_init(cl->sent.data(), static_cast<unsigned>(cl->sent.size()));
      REQUIRE(uv_write(&cl->write, req->handle, &b, 1, nullptr) == 0);
      REQUIRE(uv_read_start(
                  req->handle,
                  [](uv_handle_t* h, size_t, uv_buf_t* out) {
                    auto* x = static_cast<EchoClient*>(h->data);
                    *out = uv_buf_init(x->buf, sizeof x->buf);
                  },
                  [](uv_stream_t* s, ssize_t n, const uv_buf_t* in) {
                    auto* x = static_cast<EchoClient*>(s->data);
                    if (n > 0) x->got.append(in->base, static_cast<std::size_t>(n));
                    if (n < 0 || x->got.size() >= x->sent.size()) {
                      x->done = true;
                      finished++;
                      uv_close(reinterpret_cast<uv_handle_t*>(s), nullptr);
                      if (finished == kClients) uv_close(reinterpret_cast<uv_handle_t*>(s->loop->data), nullptr);
                    }
                  }) == 0);
    });
  }
  loop.get()->data = &server;
  uv_run(loop, UV_RUN_DEFAULT);
  int exact = 0;
  for (int i = 0; i < kClients; i++) exact += clients[i].got == clients[i].sent;
  CHECK(exact == kClients);
  fig.counts = (std::to_string(exact) + " of " + std::to_string(kClients) + " clients byte-exact, " +
             std::to_string(kClients * kClientBytes * 2 / 1024) + " KiB moved");
}

// --- 100 000 descriptors while the receiver toggles reading -----------------------------

TEST_CASE("stress: 100 000 descriptors passed while the receiver toggles reading", "[stress][fdpass]") {
  constexpr int kN = 100000;
  Figure fig("100 000 descriptors, reading toggled");
  struct State {
    uv_pipe_t tx, rx;
    ReadToggler toggler;
    std::vector<uv_write_t> reqs = std::vector<uv_write_t>(256);
    int origin = -1, left = kN, written = 0, accepted = 0, errors = 0;
    char byte = 'd';
    char buf[4096];
  } st;
  TestLoop loop;
  uv_os_sock_t sv[2];
  REQUIRE(uv_socketpair(SOCK_STREAM, 0, sv, UV_NONBLOCK_PIPE, UV_NONBLOCK_PIPE) == 0);
  REQUIRE(uv_pipe_init(loop, &st.tx, 1) == 0);
  REQUIRE(uv_pipe_init(loop, &st.rx, 1) == 0);
  REQUIRE(uv_pipe_open(&st.tx, sv[0]) == 0);
  REQUIRE(uv_pipe_open(&st.rx, sv[1]) == 0);
  st.origin = ::dup(0);
  st.tx.data = st.rx.data = &st;

  static auto alloc = [](uv_handle_t* h, size_t, uv_buf_t* b) {
    auto* s = static_cast<State*>(h->data);
    *b = uv_buf_init(s->buf, sizeof s->buf);
  };
  static auto on_read = [](uv_stream_t* s, ssize_t n, const uv_buf_t*) {
    auto* x = static_cast<State*>(s->data);
    if (n < 0) x->errors++;
    while (uv_pipe_pending_count(&x->rx) > 0) {
      int fd;
      REQUIRE(uvref_pipe_accept_fd(&x->rx, &fd) == 0);
      ::close(fd);
      x->accepted++;
    }
    if (x->accepted == kN) x->toggler.finish();
  };
  static uv_write_cb on_write = [](uv_write_t* r, int status) {
    auto* x = static_cast<State*>(r->data);
    if (status != 0) x->errors++;
    x->written++;
    if (x->left == 0) return;
    x->left--;
    uv_buf_t b = uv_buf_init(&x->byte, 1);
    REQUIRE(uvref_write2_fd(r, as_stream_ptr(&x->tx), &b, 1, x->origin, on_write) == 0);
  };
  for (auto& r : st.reqs) {
    r.data = &st;
    st.left--;
    uv_buf_t b = uv_buf_init(&st.byte, 1);
    REQUIRE(uvref_write2_fd(&r, as_stream_ptr(&st.tx), &b, 1, st.origin, on_write) == 0);
  }
  st.toggler.start(loop, as_stream_ptr(&st.rx), alloc, on_read);
  uv_run(loop, UV_RUN_DEFAULT);
  ::close(st.origin);
  CHECK(st.written == kN);
  CHECK(st.accepted == kN);
  CHECK(st.errors == 0);
  fig.counts = (std::to_string(st.accepted) + " of " + std::to_string(kN) + " accepted, reading toggled " +
             std::to_string(st.toggler.toggles) + " times");
}

// --- 1 GiB, random write sizes, read_stop/read_start toggling -----------------------------

TEST_CASE("stress: 1 GiB in random write sizes while the reader toggles reading", "[stress][pipe]") {
  constexpr std::uint64_t kTotal = 1ull << 30;
  Figure fig("1 GiB, random writes, reading toggled");
  uv_os_sock_t sv[2];
  REQUIRE(uv_socketpair(SOCK_STREAM, 0, sv, UV_NONBLOCK_PIPE, 0) == 0);
  pid_t pid = fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {  // the writer: blocking writes of 1 byte to 256 KiB
    ::close(sv[0]);
    std::mt19937_64 rng(42);
    std::vector<unsigned char> chunk(256 * 1024);
    std::uint64_t at = 0;
    while (at < kTotal) {
      std::size_t n = std::min<std::uint64_t>(1 + rng() % chunk.size(), kTotal - at);
      for (std::size_t k = 0; k < n; k++) chunk[k] = pattern(7, at + k);
      std::size_t off = 0;
      while (off < n) {
        ssize_t w = ::write(sv[1], chunk.data() + off, n - off);
        if (w <= 0) _exit(1);
        off += static_cast<std::size_t>(w);
      }
      at += n;
    }
    _exit(0);
  }
  ::close(sv[1]);
  struct State {
    uv_pipe_t rx;
    ReadToggler toggler;
    std::uint64_t at = 0, mismatches = 0;
    int eof = 0, errors = 0;
    std::vector<char> buf = std::vector<char>(64 * 1024);
  } st;
  TestLoop loop;
  REQUIRE(uv_pipe_init(loop, &st.rx, 0) == 0);
  REQUIRE(uv_pipe_open(&st.rx, sv[0]) == 0);
  st.rx.data = &st;
  static auto alloc = [](uv_handle_t* h, size_t, uv_buf_t* b) {
    auto* s = static_cast<State*>(h->data);
    *b = uv_buf_init(s->buf.data(), static_cast<unsigned>(s->buf.size()));
  };
  static auto on_read = [](uv_stream_t* s, ssize_t n, const uv_buf_t* b) {
    auto* x = static_cast<State*>(s->data);
    for (ssize_t k = 0; k < n; k++)
      x->mismatches += static_cast<unsigned char>(b->base[k]) != pattern(7, x->at + static_cast<std::uint64_t>(k));
    if (n > 0) x->at += static_cast<std::uint64_t>(n);
    if (n == UV_EOF) x->eof++;
    if (n < 0) {
      if (n != UV_EOF) x->errors++;
      x->toggler.finish();
    }
  };
  st.toggler.start(loop, as_stream_ptr(&st.rx), alloc, on_read);
  uv_run(loop, UV_RUN_DEFAULT);
  int status = 0;
  REQUIRE(waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK(st.at == kTotal);
  CHECK(st.mismatches == 0);
  CHECK(st.eof == 1);
  CHECK(st.errors == 0);
  fig.counts = (std::to_string(st.at >> 20) + " MiB byte-exact, reading toggled " + std::to_string(st.toggler.toggles) +
             " times");
}

// --- 100 000 signals to two loops ----------------------------------------------------------

TEST_CASE("stress: 100 000 signals to two loops in two threads", "[stress][signal]") {
  constexpr int kSignals = 100000;
  Figure fig("100 000 SIGUSR1 to two loops");
  struct Side {
    uv_loop_t loop;
    uv_signal_t sig;
    uv_async_t stop;
    std::atomic<long> seen{0};
    std::atomic<bool> ready{false};
  };
  Side sides[2];
  std::vector<std::thread> threads;
  for (auto& side : sides) {
    threads.emplace_back([&side] {
      REQUIRE(uv_loop_init(&side.loop) == 0);
      side.sig.data = side.stop.data = &side;
      REQUIRE(uv_signal_init(&side.loop, &side.sig) == 0);
      REQUIRE(uv_signal_start(&side.sig, [](uv_signal_t* h, int) {
                static_cast<Side*>(h->data)->seen++;
              }, SIGUSR1) == 0);
      REQUIRE(uv_async_init(&side.loop, &side.stop, [](uv_async_t* a) {
                auto* s = static_cast<Side*>(a->data);
                uv_close(reinterpret_cast<uv_handle_t*>(&s->sig), nullptr);
                uv_close(reinterpret_cast<uv_handle_t*>(a), nullptr);
              }) == 0);
      side.ready = true;
      uv_run(&side.loop, UV_RUN_DEFAULT);
      REQUIRE(uv_loop_close(&side.loop) == 0);
    });
  }
  for (auto& side : sides)
    while (!side.ready) std::this_thread::yield();
  for (int i = 0; i < kSignals; i++) ::kill(::getpid(), SIGUSR1);
  // Each loop must see the last one: signals raised while one is pending coalesce.
  for (auto& side : sides) {
    long seen_before = side.seen;
    ::kill(::getpid(), SIGUSR1);
    while (side.seen == seen_before) std::this_thread::yield();
  }
  for (auto& side : sides) uv_async_send(&side.stop);
  for (auto& t : threads) t.join();
  CHECK(sides[0].seen > 0);
  CHECK(sides[1].seen > 0);
  fig.counts = (std::to_string(kSignals + 2) + " raised; callbacks " + std::to_string(sides[0].seen.load()) + " and " +
             std::to_string(sides[1].seen.load()) + " (pending signals coalesce)");
}

// --- 500 children over two loops in two threads -----------------------------------------------

TEST_CASE("stress: 500 children spawned by two loops in two threads, every exit reaped", "[stress][process]") {
  constexpr int kPerLoop = 250;
  Figure fig("500 children, two loops");
  struct Side {
    uv_loop_t loop;
    std::vector<uv_process_t> procs = std::vector<uv_process_t>(kPerLoop);
    int exits = 0, bad = 0, spawn_errors = 0;
  };
  Side sides[2];
  std::vector<std::thread> threads;
  for (auto& side : sides) {
    threads.emplace_back([&side] {
      REQUIRE(uv_loop_init(&side.loop) == 0);
      char prog[] = "/bin/true";
      char* args[] = {prog, nullptr};
      for (auto& p : side.procs) {
        uv_process_options_t o{};
        o.file = prog;
        o.args = args;
        o.exit_cb = [](uv_process_t* h, int64_t status, int signal) {
          auto* s = static_cast<Side*>(h->data);
          s->exits++;
          if (status != 0 || signal != 0) s->bad++;
          uv_close(reinterpret_cast<uv_handle_t*>(h), nullptr);
        };
        p.data = &side;
        if (uv_spawn(&side.loop, &p, &o) != 0) side.spawn_errors++;
      }
      uv_run(&side.loop, UV_RUN_DEFAULT);
      REQUIRE(uv_loop_close(&side.loop) == 0);
    });
  }
  for (auto& t : threads) t.join();
  CHECK(sides[0].exits + sides[1].exits == 2 * kPerLoop);
  CHECK(sides[0].bad + sides[1].bad == 0);
  CHECK(sides[0].spawn_errors + sides[1].spawn_errors == 0);
  CHECK(::waitpid(-1, nullptr, WNOHANG) == -1);  // no child left unreaped (ECHILD)
  fig.counts = (std::to_string(sides[0].exits + sides[1].exits) + " exits reaped, status 0");
}

// --- async from 8 threads for 10 s -------------------------------------------------------------

TEST_CASE("stress: uv_async_send from 8 threads for 10 s", "[stress][async]") {
  Figure fig("async from 8 threads, 10 s");
  struct State {
    uv_async_t async;
    uv_async_t stop;
    long callbacks = 0;
  } st;
  std::atomic<long> sends{0};
  std::atomic<bool> done{false};
  TestLoop loop;
  st.async.data = st.stop.data = &st;
  REQUIRE(uv_async_init(loop, &st.async, [](uv_async_t* a) { static_cast<State*>(a->data)->callbacks++; }) == 0);
  REQUIRE(uv_async_init(loop, &st.stop, [](uv_async_t* a) {
            auto* s = static_cast<State*>(a->data);
            uv_close(reinterpret_cast<uv_handle_t*>(&s->async), nullptr);
            uv_close(reinterpret_cast<uv_handle_t*>(a), nullptr);
          }) == 0);
  std::vector<std::thread> senders;
  for (int i = 0; i < 8; i++) {
    senders.emplace_back([&] {
      while (!done) {
        uv_async_send(&st.async);
        sends++;
      }
    });
  }
  std::thread timer([&] {
    std::this_thread::sleep_for(std::chrono::seconds(10));
    done = true;
    for (auto& t : senders) t.join();
    uv_async_send(&st.async);  // the last send after every other: it must be seen
    uv_async_send(&st.stop);
  });
  uv_run(loop, UV_RUN_DEFAULT);
  timer.join();
  CHECK(st.callbacks > 0);
  fig.counts = (std::to_string(sends.load()) + " sends, " + std::to_string(st.callbacks) + " callbacks (coalesced)");
}
