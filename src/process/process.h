/**
 * @file process.h
 * @brief What the units of uv_spawn() share: the child's plan, prepared before fork().
 *
 * uv_spawn() is cut into steps, one unit each, in the order they run:
 *
 *     spawn_options.cpp  check the options (parent, before anything is created)
 *     exec_path.cpp      list the paths execve() will try, as execvp() would (parent)
 *     stdio.cpp          make the socket pairs / pick the descriptors for the child (parent)
 *     spawn.cpp          error pipe, SIGCHLD watcher, fork(), read the exec result (parent)
 *     child.cpp          stdio dance, cwd, ids, signals, execve() (child, between fork and exec)
 *     reap.cpp           SIGCHLD → waitpid(WNOHANG) → exit_cb (parent, later, on the loop thread)
 *
 * The rule that shapes the cut: between fork() and execve() the child is a
 * copy of a possibly multi-threaded process in which only the forking thread
 * survives. Any lock another thread held (malloc's, stdio's, a mutex) stays
 * locked forever in the child, so the child may only make async-signal-safe
 * calls: no malloc, no printf, no C++ allocation. Everything the child needs,
 * in particular every string and array, is therefore built by the parent
 * before fork() and handed over in a ChildPlan that the child only reads.
 *
 * libuv: src/unix/process.c
 */
#pragma once

#include "uv.h"

namespace uvref::detail::process {

/**
 * The programs execve() will try, in order, and the vectors to pass it.
 * Built by plan_exec() in the parent; read (never allocated) by the child.
 */
struct ExecPlan {
  char** candidates = nullptr;  ///< NULL-terminated list of paths to try
  char* const* argv = nullptr;  ///< options->args
  char* const* envp = nullptr;  ///< options->env, or the parent's environ at spawn time
  char** shell_argv = nullptr;  ///< {"/bin/sh", candidate, args[1]..., NULL}: for ENOEXEC
  void* storage = nullptr;      ///< one allocation behind candidates and shell_argv
};

/**
 * The child's descriptors: slot i describes child fd i.
 * `fds[0]` is the parent's end of a UV_CREATE_PIPE socket pair (or -1);
 * `fds[1]` is the descriptor the child gets as fd i (or -1: UV_IGNORE).
 */
using StdioPair = int[2];

/** Everything child_init() needs; the parent fills it before fork(). */
struct ChildPlan {
  const uv_process_options_t* options;  ///< cwd, flags, uid, gid
  int stdio_count;                      ///< max(options->stdio_count, 3)
  StdioPair* stdio;                     ///< stdio_count slots
  const ExecPlan* exec;                 ///< what to execve()
  int error_fd;                         ///< write end of the exec-error pipe (CLOEXEC)
};

// spawn_options.cpp
/** UV_EINVAL for options uv_spawn() cannot honour (libuv asserts on most of them). */
int validate_options(const uv_process_options_t* options) noexcept;

// exec_path.cpp
/** Fills @p plan for options->file; UV_ENOMEM if the allocation fails. */
int plan_exec(const uv_process_options_t* options, ExecPlan* plan) noexcept;
/** Frees what plan_exec() allocated. */
void free_exec_plan(ExecPlan* plan) noexcept;
/**
 * Child side: tries execve() on each candidate as execvp() does. Returns only
 * if every attempt failed, with the error to report (negative errno).
 * Async-signal-safe.
 */
int exec_candidates(const ExecPlan& plan) noexcept;

// stdio.cpp
/** Validates container @p c and fills @p fds (socketpair() for UV_CREATE_PIPE). */
int init_stdio(const uv_stdio_container_t* c, StdioPair& fds) noexcept;
/** After a successful exec: hands the parent's end of a created pipe to its uv_pipe_t. */
int open_stdio_stream(const uv_stdio_container_t* c, StdioPair& fds) noexcept;
/** Closes what init_stdio() created and nobody took over. */
void close_stdio(const uv_stdio_container_t* c, StdioPair& fds) noexcept;

// child.cpp
/** Runs in the child after fork(): prepares it and execs. Never returns. */
[[noreturn]] void child_init(const ChildPlan& plan) noexcept;

// reap.cpp
/** loop->child_watcher's callback: reaps exited children and runs their exit_cb. */
void on_sigchld(uv_signal_t* watcher, int signum);
/** uv_close() of a process handle: forget it; the last one stops the SIGCHLD watcher. */
void process_close(uv_process_t* handle) noexcept;

}  // namespace uvref::detail::process
