// The fault matrix for processes: uv_spawn() with a fault in the parent
// (pipe2, socketpair, fork, fcntl, read, waitpid, kill) or in the forked child
// (chdir, setgid, setuid, dup2, execve: the child reports the error through
// its exec-error pipe). Each row checks what uv_spawn() returned or what
// exit_cb got, that no descriptor is left, and that no child is left behind.
#include <string>

#include "fault_matrix.h"
#include "fault_matrix_setup.h"
#include "test_process_util.h"

using namespace uvref::test;
using namespace uvref::test::matrix;

namespace {

enum class Spawn { plain, cwd, ids };

/**
 * Spawns /bin/true with stdout a pipe (UV_CREATE_PIPE: a socketpair, and a
 * dup2() in the child) and the fault armed around uv_spawn(); cwd "/" or the
 * test's own uid and gid when asked, which succeed unless the fault says no.
 */
std::string drive_spawn(const fault::Rule& rule, Spawn what) {
  uv_process_t proc;
  uv_pipe_t out;
  ExitRecord exit;
  TestLoop loop;
  REQUIRE(uv_pipe_init(loop, &out, 0) == 0);
  Args args{"/bin/true"};
  uv_stdio_container_t stdio[2];
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_WRITABLE_PIPE);
  stdio[1].data.stream = reinterpret_cast<uv_stream_t*>(&out);
  uv_process_options_t o = options_for(args.get(), stdio, 2);
  o.exit_cb = record_exit;
  if (what == Spawn::cwd) o.cwd = "/";
  if (what == Spawn::ids) {
    o.flags = UV_PROCESS_SETUID | UV_PROCESS_SETGID;
    o.uid = ::getuid();
    o.gid = ::getgid();
  }
  proc.data = &exit;
  int r;
  {
    fault::ScopedFault f(rule);
    r = uv_spawn(loop, &proc, &o);
    if (r == 0) run_while(loop, [&] { return exit.calls > 0; });
  }
  CHECK(no_children_left());  // a failed spawn reaps what it forked
  if (r != 0) return returns("uv_spawn", r);
  if (exit.calls != 1) return "exit_cb not called";
  return "exit_cb(status " + std::to_string(exit.status) + ")";
}

std::string drive_process_kill(const fault::Rule& rule) {
  uv_process_t proc;
  ExitRecord exit;
  TestLoop loop;
  Args args{"/bin/sleep", "5"};
  REQUIRE(spawn_recorded(loop, &proc, &exit, args, nullptr, 0) == 0);
  int r;
  {
    fault::ScopedFault f(rule);
    r = uv_process_kill(&proc, SIGTERM);
  }
  REQUIRE(uv_process_kill(&proc, SIGKILL) == 0);  // end it either way, and reap it
  run_while(loop, [&] { return exit.calls > 0; });
  return returns("uv_process_kill", r);
}

}  // namespace

TEST_CASE("fault matrix: uv_spawn (/bin/true, stdout a pipe)", "[fault][matrix]") {
  run_rows([](const fault::Rule& r) { return drive_spawn(r, Spawn::plain); });
}
TEST_CASE("fault matrix: uv_spawn in the child", "[fault][matrix]") {
  run_rows([](const fault::Rule& r) { return drive_spawn(r, Spawn::plain); }, FiresIn::child);
}
TEST_CASE("fault matrix: uv_spawn (cwd) in the child", "[fault][matrix]") {
  run_rows([](const fault::Rule& r) { return drive_spawn(r, Spawn::cwd); }, FiresIn::child);
}
TEST_CASE("fault matrix: uv_spawn (own uid and gid) in the child", "[fault][matrix]") {
  run_rows([](const fault::Rule& r) { return drive_spawn(r, Spawn::ids); }, FiresIn::child);
}
TEST_CASE("fault matrix: uv_process_kill", "[fault][matrix]") {
  run_rows(drive_process_kill);
}
