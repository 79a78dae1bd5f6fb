/**
 * @file fd_table.cpp
 * @brief Reads /proc/self/fd and fcntl() flags: what the tour and the tests' descriptor checks use.
 *
 * Debug tooling, not part of the event loop: it calls libc directly rather
 * than through the syscall seam, so that a test's injected faults never
 * disturb the check that watches for leaks.
 *
 * Page: \docpage{tour}
 */
#include "debug/fd_table.h"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace uvref::debug {

std::vector<FdInfo> fd_table() {
  std::vector<FdInfo> out;
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return out;
  int own = dirfd(dir);
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    int fd = std::atoi(e->d_name);
    if (fd == own) continue;
    char path[64];
    char target[256];
    std::snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(path, target, sizeof target - 1);
    if (n < 0) continue;  // closed meanwhile
    target[n] = '\0';
    int fl = fcntl(fd, F_GETFL);
    int fdfl = fcntl(fd, F_GETFD);
    out.push_back({fd, target, fl >= 0 && (fl & O_NONBLOCK), fdfl >= 0 && (fdfl & FD_CLOEXEC)});
  }
  closedir(dir);
  std::sort(out.begin(), out.end(), [](const FdInfo& a, const FdInfo& b) { return a.fd < b.fd; });
  return out;
}

std::string fd_kind(const std::string& target) {
  // "pipe:[4711]" -> "pipe", "socket:[42]" -> "socket"; anon inodes keep their name.
  for (const char* prefix : {"pipe:", "socket:"}) {
    if (target.rfind(prefix, 0) == 0) return std::string(prefix, std::char_traits<char>::length(prefix) - 1);
  }
  return target;
}

}  // namespace uvref::debug
