// The fault matrix for streams, pipes and the loop: the drivers that make each
// row's program call with its fault armed, one test case per program call (the
// rows naming it are run by run_rows(), see fault_matrix.h).
#include <sys/eventfd.h>

#include <memory>
#include <string>
#include <vector>

#include "fault_matrix.h"
#include "fault_matrix_setup.h"
#include "test_stream_helpers.h"

using namespace uvref::test;
using namespace uvref::test::fdpass;
using namespace uvref::test::matrix;

namespace {

// --- reading: uv_read_start on a pipe or an IPC pipe ----------------------------------

struct ReadState {
  std::string data;
  int zero = 0, data_cbs = 0;
  long error = 0;
  char buf[64];
};

std::string drive_read(const fault::Rule& rule, bool ipc) {
  uv_pipe_t reader;
  ReadState st;
  TestLoop loop;
  auto [raw, theirs] = socket_pair();
  REQUIRE(uv_pipe_init(loop, &reader, ipc ? 1 : 0) == 0);
  REQUIRE(uv_pipe_open(&reader, theirs.release()) == 0);
  Fd cargo(::eventfd(0, EFD_CLOEXEC));
  if (ipc)
    REQUIRE(send_fds(raw, {cargo.get()}, "hello") == 5);
  else
    REQUIRE(::write(raw, "hello", 5) == 5);
  reader.data = &st;
  settle(loop);
  {
    fault::ScopedFault f(rule);
    REQUIRE(uv_read_start(
                as_stream(&reader),
                [](uv_handle_t* h, size_t, uv_buf_t* b) {
                  auto* s = static_cast<ReadState*>(h->data);
                  *b = uv_buf_init(s->buf, sizeof s->buf);
                },
                [](uv_stream_t* s, ssize_t n, const uv_buf_t* b) {
                  auto* rs = static_cast<ReadState*>(s->data);
                  if (n == 0) rs->zero++;
                  if (n > 0) {
                    rs->data.append(b->base, static_cast<std::size_t>(n));
                    rs->data_cbs++;
                  }
                  if (n < 0) {
                    rs->error = n;
                    uv_read_stop(s);
                  }
                }) == 0);
    run_nowait(loop, [&] { return st.error != 0 || st.data.size() >= 5; });
  }
  if (st.error != 0) return "read_cb(" + uv_code(st.error) + ")";
  if (st.data.empty() && st.zero == 0) return "nothing: read_cb not called";
  if (st.data != "hello") return "lost bytes: " + st.data;
  if (ipc) {  // the descriptor came with the bytes, close-on-exec
    int fd = -1;
    if (uvref_pipe_accept_fd(&reader, &fd) != 0) return "descriptor lost";
    Fd got(fd);
    if (!same_file(got, cargo) || !(::fcntl(got, F_GETFD) & FD_CLOEXEC)) return "wrong descriptor";
  }
  if (st.zero > 0) return "read_cb(0), then delivered";
  if (st.data_cbs > 1) return "delivered in pieces";
  return "delivered";
}

// --- writing: uv_write with one or two buffers, uvref_write2_fd -----------------------

struct WriteState {
  int calls = 0;
  int status = 1;
};

/**
 * uv_write() (or uvref_write2_fd()) of "hello" to a socketpair. @p full: the
 * first write() also fails with EAGAIN (the socket buffer is full), so the
 * request waits for POLLOUT and the row's fault meets that wait.
 */
std::string drive_write(const fault::Rule& rule, int nbufs, bool with_fd, bool full = false) {
  uv_pipe_t writer;
  WriteState st;
  TestLoop loop;
  auto [raw, theirs] = socket_pair();
  REQUIRE(uvref::sys::set_nonblock(raw, true) == 0);
  REQUIRE(uv_pipe_init(loop, &writer, with_fd ? 1 : 0) == 0);
  REQUIRE(uv_pipe_open(&writer, theirs.release()) == 0);
  Fd cargo(::eventfd(0, EFD_CLOEXEC));
  char text[] = "hello";
  uv_buf_t bufs[2] = {uv_buf_init(text, nbufs == 1 ? 5 : 3), uv_buf_init(text + 3, 2)};
  uv_write_t req;
  req.data = &st;
  uv_write_cb cb = [](uv_write_t* r, int status) {
    auto* s = static_cast<WriteState*>(r->data);
    s->calls++;
    s->status = status;
  };
  bool at_once;
  settle(loop);
  {
    fault::ScopedFault f(rule);
    std::unique_ptr<fault::ScopedFault> buffer_full;
    if (full) buffer_full = std::make_unique<fault::ScopedFault>(fault::Rule{.call = Call::write, .error = EAGAIN});
    if (with_fd)
      REQUIRE(uvref_write2_fd(&req, as_stream(&writer), bufs, static_cast<unsigned>(nbufs), cargo, cb) == 0);
    else
      REQUIRE(uv_write(&req, as_stream(&writer), bufs, static_cast<unsigned>(nbufs), cb) == 0);
    at_once = writer.write_queue_size == 0;
    CHECK(st.calls == 0);  // never inside uv_write()
    run_nowait(loop, [&] { return st.calls > 0; });
  }
  if (st.calls != 1) return "write_cb called " + std::to_string(st.calls) + " times";
  if (st.status != 0) return "write_cb(" + uv_code(st.status) + ")";
  std::string got;
  std::vector<Fd> fds;
  for (;;) {
    Received r = recv_fds(raw);
    if (r.n <= 0) break;
    got += r.data;
    for (auto& fd : r.fds) fds.push_back(std::move(fd));
  }
  if (got != "hello") return "write_cb(0) but the peer got: " + got;
  if (with_fd && (fds.size() != 1 || !same_file(fds[0], cargo))) return "write_cb(0) but the descriptor was lost";
  return at_once ? "written at once; write_cb(0)" : "queued; write_cb(0)";
}

// --- accepting: uv_listen on a named pipe ---------------------------------------------

struct ListenState {
  uv_pipe_t client;
  int calls = 0;
  int status = 1;
};

std::string drive_accept(const fault::Rule& rule) {
  uv_pipe_t server;
  ListenState st;
  TestLoop loop;
  std::string path = bind_temp(&server, loop);
  settle(loop);
  server.data = &st;
  REQUIRE(uv_listen(as_stream(&server), 8, [](uv_stream_t* s, int status) {
            auto* ls = static_cast<ListenState*>(s->data);
            ls->calls++;
            ls->status = status;
            if (status != 0) return;
            REQUIRE(uv_pipe_init(s->loop, &ls->client, 0) == 0);
            REQUIRE(uv_accept(s, as_stream(&ls->client)) == 0);
          }) == 0);
  Fd client = connect_plain(path);
  {
    fault::ScopedFault f(rule);
    for (int i = 0; i < 5 && st.calls == 0; i++) uv_run(loop, UV_RUN_NOWAIT);
  }
  if (st.calls > 0) return "connection_cb(" + uv_code(st.status) + ")";
  char c;
  if (::recv(client, &c, 1, MSG_DONTWAIT) == 0) return "connection shed: the client reads EOF";
  return "nothing happened";
}

// --- connecting: uv_pipe_connect -------------------------------------------------------

std::string drive_connect(const fault::Rule& rule) {
  uv_pipe_t server, client;
  uv_connect_t req;
  Reported got;
  TestLoop loop;
  std::string path = bind_temp(&server, loop);
  REQUIRE(uv_listen(as_stream(&server), 8, [](uv_stream_t*, int) {}) == 0);
  REQUIRE(uv_pipe_init(loop, &client, 0) == 0);
  req.data = &got;
  {
    fault::ScopedFault f(rule);
    uv_pipe_connect(&req, &client, path.c_str(), Reported::record<uv_connect_t>);
    CHECK(got.calls == 0);  // never inside uv_pipe_connect()
  }
  run_while(loop, [&] { return got.calls > 0; });
  REQUIRE(got.calls == 1);
  return got.as("connect_cb");
}

// --- calls that return the error -------------------------------------------------------

std::string drive_bind(const fault::Rule& rule) {
  uv_pipe_t server;
  TestLoop loop;
  std::string path = temp_socket_path("fault");
  REQUIRE(uv_pipe_init(loop, &server, 0) == 0);
  fault::ScopedFault f(rule);
  return returns("uv_pipe_bind", uv_pipe_bind(&server, path.c_str()));
}

/** uv_pipe() or uv_socketpair() (@p make) with the fault armed; a pair made is closed again. */
template <typename Make>
std::string drive_pair(const fault::Rule& rule, const char* what, Make make) {
  int fds[2] = {-1, -1};
  int r;
  {
    fault::ScopedFault f(rule);
    r = make(fds);
  }
  if (r == 0) {
    ::close(fds[0]);
    ::close(fds[1]);
  }
  return returns(what, r);
}

std::string drive_loop_init(const fault::Rule& rule) {
  uv_loop_t l;
  int r;
  {
    fault::ScopedFault f(rule);
    r = uv_loop_init(&l);
  }
  if (r == 0) REQUIRE(uv_loop_close(&l) == 0);
  return returns("uv_loop_init", r);
}

std::string drive_epoll_wait(const fault::Rule& rule) {
  uv_timer_t timer;
  int fired = 0;
  TestLoop loop;
  REQUIRE(uv_timer_init(loop, &timer) == 0);
  timer.data = &fired;
  REQUIRE(uv_timer_start(&timer, [](uv_timer_t* t) { ++*static_cast<int*>(t->data); }, 1, 0) == 0);
  fault::ScopedFault f(rule);
  uv_run(loop, UV_RUN_DEFAULT);
  return fired == 1 ? "the timer fires" : "the timer did not fire";
}

}  // namespace

