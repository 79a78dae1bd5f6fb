// Descriptor passing end to end through the public API: uv_write2 and
// uvref_write2_fd on IPC pipes, uv_pipe_pending_*, uv_accept,
// uvref_pipe_accept_fd; the no-loss test; 100 000 descriptors between two
// processes; parent and child over uv_socketpair.
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <cstring>

#include "test_fdpass_support.h"

using namespace uvref::test;
using namespace uvref::test::fdpass;

namespace {

/** Two IPC pipe handles joined by uv_socketpair(). Declare before the TestLoop. */
struct IpcPair {
  uv_pipe_t a{}, b{};
  void open(uv_loop_t* loop) {
    uv_os_sock_t sv[2];
    REQUIRE(uv_socketpair(SOCK_STREAM, 0, sv, UV_NONBLOCK_PIPE, UV_NONBLOCK_PIPE) == 0);
    REQUIRE(uv_pipe_init(loop, &a, 1) == 0);
    REQUIRE(uv_pipe_init(loop, &b, 1) == 0);
    REQUIRE(uv_pipe_open(&a, sv[0]) == 0);
    REQUIRE(uv_pipe_open(&b, sv[1]) == 0);
  }
};

/** Receiver state: what read_cb saw. */
struct Reader {
  std::string data;
  int eof = 0;
  int errors = 0;
  int last_error = 0;
  std::size_t data_before_error = 0;  // how many bytes had arrived when the error came
  int accepted = 0;
  std::vector<int> fds;  // taken with uvref_pipe_accept_fd, owned
  bool take_fds = true;
  char buf[65536];
  ~Reader() {
    for (int fd : fds) ::close(fd);
  }
};

void alloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
  auto* r = static_cast<Reader*>(h->data);
  *buf = uv_buf_init(r->buf, sizeof r->buf);
}

void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  auto* r = static_cast<Reader*>(s->data);
  if (n > 0) r->data.append(buf->base, static_cast<std::size_t>(n));
  if (n == UV_EOF) r->eof++;
  if (n < 0 && n != UV_EOF) {
    r->errors++;
    r->last_error = static_cast<int>(n);
    r->data_before_error = r->data.size();
  }
  auto* p = reinterpret_cast<uv_pipe_t*>(s);
  while (r->take_fds && uv_pipe_pending_count(p) > 0) {
    int fd = -1;
    if (uvref_pipe_accept_fd(p, &fd) != 0) break;
    r->fds.push_back(fd);
    r->accepted++;
  }
}

/**
 * Runs the loop one iteration at a time until @p done(). Fails if the loop
 * dies first; a loop that stays alive without ever getting there is left to
 * CTest's timeout (no wall-clock bound here: the sanitizer builds are slow).
 */
template <typename Pred>
void run_until(uv_loop_t* loop, Pred done) {
  while (!done()) {
    int alive = uv_run(loop, UV_RUN_ONCE);
    if (done()) break;
    if (alive == 0) FAIL("the loop has nothing left to wait for");
  }
}

int count_cb_calls = 0;
void count_cb(uv_write_t*, int status) {
  if (status == 0) count_cb_calls++;
}

}  // namespace

