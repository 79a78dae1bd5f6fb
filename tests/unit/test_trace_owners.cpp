// UVREF_TRACE names which handle or loop a call is about, by address, and stop()
// is safe while other threads print. The owner phrases themselves are in
// src/sys/trace_units.cpp; how the handle is found is in src/sys/trace_loops.cpp.
#include <fcntl.h>
#include <sched.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/test_support.h"
#include "sys/sys.h"
#include "sys/trace.h"
#include "test_fs_support.h"

namespace trace = uvref::sys::trace;
using uvref::test::as_handle;
using uvref::test::as_stream;
using uvref::test::ScratchPath;

namespace {

std::string address(const void* p) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%p", p);
  return buf;
}

/** The JSON lines of the trace file that contain every one of @p parts. */
std::vector<std::string> lines_with(const std::string& text, std::initializer_list<std::string> parts) {
  std::vector<std::string> found;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    bool all = true;
    for (const std::string& p : parts) all = all && line.find(p) != std::string::npos;
    if (all) found.push_back(line);
  }
  return found;
}

struct Passing {
  uv_pipe_t sender, receiver, cargo, client;
  uv_write_t req;
  bool accepted = false;
};

}  // namespace

TEST_CASE("trace: lines name the loop and the handle by address", "[trace]") {
  ScratchPath file;
  int out = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  REQUIRE(out >= 0);
  trace::start_fd(out, true, ~0u);  // before the loop: a loop set up while the trace is off is not named
  Passing p;
  std::string loop_address;
  {
    uvref::test::TestLoop loop;
    loop_address = address(loop.get());
    uv_os_sock_t pair[2];
    uv_file ends[2];
    REQUIRE(uv_socketpair(SOCK_STREAM, 0, pair, 0, 0) == 0);
    REQUIRE(uv_pipe(ends, 0, 0) == 0);
    REQUIRE(uv_pipe_init(loop, &p.sender, 1) == 0);
    REQUIRE(uv_pipe_init(loop, &p.receiver, 1) == 0);
    REQUIRE(uv_pipe_init(loop, &p.cargo, 0) == 0);
    REQUIRE(uv_pipe_open(&p.sender, pair[0]) == 0);
    REQUIRE(uv_pipe_open(&p.receiver, pair[1]) == 0);
    REQUIRE(uv_pipe_open(&p.cargo, ends[0]) == 0);
    ::close(ends[1]);
    p.receiver.data = &p;
    uv_buf_t one = uv_buf_init(const_cast<char*>("x"), 1);
    REQUIRE(uv_write2(&p.req, as_stream(&p.sender), &one, 1, as_stream(&p.cargo), nullptr) == 0);
    REQUIRE(uv_read_start(
                as_stream(&p.receiver),
                [](uv_handle_t*, size_t, uv_buf_t* buf) {
                  static char storage[64];
                  *buf = uv_buf_init(storage, sizeof storage);
                },
                [](uv_stream_t* s, ssize_t n, const uv_buf_t*) {
                  auto* pass = static_cast<Passing*>(s->data);
                  if (n > 0 && uv_pipe_pending_count(reinterpret_cast<uv_pipe_t*>(s)) > 0) {
                    REQUIRE(uv_pipe_init(s->loop, &pass->client, 0) == 0);
                    pass->accepted = uv_accept(s, as_stream(&pass->client)) == 0;
                  }
                  uv_read_stop(s);
                }) == 0);
    REQUIRE(uv_run(loop, UV_RUN_DEFAULT) == 0);
    CHECK(p.accepted);
  }  // the loop closes every handle, then itself
  trace::stop();
  ::close(out);
  std::string text = file.read();
  INFO(text);

  // Stages 1, 3 and 4 name the loop (in the owner text and the `loop` key); stage 2 is the process's.
  const std::string loop_key = "\"loop\":\"" + loop_address + "\"";
  auto epoll = lines_with(text, {"\"call\":\"epoll_create1\""});
  REQUIRE(epoll.size() == 1);
  CHECK(epoll[0].find("Stage 1: loop " + loop_address + "->backend_fd") != std::string::npos);
  CHECK(epoll[0].find(loop_key) != std::string::npos);
  CHECK(epoll[0].find("\"handle\":null") != std::string::npos);
  auto signal_pipe = lines_with(text, {"\"unit\":\"loop_init/signal_pipe.cpp\"", "\"call\":\"pipe2\""});
  REQUIRE(signal_pipe.size() == 1);
  CHECK(signal_pipe[0].find("Stage 3: loop " + loop_address + "->signal_pipefd[0]") != std::string::npos);
  auto eventfd = lines_with(text, {"\"call\":\"eventfd2\""});
  REQUIRE(eventfd.size() == 1);
  CHECK(eventfd[0].find("Stage 4: loop " + loop_address + "->async_io_watcher.fd") != std::string::npos);
  for (const std::string& line : lines_with(text, {"\"unit\":\"loop_init/signal_lock_pipe.cpp\""}))
    CHECK(line.find("\"loop\":null") != std::string::npos);
  auto closed = lines_with(text, {"\"unit\":\"loop_init/epoll_create.cpp\"", "\"call\":\"close\""});
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].find("loop " + loop_address + "->backend_fd closed") != std::string::npos);

  // The descriptor's way: sent from the sender, received into the receiver, accepted into the client.
  const std::string sender = address(&p.sender), receiver = address(&p.receiver), client = address(&p.client);
  auto sent = lines_with(text, {"\"call\":\"sendmsg\""});
  REQUIRE(sent.size() == 1);
  CHECK(sent[0].find("now in flight from uv_pipe_t " + sender) != std::string::npos);
  CHECK(sent[0].find("\"handle\":\"" + sender + "\"") != std::string::npos);
  auto received = lines_with(text, {"\"call\":\"recvmsg\"", "SCM_RIGHTS["});
  REQUIRE(received.size() == 1);
  CHECK(received[0].find("the pending queue (queued_fds), of uv_pipe_t " + receiver) != std::string::npos);
  CHECK(received[0].find("\"handle\":\"" + receiver + "\"") != std::string::npos);
  CHECK(received[0].find(loop_key) != std::string::npos);
  auto accepted = lines_with(text, {"\"unit\":\"fdpass/accept.cpp\"", "\"call\":\"fcntl\""});
  REQUIRE_FALSE(accepted.empty());
  for (const std::string& line : accepted) {
    CHECK(line.find("accepted into uv_pipe_t " + client) != std::string::npos);
    CHECK(line.find("\"handle\":\"" + client + "\"") != std::string::npos);
  }
  // uv_close() of the receiver: its own descriptor, named with its field.
  auto receiver_closed = lines_with(text, {"\"unit\":\"stream/stream_close.cpp\"", "uv_pipe_t " + receiver});
  REQUIRE(receiver_closed.size() == 1);
  CHECK(receiver_closed[0].find("uv_pipe_t " + receiver + "->io_watcher.fd closed") != std::string::npos);
}

