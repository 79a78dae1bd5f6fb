/**
 * @file errors.cpp
 * @brief Error names and messages for the UV_E* codes.
 *
 * A libuv error code on Unix is a negated errno (uv/errno.h), so translating a
 * kernel error is one negation. The table in uv.h (UV_ERRNO_MAP) gives every
 * code its name and libuv's message; unknown codes get a message that names
 * the number, as libuv does, so nothing is ever reported as a blank.
 *
 * libuv: src/uv-common.c uv_strerror, uv_err_name, uv_strerror_r, uv_err_name_r,
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

/** Writes @p known, or "Unknown system error N" when it is null, into @p buf. */
char* format_into(const char* known, int err, char* buf, size_t len) {
  if (known) {
    std::snprintf(buf, len, "%s", known);
  } else {
    std::snprintf(buf, len, "Unknown system error %d", err);
  }
  return buf;
}

// Unknown codes are rare; a small ring of buffers keeps the returned
// pointers valid for a while without leaking (libuv leaks one per call).
thread_local char unknown_buf[4][64];
thread_local unsigned unknown_next = 0;

const char* known_or_unknown(const char* known, int err) {
  if (known) return known;
  return format_into(nullptr, err, unknown_buf[unknown_next++ % 4], sizeof unknown_buf[0]);
}

}  // namespace

int uv_translate_sys_error(int sys_errno) { return sys_errno <= 0 ? sys_errno : -sys_errno; }

const char* uv_strerror(int err) { return known_or_unknown(known_message(err), err); }
const char* uv_err_name(int err) { return known_or_unknown(known_name(err), err); }

char* uv_strerror_r(int err, char* buf, size_t buflen) {
  return format_into(known_message(err), err, buf, buflen);
}

char* uv_err_name_r(int err, char* buf, size_t buflen) {
  return format_into(known_name(err), err, buf, buflen);
}
