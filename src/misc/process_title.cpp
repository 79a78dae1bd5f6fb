/**
 * @file process_title.cpp
 * @brief uv_setup_args, uv_get_process_title, uv_set_process_title: the title `ps` shows, written over argv.
 *
 * `ps` and /proc/PID/cmdline show the memory the kernel put argv's strings
 * in, which is one contiguous block. To change the title a program
 * overwrites that block, so it must first move its arguments elsewhere:
 * uv_setup_args() copies argv (pointers and strings) into one heap block
 * and returns the copy, which the program uses from then on. The original
 * block, from argv[0] to the end of the last argument, is the title's room:
 * a longer title is cut to fit (libuv does the same). The title also goes to
 * prctl(PR_SET_NAME), the 16-byte name in /proc/PID/comm that `top` shows.
 *
 * Before uv_setup_args() (or if its allocation failed) both title functions
 * answer UV_ENOBUFS. A mutex guards the title: two threads may set it.
 * uv_library_shutdown() frees the copy (process_title_cleanup).
 *
 * libuv: src/unix/proctitle.c uv_setup_args, uv_set_process_title, uv_get_process_title
 *
 * Page: \docpage{api-system}
 */
#include <cstdlib>
#include <cstring>
#include <mutex>

#include "misc/misc.h"
#include "sys/sys.h"
#include "uv.h"

namespace {

struct Title {
  char* str = nullptr;  // argv[0]'s original memory
  size_t len = 0;       // length of the current title
  size_t cap = 0;       // bytes available, the NUL included
};

std::mutex title_mutex;
Title title;
char** args_copy = nullptr;  // what uv_setup_args() returned; freed by uv_library_shutdown()

}  // namespace

namespace uvref::detail {

void process_title_cleanup() noexcept {
  std::lock_guard lock(title_mutex);
  std::free(args_copy);
  args_copy = nullptr;
}

}  // namespace uvref::detail

// [docs:setup-args]
char** uv_setup_args(int argc, char** argv) {
  if (argc <= 0 || argv == nullptr) return argv;
  size_t strings = 0;
  for (int i = 0; i < argc; ++i) strings += std::strlen(argv[i]) + 1;
  size_t table = (static_cast<size_t>(argc) + 1) * sizeof(char*);
  auto* copy = static_cast<char**>(std::malloc(table + strings));
  if (copy == nullptr) return argv;  // the titles then answer UV_ENOBUFS

  char* s = reinterpret_cast<char*>(copy) + table;
  for (int i = 0; i < argc; ++i) {
    size_t n = std::strlen(argv[i]) + 1;
    std::memcpy(s, argv[i], n);
    copy[i] = s;
    s += n;
  }
  copy[argc] = nullptr;

  std::lock_guard lock(title_mutex);
  title.str = argv[0];
  title.len = std::strlen(argv[0]);
  // The kernel's block runs from argv[0] to the NUL of the last argument.
  title.cap = static_cast<size_t>(argv[argc - 1] + std::strlen(argv[argc - 1]) + 1 - argv[0]);
  std::free(args_copy);
  args_copy = copy;
  return copy;
}
// [/docs:setup-args]

int uv_set_process_title(const char* new_title) {
  if (new_title == nullptr) return UV_EINVAL;
  std::lock_guard lock(title_mutex);
  if (args_copy == nullptr) return UV_ENOBUFS;
  size_t len = std::strlen(new_title);
  if (len >= title.cap) len = title.cap - 1;  // cut to the room argv had
  std::memcpy(title.str, new_title, len);
  std::memset(title.str + len, 0, title.cap - len);
  title.len = len;
  uvref::sys::prctl_set_name(title.str);  // /proc/self/comm keeps the first 15 bytes
  return 0;
}

int uv_get_process_title(char* buffer, size_t size) {
  if (buffer == nullptr || size == 0) return UV_EINVAL;
  std::lock_guard lock(title_mutex);
  if (args_copy == nullptr) return UV_ENOBUFS;
  if (size <= title.len) return UV_ENOBUFS;
  std::memcpy(buffer, title.str, title.len);
  buffer[title.len] = '\0';
  return 0;
}
