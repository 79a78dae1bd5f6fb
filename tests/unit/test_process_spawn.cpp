// uv_spawn: options, exec errors reported synchronously, PATH search, cwd, env, ids, detach.
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "sys/fault.h"
#include "test_process_util.h"

using namespace uvref::test;
using uvref::sys::Call;
using uvref::sys::fault::ScopedFault;

namespace {

/** A temporary file with @p text and @p mode, removed with the object. */
struct TempFile {
  std::string path;
  TempFile(const char* text, mode_t mode) {
    char tmpl[] = "/tmp/uvref-spawn-XXXXXX";
    int fd = mkstemp(tmpl);
    REQUIRE(fd >= 0);
    REQUIRE(write(fd, text, std::strlen(text)) == static_cast<ssize_t>(std::strlen(text)));
    REQUIRE(fchmod(fd, mode) == 0);
    close(fd);
    path = tmpl;
  }
  ~TempFile() { unlink(path.c_str()); }
};

/** Field 6 of /proc/<pid>/stat: the session id. */
pid_t session_of(pid_t pid) {
  std::ifstream f("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));  // after "pid (comm) "
  std::string state;
  long ppid, pgrp, session;
  rest >> state >> ppid >> pgrp >> session;
  return static_cast<pid_t>(session);
}

}  // namespace

TEST_CASE("uv_spawn runs a program and reports exit status 0 once", "[process]") {
  uv_process_t proc;
  ExitRecord exit;
  TestLoop loop;
  Args args{"/bin/true"};
  uv_process_options_t o = options_for(args.get());
  o.exit_cb = record_exit;
  proc.data = &exit;
  REQUIRE(uv_spawn(loop, &proc, &o) == 0);
  CHECK(uv_process_get_pid(&proc) > 0);
  CHECK(uv_is_active(as_handle(&proc)));
  CHECK(uv_is_active(as_handle(&loop.get()->child_watcher)));
  REQUIRE(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(exit.calls == 1);
  CHECK(exit.status == 0);
  CHECK(exit.signal == 0);
  CHECK_FALSE(uv_is_active(as_handle(&proc)));
  CHECK(no_children_left());
  uv_close(as_handle(&proc), nullptr);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK_FALSE(uv_is_active(as_handle(&loop.get()->child_watcher)));  // last process gone
}

TEST_CASE("uv_spawn reports a non-zero exit status", "[process]") {
  uv_process_t proc;
  ExitRecord exit;
  TestLoop loop;
  Args args{"/bin/sh", "-c", "exit 7"};
  run_capture(loop, &proc, &exit, options_for(args.get()));
  CHECK(exit.calls == 1);
  CHECK(exit.status == 7);
  CHECK(exit.signal == 0);
}

TEST_CASE("a child killed by a signal reports term_signal", "[process]") {
  uv_process_t proc;
  ExitRecord exit;
  TestLoop loop;
  Args args{"/bin/sh", "-c", "kill -KILL $$"};
  run_capture(loop, &proc, &exit, options_for(args.get()));
  CHECK(exit.calls == 1);
  CHECK(exit.status == 0);
  CHECK(exit.signal == SIGKILL);
}

TEST_CASE("uv_spawn returns UV_ENOENT synchronously for a missing program", "[process]") {
  uv_process_t proc;
  TestLoop loop;
  SECTION("absolute path") {
    Args args{"/nonexistent/uvref-no-such-program"};
    uv_process_options_t o = options_for(args.get());
    CHECK(uv_spawn(loop, &proc, &o) == UV_ENOENT);
  }
  SECTION("searched in PATH") {
    Args args{"uvref-no-such-program"};
    uv_process_options_t o = options_for(args.get());
    CHECK(uv_spawn(loop, &proc, &o) == UV_ENOENT);
  }
  SECTION("empty name") {
    Args args{""};
    uv_process_options_t o = options_for(args.get());
    CHECK(uv_spawn(loop, &proc, &o) == UV_ENOENT);
  }
  CHECK_FALSE(uv_is_active(as_handle(&proc)));
  CHECK(uv_process_kill(&proc, SIGTERM) == UV_ESRCH);  // pid 0: never kill(0, ...)
  CHECK(no_children_left());  // the failed child was reaped inside uv_spawn
  CHECK_FALSE(uv_loop_alive(loop));
  uv_close(as_handle(&proc), nullptr);  // the handle was initialised: it must be closable
}

TEST_CASE("uv_spawn returns UV_EACCES for a file without execute permission", "[process]") {
  uv_process_t proc;
  TestLoop loop;
  TempFile file("#!/bin/sh\nexit 0\n", 0644);
  Args args{file.path.c_str()};
  uv_process_options_t o = options_for(args.get());
  CHECK(uv_spawn(loop, &proc, &o) == UV_EACCES);
  CHECK(no_children_left());
  uv_close(as_handle(&proc), nullptr);
}

TEST_CASE("a file without #! runs through /bin/sh, as execvp does", "[process]") {
  uv_process_t proc;
  ExitRecord exit;
  TestLoop loop;
  TempFile file("echo script-ran \"$1\"\nexit 3\n", 0755);
  Args args{file.path.c_str(), "arg1"};
  std::string out = run_capture(loop, &proc, &exit, options_for(args.get()));
  CHECK(out == "script-ran arg1\n");
  CHECK(exit.status == 3);
}

TEST_CASE("uv_spawn runs the child in options.cwd", "[process]") {
  uv_process_t proc;
  ExitRecord exit;
  TestLoop loop;
  Args args{"/bin/pwd"};
  uv_process_options_t o = options_for(args.get());
  SECTION("existing directory") {
    o.cwd = "/tmp";
    CHECK(run_capture(loop, &proc, &exit, o) == "/tmp\n");
    CHECK(exit.status == 0);
  }
  SECTION("missing directory: the child's chdir error comes back") {
    o.cwd = "/nonexistent-uvref-dir";
    CHECK(uv_spawn(loop, &proc, &o) == UV_ENOENT);
    CHECK(no_children_left());
    uv_close(as_handle(&proc), nullptr);
  }
}

TEST_CASE("uv_spawn passes options.env and searches its PATH", "[process]") {
  uv_process_t proc;
  ExitRecord exit;
  TestLoop loop;
  Args args{"env"};  // no slash: found through PATH
  uv_process_options_t o = options_for(args.get());
  SECTION("env without PATH: the default /bin:/usr/bin is searched") {
    Args env{"FOO=bar", "UVREF=1"};
    o.env = env.get();
    CHECK(run_capture(loop, &proc, &exit, o) == "FOO=bar\nUVREF=1\n");
  }
  SECTION("the child's PATH decides, not the parent's") {
    Args env{"PATH=/nonexistent-uvref-dir"};
    o.env = env.get();
    CHECK(uv_spawn(loop, &proc, &o) == UV_ENOENT);
    uv_close(as_handle(&proc), nullptr);
  }
  SECTION("env NULL: the parent's environment is inherited") {
    REQUIRE(setenv("UVREF_SPAWN_TEST", "inherited", 1) == 0);
    Args sh{"/bin/sh", "-c", "echo $UVREF_SPAWN_TEST"};
    CHECK(run_capture(loop, &proc, &exit, options_for(sh.get())) == "inherited\n");
    unsetenv("UVREF_SPAWN_TEST");
  }
}

TEST_CASE("uv_spawn rejects bad options with UV_EINVAL instead of asserting", "[process]") {
  uv_process_t proc;
  uv_timer_t timer;
  TestLoop loop;
  Args args{"/bin/true"};
  uv_process_options_t o = options_for(args.get());
  uv_stdio_container_t stdio[1];
  SECTION("no file") {
    o.file = nullptr;
    CHECK(uv_spawn(loop, &proc, &o) == UV_EINVAL);
  }
  SECTION("no args") {
    o.args = nullptr;
    CHECK(uv_spawn(loop, &proc, &o) == UV_EINVAL);
  }
  SECTION("unknown flag") {
    o.flags = 1u << 20;
    CHECK(uv_spawn(loop, &proc, &o) == UV_EINVAL);
  }
  SECTION("negative stdio_count") {
    o.stdio_count = -1;
    CHECK(uv_spawn(loop, &proc, &o) == UV_EINVAL);
  }
  SECTION("two stdio kinds at once") {
    stdio[0].flags = static_cast<uv_stdio_flags>(UV_INHERIT_FD | UV_INHERIT_STREAM);
    stdio[0].data.fd = 0;
    o.stdio = stdio;
    o.stdio_count = 1;
    CHECK(uv_spawn(loop, &proc, &o) == UV_EINVAL);
  }
  SECTION("UV_INHERIT_FD of -1") {
    stdio[0].flags = UV_INHERIT_FD;
    stdio[0].data.fd = -1;
    o.stdio = stdio;
    o.stdio_count = 1;
    CHECK(uv_spawn(loop, &proc, &o) == UV_EINVAL);
  }
  SECTION("UV_CREATE_PIPE into a handle that is not a pipe") {
    REQUIRE(uv_timer_init(loop, &timer) == 0);
    stdio[0].flags = UV_CREATE_PIPE;
    stdio[0].data.stream = reinterpret_cast<uv_stream_t*>(&timer);
    o.stdio = stdio;
    o.stdio_count = 1;
    CHECK(uv_spawn(loop, &proc, &o) == UV_ENOTSUP);
  }
  CHECK_FALSE(uv_is_active(as_handle(&proc)));
  CHECK(no_children_left());
  uv_close(as_handle(&proc), nullptr);
}

TEST_CASE("UV_PROCESS_DETACHED puts the child in a new session", "[process]") {
  uv_process_t proc;
  ExitRecord exit;
  TestLoop loop;
  Pipe in;  // the child (cat) runs until we close the write end
  Args args{"/bin/cat"};
  uv_process_options_t o = options_for(args.get());
  uv_stdio_container_t stdio[1];
  stdio[0].flags = UV_INHERIT_FD;
  stdio[0].data.fd = in.rd();
  o.stdio = stdio;
  o.stdio_count = 1;
  o.exit_cb = record_exit;
  proc.data = &exit;
  bool detached = GENERATE(false, true);
  if (detached) o.flags = UV_PROCESS_DETACHED;
  REQUIRE(uv_spawn(loop, &proc, &o) == 0);
  pid_t pid = uv_process_get_pid(&proc);
  // uv_spawn returned after the exec, and setsid() comes before it: no race here.
  if (detached) {
    CHECK(session_of(pid) == pid);
  } else {
    CHECK(session_of(pid) == getsid(0));
  }
  in.close_write();
  REQUIRE(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(exit.calls == 1);
  CHECK(exit.status == 0);
}

TEST_CASE("UV_PROCESS_SETUID and SETGID change the child's ids, failures come back", "[process]") {
  uv_process_t proc;
  ExitRecord exit;
  TestLoop loop;
  Args args{"/bin/sh", "-c", "echo $(id -u) $(id -g)"};
  uv_process_options_t o = options_for(args.get());
  o.flags = UV_PROCESS_SETUID | UV_PROCESS_SETGID;
  SECTION("to our own ids: always allowed") {
    o.uid = getuid();
    o.gid = getgid();
    std::string want = std::to_string(getuid()) + " " + std::to_string(getgid()) + "\n";
    CHECK(run_capture(loop, &proc, &exit, o) == want);
  }
  SECTION("to nobody: works as root, UV_EPERM otherwise") {
    o.uid = 65534;
    o.gid = 65534;
    if (geteuid() == 0) {
      CHECK(run_capture(loop, &proc, &exit, o) == "65534 65534\n");
    } else {
      CHECK(uv_spawn(loop, &proc, &o) == UV_EPERM);
      uv_close(as_handle(&proc), nullptr);
    }
  }
  SECTION("setuid failing in the child is uv_spawn's error") {
    o.uid = getuid();
    o.gid = getgid();
    ScopedFault f({.call = Call::setuid, .error = EPERM});
    CHECK(uv_spawn(loop, &proc, &o) == UV_EPERM);
    uv_close(as_handle(&proc), nullptr);
  }
  CHECK(no_children_left());
}

TEST_CASE("a failing fork leaves nothing behind", "[process]") {
  uv_process_t proc;
  TestLoop loop;
  Args args{"/bin/true"};
  uv_process_options_t o = options_for(args.get());
  {
    ScopedFault f({.call = Call::fork, .error = EAGAIN});
    CHECK(uv_spawn(loop, &proc, &o) == UV_EAGAIN);
  }
  CHECK_FALSE(uv_is_active(as_handle(&proc)));
  CHECK_FALSE(uv_is_active(as_handle(&loop.get()->child_watcher)));
  uv_close(as_handle(&proc), nullptr);
  // The descriptor-leak listener checks the error pipe was closed.
}

TEST_CASE("uv_process_kill and uv_kill signal a running child", "[process]") {
  uv_process_t proc;
  ExitRecord exit;
  TestLoop loop;
  Pipe in;
  Args args{"/bin/cat"};
  uv_process_options_t o = options_for(args.get());
  uv_stdio_container_t stdio[1];
  stdio[0].flags = UV_INHERIT_FD;
  stdio[0].data.fd = in.rd();
  o.stdio = stdio;
  o.stdio_count = 1;
  o.exit_cb = record_exit;
  proc.data = &exit;
  REQUIRE(uv_spawn(loop, &proc, &o) == 0);
  CHECK(uv_kill(uv_process_get_pid(&proc), 0) == 0);  // signal 0: exists and may be signalled
  CHECK(uv_process_kill(&proc, 1000) == UV_EINVAL);
  CHECK(uv_process_kill(&proc, SIGTERM) == 0);
  REQUIRE(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(exit.calls == 1);
  CHECK(exit.signal == SIGTERM);
  CHECK(exit.status == 0);
  CHECK(no_children_left());
}
