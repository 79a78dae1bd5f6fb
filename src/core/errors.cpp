/**
 * @file errors.cpp
 * @brief Error names and messages for the UV_E* codes.
 *
 * A libuv error code on Unix is a negated errno (uv/errno.h), so translating a
 * kernel error is one negation. The table in uv.h (UV_ERRNO_MAP) gives every
 * code its name and libuv's message; unknown codes get a message that names
 * the number, as libuv does, so nothing is ever reported as a blank.
 *
 * libuv: src/uv-common.c uv_strerror, uv_err_name, uv_strerror_r, uv_err_name_r;
 * src/unix/core.c uv_translate_sys_error
 */
#include <cstdio>
#include <cstring>

#include "uv.h"

namespace {

const char* known_name(int err) {
  switch (err) {
#define XX(code, _) \
  case UV_##code:    \
    return #code;
    UV_ERRNO_MAP(XX)
#undef XX
  }
  return nullptr;
}

const char* known_message(int err) {
  switch (err) {
#define XX(code, msg) \
  case UV_##code:     \
    return msg;
    UV_ERRNO_MAP(XX)
#undef XX
  }
  return nullptr;
}

/** Formats "Unknown system error N" (or "Unknown system error N" names) into @p buf. */
char* unknown(const char* fmt, int err, char* buf, size_t len) {
  std::snprintf(buf, len, fmt, err);
  return buf;
}

// Unknown codes are rare; a small ring of buffers keeps the returned
// pointers valid for a while without leaking (libuv leaks one per call).
thread_local char unknown_buf[4][64];
thread_local unsigned unknown_next = 0;

}  // namespace

int uv_translate_sys_error(int sys_errno) { return sys_errno <= 0 ? sys_errno : -sys_errno; }

const char* uv_strerror(int err) {
  if (const char* m = known_message(err)) return m;
  return unknown("Unknown system error %d", err, unknown_buf[unknown_next++ % 4], 64);
}

char* uv_strerror_r(int err, char* buf, size_t buflen) {
  if (const char* m = known_message(err)) {
    std::snprintf(buf, buflen, "%s", m);
    return buf;
  }
  return unknown("Unknown system error %d", err, buf, buflen);
}

const char* uv_err_name(int err) {
  if (const char* n = known_name(err)) return n;
  return unknown("Unknown system error %d", err, unknown_buf[unknown_next++ % 4], 64);
}

char* uv_err_name_r(int err, char* buf, size_t buflen) {
  if (const char* n = known_name(err)) {
    std::snprintf(buf, buflen, "%s", n);
    return buf;
  }
  return unknown("Unknown system error %d", err, buf, buflen);
}
