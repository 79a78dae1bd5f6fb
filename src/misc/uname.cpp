/**
 * @file uname.cpp
 * @brief uv_os_uname(): kernel name, release, version and machine, from uname(2).
 *
 * uv_utsname_t has libuv's four 256-byte fields (the node and domain names
 * are left out, as in libuv: uv_os_gethostname() is the way to the host
 * name). Linux's fields are 65 bytes, so they always fit; on an error every
 * field is emptied, so a caller that ignores the return value prints
 * nothing rather than garbage.
 *
 * libuv: src/unix/core.c uv_os_uname
 *
 * Page: \docpage{api-system}
 */
#include <sys/utsname.h>

#include <cstring>

#include "sys/sys.h"
#include "uv.h"

namespace {

/** Copies @p src into a field of @p size bytes; UV_E2BIG if it does not fit. libuv: uv__strscpy */
int copy_field(char* dst, const char* src, size_t size) {
  size_t len = strnlen(src, size);
  if (len == size) return UV_E2BIG;
  std::memcpy(dst, src, len + 1);
  return 0;
}

}  // namespace

int uv_os_uname(uv_utsname_t* buffer) {
  if (buffer == nullptr) return UV_EINVAL;
  struct utsname u;
  int r = uvref::sys::uname(&u);
  if (r == 0) r = copy_field(buffer->sysname, u.sysname, sizeof buffer->sysname);
  if (r == 0) r = copy_field(buffer->release, u.release, sizeof buffer->release);
  if (r == 0) r = copy_field(buffer->version, u.version, sizeof buffer->version);
  if (r == 0) r = copy_field(buffer->machine, u.machine, sizeof buffer->machine);
  if (r < 0) buffer->sysname[0] = buffer->release[0] = buffer->version[0] = buffer->machine[0] = '\0';
  return r;
}
