// Helpers shared by the process tests: run a child, capture what it writes, check for zombies.
#pragma once

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "support/test_support.h"

namespace uvref::test {

/** What exit_cb saw; point handle.data at one. */
struct ExitRecord {
  int calls = 0;
  int64_t status = -1;
  int signal = -1;
};

inline void record_exit(uv_process_t* p, int64_t status, int signal) {
  auto* e = static_cast<ExitRecord*>(p->data);
  e->calls++;
  e->status = status;
  e->signal = signal;
}

/** A pipe(2) whose ends close with the object. */
struct Pipe {
  int fds[2] = {-1, -1};
  Pipe() { REQUIRE(pipe2(fds, O_CLOEXEC) == 0); }
  ~Pipe() {
    close_read();
    close_write();
  }
  int rd() const { return fds[0]; }
  int wr() const { return fds[1]; }
  void close_read() {
    if (fds[0] != -1) ::close(fds[0]);
    fds[0] = -1;
  }
  void close_write() {
    if (fds[1] != -1) ::close(fds[1]);
    fds[1] = -1;
  }
  /** Everything until end of file (blocking). */
  std::string read_all() {
    std::string out;
    char buf[512];
    for (;;) {
      ssize_t n = ::read(fds[0], buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) break;
      out.append(buf, static_cast<size_t>(n));
    }
    return out;
  }
};

/** argv for uv_spawn from string literals. */
struct Args {
  std::vector<std::string> strings;
  std::vector<char*> ptrs;
  Args(std::initializer_list<const char*> list) {
    for (const char* s : list) strings.emplace_back(s);
    for (auto& s : strings) ptrs.push_back(s.data());
    ptrs.push_back(nullptr);
  }
  char** get() { return ptrs.data(); }
};

/** True if this process has no child left, running or zombie. */
inline bool no_children_left() {
  int status;
  return waitpid(-1, &status, WNOHANG) == -1 && errno == ECHILD;
}

/** Options that run args[0] with @p args and the first @p stdio_count of @p stdio; the rest zero. */
inline uv_process_options_t options_for(char** args, uv_stdio_container_t* stdio = nullptr, int stdio_count = 0) {
  uv_process_options_t o{};
  o.file = args[0];
  o.args = args;
  o.stdio = stdio;
  o.stdio_count = stdio_count;
  return o;
}

/**
 * Spawns args[0] with @p stdio, reporting its exit into @p exit (through
 * record_exit and proc->data). Returns uv_spawn()'s result.
 */
inline int spawn_recorded(uv_loop_t* loop, uv_process_t* proc, ExitRecord* exit, Args& args,
                          uv_stdio_container_t* stdio, int stdio_count) {
  uv_process_options_t o = options_for(args.get(), stdio, stdio_count);
  o.exit_cb = record_exit;
  proc->data = exit;
  return uv_spawn(loop, proc, &o);
}

/**
 * Spawns @p args with stdin ignored and stdout (and stderr if @p with_stderr)
 * into a pipe; returns what the child wrote, after its exit was reported.
 */
inline std::string run_capture(uv_loop_t* loop, uv_process_t* proc, ExitRecord* exit,
                               uv_process_options_t opts, bool with_stderr = false) {
  Pipe out;
  uv_stdio_container_t stdio[3];
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_INHERIT_FD;
  stdio[1].data.fd = out.wr();
  stdio[2].flags = with_stderr ? UV_INHERIT_FD : UV_IGNORE;
  stdio[2].data.fd = out.wr();
  opts.stdio = stdio;
  opts.stdio_count = 3;
  opts.exit_cb = record_exit;
  proc->data = exit;
  int r = uv_spawn(loop, proc, &opts);
  REQUIRE(r == 0);
  out.close_write();  // the child holds the only write end now: EOF when it exits
  std::string text = out.read_all();
  REQUIRE(uv_run(loop, UV_RUN_DEFAULT) == 0);
  return text;
}

}  // namespace uvref::test
