// uv_spawn's stdio containers: UV_IGNORE, UV_INHERIT_FD (including colliding descriptors).
#include <unistd.h>

#include <set>
#include <sstream>

#include "test_process_util.h"

using namespace uvref::test;

namespace {

/** Spawns /bin/sh -c @p script with @p stdio and waits for it; returns its exit status. */
int64_t run_sh(uv_loop_t* loop, uv_process_t* proc, const char* script, uv_stdio_container_t* stdio,
               int count, int expect_spawn = 0) {
  ExitRecord exit;
  Args args{"/bin/sh", "-c", script};
  uv_process_options_t o{};
  o.file = "/bin/sh";
  o.args = args.get();
  o.stdio = stdio;
  o.stdio_count = count;
  o.exit_cb = record_exit;
  proc->data = &exit;
  int r = uv_spawn(loop, proc, &o);
  REQUIRE(r == expect_spawn);
  if (r != 0) return -1;
  REQUIRE(uv_run(loop, UV_RUN_DEFAULT) == 0);
  REQUIRE(exit.calls == 1);
  return exit.status;
}

/** Redirects this process's fd @p target to @p fd until destroyed. */
struct Redirect {
  int target, saved;
  Redirect(int fd, int target_fd) : target(target_fd), saved(dup(target_fd)) {
    REQUIRE(saved >= 0);
    REQUIRE(dup2(fd, target) == target);
  }
  ~Redirect() {
    dup2(saved, target);
    close(saved);
  }
};

}  // namespace

TEST_CASE("UV_IGNORE gives the child /dev/null as fds 0-2", "[process][stdio]") {
  uv_process_t proc;
  TestLoop loop;
  Pipe out;
  uv_stdio_container_t stdio[3];
  stdio[0].flags = stdio[1].flags = stdio[2].flags = UV_IGNORE;
  // `test -ef`: same device and inode. $$ is the shell uv_spawn started (no
  // redirection on the command line: dash would apply it to itself).
  const char* script =
      "[ /proc/$$/fd/0 -ef /dev/null ] && [ /proc/$$/fd/1 -ef /dev/null ] && "
      "[ /proc/$$/fd/2 -ef /dev/null ]";
  CHECK(run_sh(loop, &proc, script, stdio, 3) == 0);
  uv_close(as_handle(&proc), nullptr);
  uv_run(loop, UV_RUN_DEFAULT);
  // Control: the same check fails when fd 1 is something else.
  stdio[1].flags = UV_INHERIT_FD;
  stdio[1].data.fd = out.wr();
  CHECK(run_sh(loop, &proc, script, stdio, 3) == 1);
}

TEST_CASE("stdio_count below 3 still gives the child /dev/null for the rest", "[process][stdio]") {
  uv_process_t proc;
  TestLoop loop;
  Pipe out;
  uv_stdio_container_t stdio[2];
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_INHERIT_FD;
  stdio[1].data.fd = out.wr();
  CHECK(run_sh(loop, &proc, "readlink /proc/self/fd/2", stdio, 2) == 0);
  out.close_write();
  CHECK(out.read_all() == "/dev/null\n");
}

TEST_CASE("UV_INHERIT_FD: the child gets a copy; nothing else of ours leaks in", "[process][stdio]") {
  uv_process_t proc;
  TestLoop loop;
  Pipe out, other;  // `other` is CLOEXEC: it must not show up in the child
  uv_stdio_container_t stdio[3];
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_INHERIT_FD;
  stdio[1].data.fd = out.wr();
  stdio[2].flags = UV_IGNORE;
  // ls lists its own descriptors (inherited from the shell that exec'd it).
  CHECK(run_sh(loop, &proc, "exec ls /proc/self/fd", stdio, 3) == 0);
  int out_w = out.wr();
  out.close_write();
  std::set<int> child;
  std::istringstream list(out.read_all());
  for (int fd; list >> fd;) child.insert(fd);
  CHECK(child.count(0) == 1);
  CHECK(child.count(1) == 1);
  CHECK(child.count(2) == 1);
  // Descriptors the test runner inherited without CLOEXEC may be there too
  // (UV_IGNORE above 2 leaves them alone, as libuv); uvref's must not.
  uv_loop_t* l = loop.get();
  for (int fd : {out.rd(), out_w, other.rd(), other.wr(), l->backend_fd,
                 l->signal_pipefd[0], l->signal_pipefd[1], l->async_io_watcher.fd}) {
    if (fd <= 3) continue;  // 3 is the directory ls opened to list them
    INFO("fd " << fd);
    CHECK(child.count(fd) == 0);
  }
}