TEST_CASE("ipc: uv_write2 sends a pipe handle; the receiver accepts it into a uv_pipe_t and uses it",
          "[fdpass][ipc][ex:fdpass-accept]") {
  IpcPair ipc;
  IpcPair cargo;  // cargo.a travels; cargo.b stays here to talk to it
  uv_pipe_t accepted{};
  Reader reader, far_end;
  TestLoop loop;
  ipc.open(loop);
  cargo.open(loop);
  REQUIRE(uv_pipe_init(loop, &accepted, 0) == 0);

  uv_write_t req;
  char msg[] = "take this";
  uv_buf_t buf = uv_buf_init(msg, 9);
  count_cb_calls = 0;
  REQUIRE(uv_write2(&req, as_stream(&ipc.a), &buf, 1, as_stream(&cargo.a), count_cb) == 0);
  reader.take_fds = false;
  ipc.b.data = &reader;
  REQUIRE(uv_read_start(as_stream(&ipc.b), alloc, on_read) == 0);
  run_until(loop, [&] { return reader.data.size() >= 9; });
  CHECK(count_cb_calls == 1);
  CHECK(reader.data == "take this");
  REQUIRE(uv_pipe_pending_count(&ipc.b) == 1);
  CHECK(uv_pipe_pending_type(&ipc.b) == UV_NAMED_PIPE);

  uv_timer_t dummy;  // a uv_timer_t is no stream: UV_EINVAL and the descriptor stays pending
  REQUIRE(uv_timer_init(loop, &dummy) == 0);
  CHECK(uv_accept(as_stream(&ipc.b), reinterpret_cast<uv_stream_t*>(&dummy)) == UV_EINVAL);
  CHECK(uv_pipe_pending_count(&ipc.b) == 1);
  REQUIRE(uv_accept(as_stream(&ipc.b), as_stream(&accepted)) == 0);
  CHECK(uv_pipe_pending_count(&ipc.b) == 0);
  CHECK(uv_accept(as_stream(&ipc.b), as_stream(&accepted)) == UV_EAGAIN);
  uv_os_fd_t afd, cfd;
  REQUIRE(uv_fileno(as_handle(&accepted), &afd) == 0);
  REQUIRE(uv_fileno(as_handle(&cargo.a), &cfd) == 0);
  CHECK(same_file(afd, cfd));

  // Bytes written through the accepted handle arrive at the cargo pipe's far end.
  uv_write_t req2;
  char hello[] = "hello";
  uv_buf_t hb = uv_buf_init(hello, 5);
  REQUIRE(uv_write(&req2, as_stream(&accepted), &hb, 1, count_cb) == 0);
  far_end.take_fds = false;
  cargo.b.data = &far_end;
  REQUIRE(uv_read_start(as_stream(&cargo.b), alloc, on_read) == 0);
  run_until(loop, [&] { return far_end.data.size() >= 5; });
  CHECK(far_end.data == "hello");
}

TEST_CASE("ipc: uvref_write2_fd sends raw descriptors (eventfd, memfd); uvref_pipe_accept_fd takes them",
          "[fdpass][ipc]") {
  IpcPair ipc;
  Reader reader;
  TestLoop loop;
  ipc.open(loop);
  Fd efd(::eventfd(0, EFD_CLOEXEC));
  Fd memfd(::memfd_create("uvref-ipc", MFD_CLOEXEC));

  uv_write_t r1, r2;
  char x[] = "xy";
  uv_buf_t b1 = uv_buf_init(x, 1), b2 = uv_buf_init(x + 1, 1);
  REQUIRE(uvref_write2_fd(&r1, as_stream(&ipc.a), &b1, 1, efd, nullptr) == 0);
  REQUIRE(uvref_write2_fd(&r2, as_stream(&ipc.a), &b2, 1, memfd, nullptr) == 0);
  uv_buf_t empty = uv_buf_init(x, 0);
  uv_write_t r3;
  CHECK(uvref_write2_fd(&r3, as_stream(&ipc.a), &empty, 1, efd, nullptr) == UV_EINVAL);  // libuv: silent loss

  ipc.b.data = &reader;
  REQUIRE(uv_read_start(as_stream(&ipc.b), alloc, on_read) == 0);
  run_until(loop, [&] { return reader.accepted >= 2; });
  CHECK(reader.data == "xy");
  CHECK(same_file(reader.fds[0], efd));
  CHECK(same_file(reader.fds[1], memfd));
  int none;
  CHECK(uvref_pipe_accept_fd(&ipc.b, &none) == UV_EAGAIN);
}

TEST_CASE("ipc: uv_write2 on a pipe that is not IPC is UV_EINVAL", "[fdpass][ipc]") {
  uv_pipe_t plain{}, cargo{};
  TestLoop loop;
  uv_os_sock_t sv[2];
  REQUIRE(uv_socketpair(SOCK_STREAM, 0, sv, UV_NONBLOCK_PIPE, UV_NONBLOCK_PIPE) == 0);
  REQUIRE(uv_pipe_init(loop, &plain, 0) == 0);
  REQUIRE(uv_pipe_init(loop, &cargo, 0) == 0);
  REQUIRE(uv_pipe_open(&plain, sv[0]) == 0);
  REQUIRE(uv_pipe_open(&cargo, sv[1]) == 0);
  uv_write_t req;
  char c = 'c';
  uv_buf_t buf = uv_buf_init(&c, 1);
  CHECK(uv_write2(&req, as_stream(&plain), &buf, 1, as_stream(&cargo), nullptr) == UV_EINVAL);
}

