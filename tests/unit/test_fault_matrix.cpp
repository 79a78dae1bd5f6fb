// The fault-injection matrix: every row of fault_matrix.tsv (a syscall made
// through the seam, an error the kernel can return there, the program call
// that reaches it, the outcome uvref documents) is armed with a fault rule,
// driven through the public API, and its outcome compared word for word with
// the table. Every row also checks that no descriptor outlives it (the ASan
// build checks memory). docs/tried.md renders the same file.
#include <sys/eventfd.h>
#include <sys/un.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "test_fdpass_support.h"
#include "test_stream_helpers.h"

using namespace uvref::test;
using namespace uvref::test::fdpass;
using uvref::sys::Call;
namespace fault = uvref::sys::fault;

namespace {

struct Row {
  std::string call, error, operation, outcome, why;
};

std::vector<Row> load_matrix() {
  std::ifstream in(UVREF_FAULT_MATRIX);
  REQUIRE(in.good());
  std::vector<Row> rows;
  std::string line;
  bool header = true;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    std::stringstream ss(line);
    for (std::string c; std::getline(ss, c, '\t');) cols.push_back(c);
    REQUIRE(cols.size() == 5);
    if (header) {  // the column names the docs page shows
      header = false;
      continue;
    }
    rows.push_back({cols[0], cols[1], cols[2], cols[3], cols[4]});
  }
  return rows;
}

Call call_named(const std::string& name) {
  for (unsigned i = 0; i < static_cast<unsigned>(Call::count_); i++) {
    if (name == uvref::sys::call_name(static_cast<Call>(i))) return static_cast<Call>(i);
  }
  FAIL("no such call in the seam: " << name);
  return Call::count_;
}

fault::Rule rule_for(const Row& row) {
  static const std::map<std::string, int> errnos = {
      {"EINTR", EINTR},   {"EAGAIN", EAGAIN},     {"ENOMEM", ENOMEM},     {"ENOBUFS", ENOBUFS},
      {"EMFILE", EMFILE}, {"ENFILE", ENFILE},     {"EINVAL", EINVAL},     {"EPIPE", EPIPE},
      {"ECONNRESET", ECONNRESET}, {"ECONNABORTED", ECONNABORTED}, {"ECONNREFUSED", ECONNREFUSED}};
  fault::Rule rule{.call = call_named(row.call)};
  if (row.error == "short") {
    rule.max_len = 2;
    rule.times = 0;  // every transfer
  } else {
    auto it = errnos.find(row.error);
    REQUIRE(it != errnos.end());
    rule.error = it->second;
  }
  return rule;
}

std::string uv_code(long code) { return code == 0 ? "0" : std::string("UV_") + uv_err_name(static_cast<int>(code)); }

/** Runs @p loop until @p done() or until it has nothing left to do. */
template <typename Pred>
void run_while(uv_loop_t* loop, Pred done) {
  while (!done() && uv_run(loop, UV_RUN_ONCE) != 0) {
  }
}

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
    run_while(loop, [&] { return st.error != 0 || st.data.size() >= 5; });
  }
  if (st.error != 0) return "read_cb(" + uv_code(st.error) + ")";
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