TEST_CASE("UV_INHERIT_FD swapping stdout and stderr survives the dup2 dance", "[process][stdio]") {
  uv_process_t proc;
  TestLoop loop;
  Pipe a, b;
  uv_stdio_container_t stdio[3];
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_INHERIT_FD;
  stdio[1].data.fd = 2;  // child's stdout = our fd 2 (pipe b below)
  stdio[2].flags = UV_INHERIT_FD;
  stdio[2].data.fd = 1;  // child's stderr = our fd 1 (pipe a below)
  int64_t status;
  {
    Redirect r1(a.wr(), 1), r2(b.wr(), 2);
    ExitRecord exit;
    Args args{"/bin/sh", "-c", "echo out; echo err >&2"};
    uv_process_options_t o{};
    o.file = "/bin/sh";
    o.args = args.get();
    o.stdio = stdio;
    o.stdio_count = 3;
    o.exit_cb = record_exit;
    proc.data = &exit;
    int r = uv_spawn(loop, &proc, &o);
    uv_run(loop, UV_RUN_DEFAULT);
    status = r == 0 ? exit.status : r;
  }  // our stdout and stderr are back before any assertion prints
  CHECK(status == 0);
  a.close_write();
  b.close_write();
  CHECK(a.read_all() == "err\n");
  CHECK(b.read_all() == "out\n");
}

TEST_CASE("the exec-error pipe may collide with a child stdio number", "[process][stdio]") {
  uv_process_t proc;
  TestLoop loop;
  Pipe out;
  uv_stdio_container_t stdio[2];
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_INHERIT_FD;
  stdio[1].data.fd = out.wr();
  int r;
  {
    // With our fds 0 and 1 closed, the error pipe becomes {0, 1}: the child
    // holds its write end as fd 1, the very number its stdout must take.
    // A missing program must still report UV_ENOENT, through the pipe.
    int saved0 = dup(0), saved1 = dup(1);
    REQUIRE(saved0 >= 0);
    REQUIRE(saved1 >= 0);
    close(0);
    close(1);
    Args args{"/nonexistent/uvref-no-such-program"};
    uv_process_options_t o = options_for(args.get(), stdio, 2);
    r = uv_spawn(loop, &proc, &o);
    dup2(saved0, 0);
    dup2(saved1, 1);
    close(saved0);
    close(saved1);
  }
  CHECK(r == UV_ENOENT);
  uv_close(as_handle(&proc), nullptr);
  out.close_write();
  std::string leaked = out.read_all();
  CHECK(leaked == std::string());  // the error went to the parent, not into the child's stdout
  CHECK(no_children_left());
}

TEST_CASE("UV_INHERIT_FD of a closed descriptor fails with UV_EBADF", "[process][stdio]") {
  uv_process_t proc;
  TestLoop loop;
  uv_stdio_container_t stdio[2];
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_INHERIT_FD;
  stdio[1].data.fd = 1000;  // not open
  run_sh(loop, &proc, "true", stdio, 2, UV_EBADF);
  uv_close(as_handle(&proc), nullptr);
  CHECK(no_children_left());
}

TEST_CASE("descriptors above 2 are passed as numbered", "[process][stdio]") {
  uv_process_t proc;
  TestLoop loop;
  Pipe out;
  uv_stdio_container_t stdio[6];
  for (auto& s : stdio) s.flags = UV_IGNORE;
  stdio[5].flags = UV_INHERIT_FD;
  stdio[5].data.fd = out.wr();
  CHECK(run_sh(loop, &proc, "echo five >&5", stdio, 6) == 0);
  out.close_write();
  CHECK(out.read_all() == "five\n");
}