TEST_CASE("ipc: closing an IPC pipe closes every descriptor still pending",
          "[fdpass][ipc][ex:fdpass-pending-queue]") {
  std::size_t baseline = open_fd_count();
  {
    IpcPair ipc;
    Reader reader;
    TestLoop loop;
    ipc.open(loop);
    Fd efd(::eventfd(0, EFD_CLOEXEC));
    uv_write_t reqs[5];
    char c[] = "abcde";
    for (int i = 0; i < 5; i++) {
      uv_buf_t b = uv_buf_init(c + i, 1);
      REQUIRE(uvref_write2_fd(&reqs[i], as_stream(&ipc.a), &b, 1, efd, nullptr) == 0);
    }
    reader.take_fds = false;
    ipc.b.data = &reader;
    std::size_t before = open_fd_count();
    REQUIRE(uv_read_start(as_stream(&ipc.b), alloc, on_read) == 0);
    run_until(loop, [&] { return reader.data.size() >= 5; });
    CHECK(uv_pipe_pending_count(&ipc.b) == 5);
    CHECK(open_fd_count() == before + 5);
  }  // TestLoop closes ipc.b with 5 descriptors pending
  CHECK(open_fd_count() == baseline);
}

TEST_CASE("ipc: no loss: 100 handles written, the sender closes at once, all 100 accepted",
          "[fdpass][ipc][no-loss]") {
  constexpr int kN = 100;
  IpcPair ipc;
  IpcPair cargo;
  std::vector<uv_write_t> reqs(kN);
  Reader reader;
  TestLoop loop;
  ipc.open(loop);
  cargo.open(loop);
  count_cb_calls = 0;
  char c = 'h';
  for (int i = 0; i < kN; i++) {
    uv_buf_t b = uv_buf_init(&c, 1);
    REQUIRE(uv_write2(&reqs[static_cast<std::size_t>(i)], as_stream(&ipc.a), &b, 1, as_stream(&cargo.a),
                      count_cb) == 0);
  }
  uv_close(as_handle(&ipc.a), nullptr);  // at once: the receiver sees POLLIN | POLLHUP together
  ipc.b.data = &reader;
  REQUIRE(uv_read_start(as_stream(&ipc.b), alloc, on_read) == 0);
  run_until(loop, [&] { return reader.eof + reader.errors > 0; });
  CHECK(count_cb_calls == kN);
  CHECK(reader.data.size() == kN);
  CHECK(reader.accepted == kN);  // libuv 1.44.2: 1 (the POLLHUP short-cut)
  CHECK(reader.errors == 0);
}

namespace {

/** Child side of the 100 000 test: a uvref loop sending N raw descriptors with uvref_write2_fd. */
int child_send_many(int sock, int fd, int n) {
  struct Sender {
    uv_pipe_t pipe{};
    int fd, left, done = 0, failed = 0;
    char byte = 'd';
  } s{};
  s.fd = fd;
  s.left = n;
  uv_loop_t loop;
  if (uv_loop_init(&loop) != 0) return 10;
  if (uv_pipe_init(&loop, &s.pipe, 1) != 0 || uv_pipe_open(&s.pipe, sock) != 0) return 11;
  s.pipe.data = &s;
  static uv_write_t reqs[256];
  auto send_next = [](uv_write_t* req) {
    auto* st = static_cast<Sender*>(req->data);
    if (st->left == 0) return;
    st->left--;
    uv_buf_t b = uv_buf_init(&st->byte, 1);
    uv_write_cb cb = [](uv_write_t* r, int status) {
      auto* st2 = static_cast<Sender*>(r->data);
      if (status != 0) st2->failed++;
      st2->done++;
      if (st2->left > 0) {
        st2->left--;
        uv_buf_t b2 = uv_buf_init(&st2->byte, 1);
        if (uvref_write2_fd(r, reinterpret_cast<uv_stream_t*>(&st2->pipe), &b2, 1, st2->fd, r->cb) != 0)
          st2->failed++;
      }
    };
    if (uvref_write2_fd(req, reinterpret_cast<uv_stream_t*>(&st->pipe), &b, 1, st->fd, cb) != 0) st->failed++;
  };
  for (auto& r : reqs) {
    r.data = &s;
    send_next(&r);
  }
  uv_run(&loop, UV_RUN_DEFAULT);  // until the last write callback
  uv_close(reinterpret_cast<uv_handle_t*>(&s.pipe), nullptr);
  uv_run(&loop, UV_RUN_DEFAULT);
  if (uv_loop_close(&loop) != 0) return 12;
  return s.failed == 0 && s.done == n ? 0 : 13;
}

/** Receiver: checks each descriptor against the original, closes it, counts. */
struct Counter {
  int origin;
  long received = 0, wrong = 0, eof = 0, errors = 0;
  char buf[4096];
};

}  // namespace