TEST_CASE("trace: a loop set up while the trace was off keeps the fixed phrase", "[trace]") {
  uvref::test::TestLoop loop;  // before start_fd(): the trace never saw it being set up
  uv_pipe_t pipe;
  uv_file ends[2];
  REQUIRE(uv_pipe(ends, 0, 0) == 0);
  REQUIRE(uv_pipe_init(loop, &pipe, 0) == 0);
  REQUIRE(uv_pipe_open(&pipe, ends[0]) == 0);
  ::close(ends[1]);
  ScratchPath file;
  int out = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  REQUIRE(out >= 0);
  trace::start_fd(out, true, ~0u);
  uv_close(as_handle(&pipe), nullptr);
  trace::stop();
  ::close(out);
  std::string text = file.read();
  INFO(text);
  auto closed = lines_with(text, {"\"unit\":\"stream/stream_close.cpp\""});
  REQUIRE(closed.size() == 1);
  CHECK(closed[0].find("the stream's io_watcher.fd (or accepted_fd) closed") != std::string::npos);
  CHECK(closed[0].find("\"handle\":null") != std::string::npos);
}

TEST_CASE("trace: stop() while pool threads print never writes into a file that reuses the number", "[trace]") {
  // Pool threads print without pause; the main thread starts a trace into one file, stops
  // it, and at once opens another file at 100 or above, where the trace's descriptor was.
  // If stop() closed the descriptor under a thread that had already read its number, that
  // thread's line would land in the second file.
  ScratchPath traced, victim;
  static std::atomic<bool> printing;
  static std::atomic<int> running;
  printing = true;
  running = 0;
  uvref::test::TestLoop loop;
  uv_work_t work[4];
  for (uv_work_t& w : work) {
    REQUIRE(uv_queue_work(
                loop, &w,
                [](uv_work_t*) {
                  running.fetch_add(1);
                  while (printing.load()) uvref::sys::fcntl(STDIN_FILENO, F_GETFD);  // one trace line each
                },
                [](uv_work_t*, int) {}) == 0);
  }
  std::string spec = std::string("other,") + traced.c_str();
  trace::Config config = trace::parse(spec.c_str(), nullptr);
  REQUIRE(config.on);
  int held = -1;  // the other file, open until the next round's stop(): a late line has time to land in it
  // On a loaded machine the pool threads may not have run yet: the rounds would then race
  // with nobody. So every thread is printing before the first round, and each round's
  // stop() comes only once the traced file has grown since the last round.
  while (running.load() < 4) sched_yield();
  struct stat st;
  off_t size = 0;
  for (int i = 0; i < 100; ++i) {
    REQUIRE(trace::start(config) == 0);
    do {
      sched_yield();
      REQUIRE(::stat(traced.c_str(), &st) == 0);
    } while (st.st_size == size);
    size = st.st_size;
    trace::stop();
    if (held >= 0) ::close(held);
    int opened = ::open(victim.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    REQUIRE(opened >= 0);
    held = ::fcntl(opened, F_DUPFD_CLOEXEC, 100);
    // No change for the kernel; ThreadSanitizer, which does not see fcntl() make a
    // descriptor, learns that this number is a new file (as trace.cpp does for its own).
    if (held >= 0) ::dup3(opened, held, O_CLOEXEC);
    ::close(opened);
    REQUIRE(held >= 100);
    sched_yield();
  }
  ::close(held);
  printing = false;
  REQUIRE(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(::stat(victim.c_str(), &st) == 0);
  CHECK(st.st_size == 0);
}

TEST_CASE("trace: loops whose set-up failed at stage 1 do not use up the table", "[trace]") {
  // The table has 64 slots. uv_loop_init() claims one before stage 1; when epoll_create1()
  // fails there is no epoll descriptor whose close() would give it back. Threads that each
  // failed once (and set up no loop again) must not leave the next loops unnamed.
  ScratchPath file;
  int out = ::open(file.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  REQUIRE(out >= 0);
  trace::start_fd(out, true, ~0u);
  {
    uvref::sys::fault::ScopedFault no_epoll({.call = uvref::sys::Call::epoll_create1, .error = EMFILE, .times = 0});
    // All alive at once: a thread that ends may pass its id on to the next, which then
    // finds its own slot again.
    std::atomic<int> tried{0}, failed{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 65; ++i) {
      threads.emplace_back([&tried, &failed] {
        uv_loop_t never;
        if (uv_loop_init(&never) == UV_EMFILE) ++failed;
        ++tried;
        while (tried.load() < 65) sched_yield();
      });
    }
    for (std::thread& t : threads) t.join();
    CHECK(failed.load() == 65);
  }
  uv_loop_t loop;
  REQUIRE(uv_loop_init(&loop) == 0);
  int backend = loop.backend_fd;
  REQUIRE(uv_loop_close(&loop) == 0);
  trace::stop();
  ::close(out);
  auto made = lines_with(file.read(), {"\"call\":\"epoll_create1\"", "\"result\":" + std::to_string(backend) + ","});
  REQUIRE(made.size() == 1);
  CHECK(made[0].find("\"loop\":\"" + address(&loop) + "\"") != std::string::npos);
}