TEST_CASE("fault matrix: uv_read_start (pipe)", "[fault][matrix]") {
  run_rows([](const fault::Rule& r) { return drive_read(r, false); });
}
TEST_CASE("fault matrix: uv_read_start (IPC pipe)", "[fault][matrix]") {
  run_rows([](const fault::Rule& r) { return drive_read(r, true); });
}
TEST_CASE("fault matrix: uv_write (1 buffer)", "[fault][matrix]") {
  run_rows([](const fault::Rule& r) { return drive_write(r, 1, false); });
}
TEST_CASE("fault matrix: uv_write (1 buffer) with the socket buffer full", "[fault][matrix]") {
  run_rows([](const fault::Rule& r) { return drive_write(r, 1, false, true); });
}
TEST_CASE("fault matrix: uv_write (2 buffers)", "[fault][matrix]") {
  run_rows([](const fault::Rule& r) { return drive_write(r, 2, false); });
}
TEST_CASE("fault matrix: uvref_write2_fd", "[fault][matrix]") {
  run_rows([](const fault::Rule& r) { return drive_write(r, 1, true); });
}
TEST_CASE("fault matrix: uv_listen (named pipe)", "[fault][matrix]") { run_rows(drive_accept); }
TEST_CASE("fault matrix: uv_pipe_connect", "[fault][matrix]") { run_rows(drive_connect); }
TEST_CASE("fault matrix: uv_pipe_bind", "[fault][matrix]") { run_rows(drive_bind); }
TEST_CASE("fault matrix: uv_socketpair", "[fault][matrix]") {
  run_rows([](const fault::Rule& r) {
    return drive_pair(r, "uv_socketpair", [](int* fds) { return uv_socketpair(SOCK_STREAM, 0, fds, 0, 0); });
  });
}
TEST_CASE("fault matrix: uv_pipe", "[fault][matrix]") {
  run_rows([](const fault::Rule& r) { return drive_pair(r, "uv_pipe", [](int* fds) { return uv_pipe(fds, 0, 0); }); });
}
TEST_CASE("fault matrix: uv_loop_init", "[fault][matrix]") { run_rows(drive_loop_init); }
TEST_CASE("fault matrix: uv_run (a 1 ms timer)", "[fault][matrix]") { run_rows(drive_epoll_wait); }