TEST_CASE("ipc: 100 000 descriptors between two processes, none lost, none leaked",
          "[fdpass][ipc][many][fork]") {
  constexpr int kN = 100000;
  uv_pipe_t pipe{};
  Counter counter{};
  std::size_t baseline = open_fd_count();
  {
    TestLoop loop;
    Fd origin(::eventfd(0, EFD_CLOEXEC));
    counter.origin = origin;
    uv_os_sock_t sv[2];
    REQUIRE(uv_socketpair(SOCK_STREAM, 0, sv, UV_NONBLOCK_PIPE, UV_NONBLOCK_PIPE) == 0);
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(sv[1]);
      ::_exit(child_send_many(sv[0], origin, kN));
    }
    ::close(sv[0]);
    REQUIRE(uv_pipe_init(loop, &pipe, 1) == 0);
    REQUIRE(uv_pipe_open(&pipe, sv[1]) == 0);
    pipe.data = &counter;
    REQUIRE(uv_read_start(
                as_stream(&pipe),
                [](uv_handle_t* h, size_t, uv_buf_t* b) {
                  auto* c = static_cast<Counter*>(h->data);
                  *b = uv_buf_init(c->buf, sizeof c->buf);
                },
                [](uv_stream_t* s, ssize_t n, const uv_buf_t*) {
                  auto* c = static_cast<Counter*>(s->data);
                  if (n == UV_EOF) c->eof++;
                  else if (n < 0) c->errors++;
                  int fd;
                  while (uvref_pipe_accept_fd(reinterpret_cast<uv_pipe_t*>(s), &fd) == 0) {
                    if (::syscall(SYS_kcmp, ::getpid(), ::getpid(), KCMP_FILE, fd, c->origin) != 0) c->wrong++;
                    ::close(fd);
                    c->received++;
                  }
                }) == 0);
    run_until(loop, [&] { return counter.eof + counter.errors > 0; });
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
  }
  CHECK(counter.received == kN);
  CHECK(counter.wrong == 0);
  CHECK(counter.errors == 0);
  CHECK(open_fd_count() == baseline);
}

TEST_CASE("ipc: parent and child over uv_socketpair: the child answers through a passed pipe",
          "[fdpass][ipc][fork]") {
  IpcPair cargo;  // the parent keeps cargo.b and sends cargo.a to the child
  uv_pipe_t ipc{};
  Reader reply;
  TestLoop loop;
  cargo.open(loop);
  uv_os_sock_t sv[2];
  REQUIRE(uv_socketpair(SOCK_STREAM, 0, sv, UV_NONBLOCK_PIPE, 0) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(sv[0]);
    // Child: a fresh loop, an IPC pipe on its end, accept the passed pipe, answer through it.
    struct Child {
      uv_loop_t loop;
      uv_pipe_t ipc{}, got{};
      uv_write_t w;
      char buf[64], answer[16] = "child says hi";
      int code = 20;
    } ch;
    if (uv_loop_init(&ch.loop) != 0) ::_exit(21);
    if (uv_pipe_init(&ch.loop, &ch.ipc, 1) != 0 || uv_pipe_open(&ch.ipc, sv[1]) != 0) ::_exit(22);
    if (uv_pipe_init(&ch.loop, &ch.got, 0) != 0) ::_exit(23);
    ch.ipc.data = &ch;
    uv_read_start(
        reinterpret_cast<uv_stream_t*>(&ch.ipc),
        [](uv_handle_t* h, size_t, uv_buf_t* b) {
          auto* c = static_cast<Child*>(h->data);
          *b = uv_buf_init(c->buf, sizeof c->buf);
        },
        [](uv_stream_t* s, ssize_t n, const uv_buf_t*) {
          auto* c = static_cast<Child*>(s->data);
          if (n <= 0) return;
          if (uv_pipe_pending_type(&c->ipc) != UV_NAMED_PIPE) return;
          if (uv_accept(s, reinterpret_cast<uv_stream_t*>(&c->got)) != 0) return;
          uv_buf_t b = uv_buf_init(c->answer, 13);
          if (uv_write(&c->w, reinterpret_cast<uv_stream_t*>(&c->got), &b, 1, [](uv_write_t* w, int st) {
                auto* c2 = static_cast<Child*>(w->handle->loop->data);
                c2->code = st == 0 ? 0 : 24;
                uv_close(reinterpret_cast<uv_handle_t*>(&c2->got), nullptr);
                uv_close(reinterpret_cast<uv_handle_t*>(&c2->ipc), nullptr);
              }) != 0)
            c->code = 25;
        });
    ch.loop.data = &ch;
    uv_run(&ch.loop, UV_RUN_DEFAULT);
    ::_exit(uv_loop_close(&ch.loop) == 0 ? ch.code : 26);
  }
  ::close(sv[1]);
  REQUIRE(uv_pipe_init(loop, &ipc, 1) == 0);
  REQUIRE(uv_pipe_open(&ipc, sv[0]) == 0);
  uv_write_t req;
  char c = 'p';
  uv_buf_t b = uv_buf_init(&c, 1);
  REQUIRE(uv_write2(&req, as_stream(&ipc), &b, 1, as_stream(&cargo.a), nullptr) == 0);
  uv_close(as_handle(&cargo.a), nullptr);  // sent: the child's copy is the only one that matters now

  reply.take_fds = false;
  cargo.b.data = &reply;
  REQUIRE(uv_read_start(as_stream(&cargo.b), alloc, on_read) == 0);
  run_until(loop, [&] { return reply.eof + reply.errors > 0; });
  CHECK(reply.data == "child says hi");
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
}