std::string drive_write(const fault::Rule& rule, int nbufs, bool with_fd) {
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
  {
    fault::ScopedFault f(rule);
    if (with_fd)
      REQUIRE(uvref_write2_fd(&req, as_stream(&writer), bufs, static_cast<unsigned>(nbufs), cargo, cb) == 0);
    else
      REQUIRE(uv_write(&req, as_stream(&writer), bufs, static_cast<unsigned>(nbufs), cb) == 0);
    at_once = writer.write_queue_size == 0;
    CHECK(st.calls == 0);  // never inside uv_write()
    run_while(loop, [&] { return st.calls > 0; });
  }
  REQUIRE(st.calls == 1);
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
  std::string path = temp_socket_path("fault");
  REQUIRE(uv_pipe_init(loop, &server, 0) == 0);
  REQUIRE(uv_pipe_bind(&server, path.c_str()) == 0);
  server.data = &st;
  REQUIRE(uv_listen(as_stream(&server), 8, [](uv_stream_t* s, int status) {
            auto* ls = static_cast<ListenState*>(s->data);
            ls->calls++;
            ls->status = status;
            if (status != 0) return;
            REQUIRE(uv_pipe_init(s->loop, &ls->client, 0) == 0);
            REQUIRE(uv_accept(s, as_stream(&ls->client)) == 0);
          }) == 0);
  Fd client(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  struct sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  REQUIRE(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
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
  int calls = 0, status = 1;
  TestLoop loop;
  std::string path = temp_socket_path("fault");
  REQUIRE(uv_pipe_init(loop, &server, 0) == 0);
  REQUIRE(uv_pipe_bind(&server, path.c_str()) == 0);
  REQUIRE(uv_listen(as_stream(&server), 8, [](uv_stream_t*, int) {}) == 0);
  REQUIRE(uv_pipe_init(loop, &client, 0) == 0);
  struct Result {
    int* calls;
    int* status;
  } result{&calls, &status};
  req.data = &result;
  {
    fault::ScopedFault f(rule);
    uv_pipe_connect(&req, &client, path.c_str(), [](uv_connect_t* r, int s) {
      auto* res = static_cast<Result*>(r->data);
      ++*res->calls;
      *res->status = s;
    });
    CHECK(calls == 0);  // never inside uv_pipe_connect()
  }
  run_while(loop, [&] { return calls > 0; });
  REQUIRE(calls == 1);
  return "connect_cb(" + uv_code(status) + ")";
}

// --- calls that return the error -------------------------------------------------------

std::string drive_bind(const fault::Rule& rule) {
  uv_pipe_t server;
  TestLoop loop;
  std::string path = temp_socket_path("fault");
  REQUIRE(uv_pipe_init(loop, &server, 0) == 0);
  fault::ScopedFault f(rule);
  return "uv_pipe_bind returns " + uv_code(uv_pipe_bind(&server, path.c_str()));
}

std::string drive_socketpair(const fault::Rule& rule) {
  uv_os_sock_t sv[2] = {-1, -1};
  int r;
  {
    fault::ScopedFault f(rule);
    r = uv_socketpair(SOCK_STREAM, 0, sv, 0, 0);
  }
  if (r == 0) {
    ::close(sv[0]);
    ::close(sv[1]);
  }
  return "uv_socketpair returns " + uv_code(r);
}

std::string drive_loop_init(const fault::Rule& rule) {
  uv_loop_t l;
  int r;
  {
    fault::ScopedFault f(rule);
    r = uv_loop_init(&l);
  }
  if (r == 0) REQUIRE(uv_loop_close(&l) == 0);
  return "uv_loop_init returns " + uv_code(r);
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

std::string drive(const Row& row) {
  fault::Rule rule = rule_for(row);
  const std::string& op = row.operation;
  if (op == "uv_read_start (pipe)") return drive_read(rule, false);
  if (op == "uv_read_start (IPC pipe)") return drive_read(rule, true);
  if (op == "uv_write (1 buffer)") return drive_write(rule, 1, false);
  if (op == "uv_write (2 buffers)") return drive_write(rule, 2, false);
  if (op == "uvref_write2_fd") return drive_write(rule, 1, true);
  if (op == "uv_listen (named pipe)") return drive_accept(rule);
  if (op == "uv_pipe_connect") return drive_connect(rule);
  if (op == "uv_pipe_bind") return drive_bind(rule);
  if (op == "uv_socketpair") return drive_socketpair(rule);
  if (op == "uv_loop_init") return drive_loop_init(rule);
  if (op == "uv_run (a 1 ms timer)") return drive_epoll_wait(rule);
  FAIL("no driver for the program call '" << op << "'");
  return {};
}

}  // namespace

TEST_CASE("fault matrix: every (syscall, error) row gives its documented outcome, no descriptor left",
          "[fault][matrix]") {
  std::vector<Row> rows = load_matrix();
  REQUIRE(rows.size() >= 40);
  for (const Row& row : rows) {
    DYNAMIC_SECTION(row.call << " " << row.error << " in " << row.operation) {
      std::size_t before = open_fd_count();
      std::string got = drive(row);
      fault::disarm_all();
      CHECK(got == row.outcome);
      CHECK(fault::fired(call_named(row.call)) > 0);  // the fault was really reached
      CHECK(open_fd_count() == before);
    }
  }
}
