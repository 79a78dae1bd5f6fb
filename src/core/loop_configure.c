/*
 * loop_configure.c: uv_loop_configure(), the one variadic function of the API.
 *
 * It is C, not C++, on purpose: its last named parameter is an enum, and
 * va_start() after an enum parameter is fine in C but undefined in C++
 * (clang warns: -Wvarargs). The real work is in core/loop_info.cpp (loop_configure).
 *
 * libuv: src/uv-common.c uv_loop_configure
 */
#include <stdarg.h>

#include "uv.h"

int uvref_loop_configure(uv_loop_t* loop, uv_loop_option option, int signum);

int uv_loop_configure(uv_loop_t* loop, uv_loop_option option, ...) {
  int signum = 0;
  if (option == UV_LOOP_BLOCK_SIGNAL) {
    va_list ap;
    va_start(ap, option);
    signum = va_arg(ap, int);
    va_end(ap);
  }
  return uvref_loop_configure(loop, option, signum);
}