TEST_CASE("ipc: 253 descriptors in one message (SCM_MAX_FD): all pending, no error", "[fdpass][ipc][ctrunc]") {
  // libuv 1.44.2: 64 pending, 189 closed by the kernel, no error.
  uv_pipe_t receiver{};
  Reader reader;
  TestLoop loop;
  Fd raw = open_ipc_receiver(loop, &receiver);

  Fd origin(::eventfd(0, EFD_CLOEXEC));
  send_copies(raw, origin, 253);

  receiver.data = &reader;
  REQUIRE(uv_read_start(as_stream(&receiver), alloc, on_read) == 0);
  run_until(loop, [&] { return reader.data.size() >= 1; });
  CHECK(reader.errors == 0);
  CHECK(reader.fds.size() == 253);
}

namespace {

/** What the program saw, in order: "data:<bytes>", "error:<code>", "eof". */
struct ReadLog {
  std::vector<std::string> events;
  bool stop_on_data = false;  // uv_read_stop() in the callback that delivers bytes
  char buf[64];
};

void log_alloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
  auto* log = static_cast<ReadLog*>(h->data);
  *buf = uv_buf_init(log->buf, sizeof log->buf);
}

void log_read(uv_stream_t* s, ssize_t n, const uv_buf_t* buf) {
  auto* log = static_cast<ReadLog*>(s->data);
  if (n > 0) log->events.push_back("data:" + std::string(buf->base, static_cast<std::size_t>(n)));
  if (n == UV_EOF) log->events.emplace_back("eof");
  if (n < 0 && n != UV_EOF) log->events.push_back("error:" + std::to_string(n));
  if (n > 0 && log->stop_on_data) uv_read_stop(s);
}

/** An IPC pipe that has one message of ten descriptors waiting, "x" its only byte. */
struct TenInFlight {
  uv_pipe_t receiver{};
  ReadLog log;
  TestLoop loop;  // after the handle: it closes it while its memory is alive
  Fd raw = open_ipc_receiver(loop, &receiver);
  Fd origin{::eventfd(0, EFD_CLOEXEC)};
  TenInFlight() {
    send_copies(raw, origin, 10);
    receiver.data = &log;
  }
  int start() { return uv_read_start(as_stream(&receiver), log_alloc, log_read); }
};

}  // namespace

TEST_CASE("ipc: descriptors cut off by RLIMIT_NOFILE: the bytes, then UV_EMSGSIZE, reading goes on",
          "[fdpass][ipc][ctrunc][ex:fdpass-pending-queue]") {
  TenInFlight t;
  auto& [receiver, log, loop, raw, origin] = t;
  REQUIRE(::write(raw, "after", 5) == 5);
  REQUIRE(t.start() == 0);
  {
    NofileRoom room(3);
    run_until(loop, [&] { return log.events.size() >= 2; });
  }
  run_until(loop, [&] { return log.events.size() >= 3; });
  CHECK(log.events == std::vector<std::string>{"data:x", "error:" + std::to_string(UV_EMSGSIZE), "data:after"});
  CHECK(uv_pipe_pending_count(&receiver) == 3);  // what fitted; the kernel closed the other 7
}

