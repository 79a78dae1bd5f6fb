// The fault matrix for the rest of the API: calls that return the kernel's
// error (uv_pipe_open, names, modes, buffer sizes, uv_listen,
// uv_signal_start, uv_kill, uv_exepath), callbacks that get it (uv_shutdown),
// and paths that retry or ignore it (signal and async delivery, uv_sleep,
// uv_close's unlink, uv_guess_handle, the EMFILE reserve).
#include <sys/stat.h>

#include <string>

#include "fault_matrix.h"
#include "fault_matrix_setup.h"
#include "test_stream_helpers.h"

using namespace uvref::test;
using namespace uvref::test::fdpass;
using namespace uvref::test::matrix;

namespace {

/** uv_pipe_open() of one end of a socketpair: on failure the descriptor stays the caller's. */
std::string drive_pipe_open(const fault::Rule& rule) {
  uv_pipe_t pipe;
  TestLoop loop;
  auto [mine, theirs] = socket_pair();
  REQUIRE(uv_pipe_init(loop, &pipe, 0) == 0);
  int r;
  {
    fault::ScopedFault f(rule);
    r = uv_pipe_open(&pipe, theirs.get());
  }
  if (r == 0) {
    theirs.release();  // the handle owns it now
    return "uv_pipe_open returns 0";
  }
  if (!is_open(theirs.get()))
    return returns("uv_pipe_open", r) + " and closed the descriptor";
  return returns("uv_pipe_open", r) + "; the descriptor stays the caller's";
}

std::string drive_listen(const fault::Rule& rule) {
  uv_pipe_t server;
  TestLoop loop;
  bind_temp(&server, loop);
  fault::ScopedFault f(rule);
  return returns("uv_listen", uv_listen(as_stream(&server), 8, [](uv_stream_t*, int) {}));
}

std::string drive_getsockname(const fault::Rule& rule) {
  uv_pipe_t server;
  TestLoop loop;
  bind_temp(&server, loop);
  char name[256];
  std::size_t len = sizeof name;
  fault::ScopedFault f(rule);
  return returns("uv_pipe_getsockname", uv_pipe_getsockname(&server, name, &len));
}

std::string drive_getpeername(const fault::Rule& rule) {
  uv_pipe_t a, b;
  TestLoop loop;
  open_pair(loop, &a, &b);
  char name[256];
  std::size_t len = sizeof name;
  fault::ScopedFault f(rule);
  return returns("uv_pipe_getpeername", uv_pipe_getpeername(&a, name, &len));
}

std::string drive_chmod(const fault::Rule& rule) {
  uv_pipe_t server;
  TestLoop loop;
  std::string path = bind_temp(&server, loop);
  REQUIRE(::chmod(path.c_str(), 0600) == 0);  // so that uv_pipe_chmod has bits to add
  fault::ScopedFault f(rule);
  return returns("uv_pipe_chmod", uv_pipe_chmod(&server, UV_READABLE | UV_WRITABLE));
}

std::string drive_buffer_size(const fault::Rule& rule, bool set) {
  uv_pipe_t a, b;
  TestLoop loop;
  open_pair(loop, &a, &b);
  int value = set ? 65536 : 0;
  fault::ScopedFault f(rule);
  if (set)
    return returns("uv_send_buffer_size (set)", uv_send_buffer_size(as_handle(&a), &value));
  return returns("uv_recv_buffer_size (ask)", uv_recv_buffer_size(as_handle(&a), &value));
}

std::string drive_shutdown(const fault::Rule& rule) {
  uv_pipe_t a, b;
  uv_shutdown_t req;
  Reported got;
  TestLoop loop;
  open_pair(loop, &a, &b);
  req.data = &got;
  fault::ScopedFault f(rule);
  REQUIRE(uv_shutdown(&req, as_stream(&a), Reported::record<uv_shutdown_t>) == 0);
  run_while(loop, [&] { return got.calls > 0; });
  REQUIRE(got.calls == 1);
  return got.as("shutdown_cb");
}

/** uv_close() of a bound pipe: unlink() of its socket file. */
std::string drive_close_bound(const fault::Rule& rule) {
  uv_pipe_t server;
  bool closed = false;
  std::string path;
  {
    TestLoop loop;
    path = bind_temp(&server, loop);
    server.data = &closed;
    fault::ScopedFault f(rule);
    uv_close(as_handle(&server), [](uv_handle_t* h) { *static_cast<bool*>(h->data) = true; });
    uv_run(loop, UV_RUN_DEFAULT);
  }
  bool stays = ::unlink(path.c_str()) == 0;
  if (!closed) return "close_cb not called";
  return stays ? "close_cb; the socket file stays" : "close_cb; the socket file is gone";
}

std::string drive_signal_start(const fault::Rule& rule) {
  uv_signal_t sig;
  TestLoop loop;
  REQUIRE(uv_signal_init(loop, &sig) == 0);
  int r;
  {
    fault::ScopedFault f(rule);
    r = uv_signal_start(
        &sig, [](uv_signal_t*, int) {}, SIGUSR1);
  }
  if (r != 0 && uv_is_active(as_handle(&sig)))
    return returns("uv_signal_start", r) + " but the handle is active";
  return returns("uv_signal_start", r);
}

/** SIGUSR1 raised once while a handle watches it; the fault armed around raise() and the loop. */
std::string drive_signal_delivery(const fault::Rule& rule) {
  uv_signal_t sig;
  int calls = 0;
  TestLoop loop;
  REQUIRE(uv_signal_init(loop, &sig) == 0);
  sig.data = &calls;
  REQUIRE(uv_signal_start(
              &sig, [](uv_signal_t* h, int) { ++*static_cast<int*>(h->data); }, SIGUSR1) == 0);
  // The handler (write) runs inside raise(), on this thread; the loop reads
  // the signal pipe later. The handler also reads the lock pipe, so a read
  // fault is armed only once the handler is done.
  auto run = [&] {
    run_nowait(
        loop, [&] { return calls > 0; }, 3);
  };
  if (rule.call == Call::write) {
    {
      fault::ScopedFault f(rule);
      REQUIRE(::raise(SIGUSR1) == 0);
    }
    run();
  } else {
    REQUIRE(::raise(SIGUSR1) == 0);
    fault::ScopedFault f(rule);
    run();
  }
  if (calls == 0) return "dropped: signal_cb not called";
  return "signal_cb(SIGUSR1) x" + std::to_string(calls);
}

/** uv_async_send() from this thread; the fault armed around the send and the loop. */
std::string drive_async(const fault::Rule& rule) {
  uv_async_t async;
  int calls = 0;
  TestLoop loop;
  async.data = &calls;
  REQUIRE(uv_async_init(loop, &async, [](uv_async_t* a) { ++*static_cast<int*>(a->data); }) == 0);
  uv_run(loop, UV_RUN_NOWAIT);  // the eventfd is registered
  {
    fault::ScopedFault f(rule);
    REQUIRE(uv_async_send(&async) == 0);
    for (int i = 0; i < 3 && calls == 0; i++) uv_run(loop, UV_RUN_NOWAIT);
  }
  return "async_cb x" + std::to_string(calls);
}

std::string drive_sleep(const fault::Rule& rule) {
  constexpr unsigned kMs = 20;
  std::uint64_t start = uv_hrtime();
  {
    fault::ScopedFault f(rule);
    uv_sleep(kMs);
  }
  std::uint64_t slept_ms = (uv_hrtime() - start) / 1000000;
  return slept_ms >= kMs ? "uv_sleep sleeps the whole time" : "uv_sleep returned early";
}

std::string drive_exepath(const fault::Rule& rule) {
  char path[4096];
  std::size_t size = sizeof path;
  fault::ScopedFault f(rule);
  return returns("uv_exepath", uv_exepath(path, &size));
}

std::string drive_kill(const fault::Rule& rule) {
  fault::ScopedFault f(rule);
  return returns("uv_kill", uv_kill(::getpid(), 0));  // signal 0: asks only
}

std::string drive_guess_handle(const fault::Rule& rule) {
  Fd devnull(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  fault::ScopedFault f(rule);
  uv_handle_type t = uv_guess_handle(devnull.get());
  return t == UV_FILE ? "UV_FILE" : t == UV_UNKNOWN_HANDLE ? "UV_UNKNOWN_HANDLE" : "another type";
}

/**
 * The EMFILE reserve cannot be opened at the loop's first stream (the fault
 * covers both of its open() attempts); then accept4() fails with EMFILE.
 */
std::string drive_no_reserve(const fault::Rule& rule) {
  uv_pipe_t server;
  Reported got;
  TestLoop loop;
  std::string path = temp_socket_path("fault");
  {
    fault::Rule both = rule;
    both.times = 2;
    fault::ScopedFault f(both);
    REQUIRE(uv_pipe_init(loop, &server, 0) == 0);
  }
  REQUIRE(uv_pipe_bind(&server, path.c_str()) == 0);
  server.data = &got;
  REQUIRE(uv_listen(as_stream(&server), 8, Reported::record<uv_stream_t>) == 0);
  Fd client = connect_plain(path);
  {
    fault::ScopedFault emfile({.call = Call::accept4, .error = EMFILE});
    for (int i = 0; i < 5 && got.calls == 0; i++) uv_run(loop, UV_RUN_NOWAIT);
  }
  if (got.calls == 0) return "connection_cb not called";
  return got.as("connection_cb");
}

}  // namespace

TEST_CASE("fault matrix: uv_pipe_open", "[fault][matrix]") {
  run_rows(drive_pipe_open);
}
TEST_CASE("fault matrix: uv_listen (bound pipe)", "[fault][matrix]") {
  run_rows(drive_listen);
}
TEST_CASE("fault matrix: uv_pipe_getsockname", "[fault][matrix]") {
  run_rows(drive_getsockname);
}
TEST_CASE("fault matrix: uv_pipe_getpeername", "[fault][matrix]") {
  run_rows(drive_getpeername);
}
TEST_CASE("fault matrix: uv_pipe_chmod", "[fault][matrix]") {
  run_rows(drive_chmod);
}
TEST_CASE("fault matrix: uv_send_buffer_size (set)", "[fault][matrix]") {
  run_rows([](const fault::Rule& r) { return drive_buffer_size(r, true); });
}
TEST_CASE("fault matrix: uv_recv_buffer_size (ask)", "[fault][matrix]") {
  run_rows([](const fault::Rule& r) { return drive_buffer_size(r, false); });
}
TEST_CASE("fault matrix: uv_shutdown", "[fault][matrix]") {
  run_rows(drive_shutdown);
}
TEST_CASE("fault matrix: uv_close (bound pipe)", "[fault][matrix]") {
  run_rows(drive_close_bound);
}
TEST_CASE("fault matrix: uv_signal_start", "[fault][matrix]") {
  run_rows(drive_signal_start);
}
TEST_CASE("fault matrix: a signal delivered (raise)", "[fault][matrix]") {
  run_rows(drive_signal_delivery);
}
TEST_CASE("fault matrix: uv_async_send", "[fault][matrix]") {
  run_rows(drive_async);
}
TEST_CASE("fault matrix: uv_sleep", "[fault][matrix]") {
  run_rows(drive_sleep);
}
TEST_CASE("fault matrix: uv_exepath", "[fault][matrix]") {
  run_rows(drive_exepath);
}
TEST_CASE("fault matrix: uv_kill", "[fault][matrix]") {
  run_rows(drive_kill);
}
TEST_CASE("fault matrix: uv_guess_handle (/dev/null)", "[fault][matrix]") {
  run_rows(drive_guess_handle);
}
TEST_CASE("fault matrix: uv_listen with no EMFILE reserve", "[fault][matrix]") {
  run_rows(drive_no_reserve);
}
