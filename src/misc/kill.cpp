/**
 * @file kill.cpp
 * @brief uv_kill(): kill(2) with a libuv error code.
 *
 * `kill(pid, signum)`: UV_ESRCH for no such process, UV_EPERM for another
 * user's, UV_EINVAL for a bad signal number. Signal 0 sends nothing and only
 * checks that the process exists and may be signalled.
 *
 * libuv: src/unix/process.c uv_kill
 *
 * Page: \docpage{process-misc}
 */
#include "sys/sys.h"
#include "uv.h"

int uv_kill(int pid, int signum) { return uvref::sys::kill(pid, signum); }
