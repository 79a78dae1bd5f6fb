/**
 * @file exepath.cpp
 * @brief uv_exepath(): the running program's path, from the /proc/self/exe link.
 *
 * `readlink("/proc/self/exe")`: the kernel keeps the path the program was
 * exec'd from as a symbolic link in procfs. readlink() neither
 * NUL-terminates nor says whether it truncated, so uvref reads into a
 * PATH_MAX buffer of its own first and then copies.
 *
 * Sizes follow uv_cwd()'s documented convention: on success `*size` is the
 * length without the NUL; if @p buffer is too small the result is UV_ENOBUFS
 * and `*size` the size needed, NUL included. libuv 1.44 on Linux instead
 * truncates the path to fit and returns 0 (measured: an 8-byte buffer gives
 * "/tmp/pp" for /tmp/pp/e), which uvref's rule against silent truncation
 * forbids. A NULL argument or `*size == 0` gives UV_EINVAL, as in libuv.
 *
 * libuv: src/unix/procfs-exepath.c uv_exepath
 *
 * Page: \docpage{process-misc}
 */
#include <climits>
#include <cstring>

#include "sys/sys.h"
#include "uv.h"

// [docs:exepath]
int uv_exepath(char* buffer, size_t* size) {
  if (buffer == nullptr || size == nullptr || *size == 0) return UV_EINVAL;
  char path[PATH_MAX];
  ssize_t n = uvref::sys::readlink("/proc/self/exe", path, sizeof path);
  if (n < 0) return static_cast<int>(n);
  if (static_cast<size_t>(n) == sizeof path) return UV_ENAMETOOLONG;  // may have been cut
  size_t len = static_cast<size_t>(n);
  if (len + 1 > *size) {
    *size = len + 1;
    return UV_ENOBUFS;
  }
  std::memcpy(buffer, path, len);
  buffer[len] = '\0';
  *size = len;
  return 0;
}
// [/docs:exepath]
