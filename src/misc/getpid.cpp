/**
 * @file getpid.cpp
 * @brief uv_os_getpid(): the calling process's id.
 *
 * getpid(2). In a child created by uv_spawn() it is the child's own pid only
 * after fork(): glibc no longer caches it, so there is no stale value.
 *
 * libuv: src/unix/core.c uv_os_getpid
 *
 * Page: \docpage{process-misc}
 */
#include "sys/sys.h"
#include "uv.h"

uv_pid_t uv_os_getpid(void) { return uvref::sys::getpid(); }