TEST_CASE("ipc: UV_EMSGSIZE is kept for a program that stops reading in the callback that got the bytes",
          "[fdpass][ipc][ctrunc]") {
  // Pause, take the pending handles, resume: the loss must still be reported,
  // first thing after uv_read_start(), before any later bytes.
  TenInFlight t;
  auto& [receiver, log, loop, raw, origin] = t;
  log.stop_on_data = true;
  REQUIRE(t.start() == 0);
  {
    NofileRoom room(3);
    run_until(loop, [&] { return !log.events.empty(); });
  }
  uv_run(loop, UV_RUN_NOWAIT);  // not reading: nothing more may arrive
  CHECK(log.events == std::vector<std::string>{"data:x"});
  CHECK(uv_pipe_pending_count(&receiver) == 3);

  SECTION("more bytes wait in the socket") {
    REQUIRE(::write(raw, "after", 5) == 5);
    log.stop_on_data = false;
    REQUIRE(t.start() == 0);
    run_until(loop, [&] { return log.events.back() == "data:after"; });
    CHECK(log.events == std::vector<std::string>{"data:x", "error:" + std::to_string(UV_EMSGSIZE), "data:after"});
  }
  SECTION("nothing more was sent") {
    log.stop_on_data = false;
    REQUIRE(t.start() == 0);
    CHECK(log.events.size() == 1);  // never inside uv_read_start() itself
    for (int i = 0; i < 3 && log.events.size() < 2; i++) uv_run(loop, UV_RUN_NOWAIT);  // no byte will wake it
    CHECK(log.events == std::vector<std::string>{"data:x", "error:" + std::to_string(UV_EMSGSIZE)});
  }
}

TEST_CASE("ipc: uv_write2 with 1025 buffers, the first 1024 empty: the byte and the handle arrive",
          "[fdpass][ipc]") {
  // libuv 1.44.2: status 0, one byte sent, the descriptor silently not sent.
  IpcPair ipc;
  IpcPair cargo;
  Reader reader;
  TestLoop loop;
  ipc.open(loop);
  cargo.open(loop);

  char c = 'z';
  std::vector<uv_buf_t> bufs(1025, uv_buf_init(nullptr, 0));
  bufs.back() = uv_buf_init(&c, 1);
  uv_write_t req;
  struct Status {
    int calls = 0, last = 1;
  } st;
  req.data = &st;
  REQUIRE(uv_write2(&req, as_stream(&ipc.a), bufs.data(), 1025, as_stream(&cargo.a), [](uv_write_t* r, int status) {
            auto* s = static_cast<Status*>(r->data);
            s->calls++;
            s->last = status;
          }) == 0);
  ipc.b.data = &reader;
  REQUIRE(uv_read_start(as_stream(&ipc.b), alloc, on_read) == 0);
  run_until(loop, [&] { return st.calls == 1 && (st.last != 0 || !reader.data.empty()); });
  CHECK(st.last == 0);
  CHECK(reader.data == "z");
  REQUIRE(reader.fds.size() == 1);
  uv_os_fd_t cfd;
  REQUIRE(uv_fileno(as_handle(&cargo.a), &cfd) == 0);
  CHECK(same_file(reader.fds[0], cfd));
}

TEST_CASE("ipc: uv_write2 with a garbage send_handle is UV_EBADF, never a crash", "[fdpass][ipc]") {
  // Uninitialised memory as the handle: its type field holds no uv_handle_type
  // value. The UBSan build must not trip over reading it (libuv: UV_EBADF).
  IpcPair ipc;
  TestLoop loop;
  ipc.open(loop);
  alignas(uv_pipe_t) unsigned char garbage[sizeof(uv_pipe_t)];
  std::memset(garbage, 0xa5, sizeof garbage);
  char c = 'g';
  uv_buf_t b = uv_buf_init(&c, 1);
  uv_write_t req;
  CHECK(uv_write2(&req, as_stream(&ipc.a), &b, 1, reinterpret_cast<uv_stream_t*>(garbage), nullptr) == UV_EBADF);
  CHECK(loop.get()->active_reqs.count == 0);
}
