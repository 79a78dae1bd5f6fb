/**
 * @file exec_path.cpp
 * @brief Step 2 of uv_spawn(): where is the program? execvp()'s PATH search, split across fork().
 *
 * A `file` without a slash ("cat") is looked up in PATH, as execvp(3) does:
 * each directory of PATH in turn, "dir/cat", until one execve(2) succeeds.
 * libuv 1.44 sets `environ = options->env` in the child and calls glibc's
 * execvp(), so the PATH searched is the one in the *child's* environment
 * (options->env when given, else the parent's), and "/bin:/usr/bin" when
 * that has no PATH. uvref does the same, in two halves:
 *
 *  - plan_exec(), in the parent before fork(): builds the list of candidate
 *    paths (allocation is allowed here);
 *  - exec_candidates(), in the child after fork(): only execve() and reads of
 *    that list, nothing that could take a lock (see process.h).
 *
 * The errors follow glibc's execvp: EACCES on one candidate is remembered and
 * the search goes on (a later directory may hold an executable copy); ENOENT,
 * ENOTDIR, ESTALE, ENODEV and ETIMEDOUT mean "not here", try the next; any
 * other error stops the search. At the end the child reports EACCES if any
 * candidate gave it, else the last error (ENOENT: "no such program").
 * ENOEXEC (a file that is neither ELF nor "#!" script) is retried as a shell
 * script with /bin/sh, as glibc does.
 *
 * libuv: src/unix/process.c uv__process_child_init (the execvp call);
 * glibc: posix/execvpe.c
 *
 * Page: \docpage{process-exec-path}
 */
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <new>

#include "process/process.h"
#include "sys/sys.h"

extern char** environ;

namespace uvref::detail::process {
namespace {

constexpr const char* kDefaultPath = "/bin:/usr/bin";  // confstr(_CS_PATH) on glibc
constexpr const char* kShell = "/bin/sh";

/** The PATH the child will search: from its environment, as execvp() after `environ = env`. */
const char* search_path(char* const* envp) noexcept {
  for (char* const* e = envp; e != nullptr && *e != nullptr; ++e) {
    if (std::strncmp(*e, "PATH=", 5) == 0) return *e + 5;
  }
  return kDefaultPath;
}

std::size_t count(char* const* v) noexcept {
  std::size_t n = 0;
  while (v[n] != nullptr) ++n;
  return n;
}

}  // namespace

// [docs:exec-plan]
int plan_exec(const uv_process_options_t* options, ExecPlan* plan) noexcept {
  const char* file = options->file;
  plan->argv = options->args;
  plan->envp = options->env != nullptr ? options->env : environ;

  // Candidates: the file itself if it names a path, else "dir/file" for each PATH entry
  // (an empty entry means the current directory, i.e. "file" itself).
  const bool has_slash = std::strchr(file, '/') != nullptr;
  const char* path = has_slash ? "" : search_path(plan->envp);
  std::size_t file_len = std::strlen(file);
  std::size_t ncand = 0;
  std::size_t bytes = 0;
  if (file_len > 0) {  // an empty name is found nowhere: execvp("") fails with ENOENT
    for (const char* p = path;; ++p) {  // one pass to size the single allocation
      const char* end = std::strchr(p, ':');
      std::size_t dir_len = end ? static_cast<std::size_t>(end - p) : std::strlen(p);
      bytes += dir_len + 1 + file_len + 1;
      ++ncand;
      if (end == nullptr) break;
      p = end;
    }
  }
  std::size_t nargs = count(options->args);
  std::size_t shell_len = (nargs > 0 ? nargs : 1) + 2;  // sh, candidate, args[1..], NULL
  std::size_t pointers = (ncand + 1) + shell_len;
  char* block = static_cast<char*>(std::malloc(pointers * sizeof(char*) + bytes));
  if (block == nullptr) return UV_ENOMEM;

  plan->storage = block;
  plan->candidates = reinterpret_cast<char**>(block);
  plan->shell_argv = plan->candidates + ncand + 1;
  char* text = block + pointers * sizeof(char*);

  std::size_t i = 0;
  if (file_len > 0) {
    for (const char* p = path;; ++p) {
      const char* end = std::strchr(p, ':');
      std::size_t dir_len = end ? static_cast<std::size_t>(end - p) : std::strlen(p);
      plan->candidates[i++] = text;
      if (dir_len > 0) {
        std::memcpy(text, p, dir_len);
        text += dir_len;
        if (!has_slash) *text++ = '/';
      }
      std::memcpy(text, file, file_len + 1);
      text += file_len + 1;
      if (end == nullptr) break;
      p = end;
    }
  }
  plan->candidates[i] = nullptr;

  // "/bin/sh <candidate> args[1]...": slot 1 is filled in by the child.
  plan->shell_argv[0] = const_cast<char*>(kShell);
  plan->shell_argv[1] = nullptr;
  for (std::size_t a = 1; a < nargs; ++a) plan->shell_argv[a + 1] = options->args[a];
  plan->shell_argv[nargs < 1 ? 2 : nargs + 1] = nullptr;
  return 0;
}
// [/docs:exec-plan]

void free_exec_plan(ExecPlan* plan) noexcept {
  std::free(plan->storage);
  *plan = ExecPlan{};
}

// [docs:exec-candidates]
int exec_candidates(const ExecPlan& plan) noexcept {
  bool got_eacces = false;
  int last = -ENOENT;
  for (char** c = plan.candidates; *c != nullptr; ++c) {
    int r = sys::execve(*c, plan.argv, plan.envp);  // returns only on failure
    if (r == -ENOEXEC) {
      plan.shell_argv[1] = *c;  // the child's own copy of the plan: writing it is safe
      r = sys::execve(kShell, plan.shell_argv, plan.envp);
    }
    last = r;
    switch (-r) {
      case EACCES:
        got_eacces = true;
        break;
      case ENOENT:
      case ENOTDIR:
      case ESTALE:
      case ENODEV:
      case ETIMEDOUT:
        break;  // not in this directory: try the next
      default:
        return r;  // found, but it cannot run (ENOEXEC, E2BIG, ETXTBSY, ENOMEM...)
    }
  }
  return got_eacces ? -EACCES : last;
}
// [/docs:exec-candidates]

}  // namespace uvref::detail::process
