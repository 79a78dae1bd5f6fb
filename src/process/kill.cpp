/**
 * @file kill.cpp
 * @brief uv_process_kill() and uv_process_get_pid(): signalling the child of a process handle.
 *
 * `kill(pid, signum)` on the handle's pid. A handle whose spawn failed holds
 * pid 0, and kill(0, sig) would signal the caller's whole process group, so
 * uvref answers UV_ESRCH for it instead. After the exit callback the pid is
 * kept (as libuv does): the child is reaped, so kill() answers ESRCH unless
 * the kernel has already reused the number for another process. Signal a
 * child only while its handle is active.
 *
 * libuv: src/unix/process.c uv_process_kill; src/uv-data-getter-setters.c uv_process_get_pid
 *
 * Page: \docpage{process-spawn}
 */
#include "uv.h"

int uv_process_kill(uv_process_t* process, int signum) {
  if (process->pid <= 0) return UV_ESRCH;
  return uv_kill(process->pid, signum);
}

uv_pid_t uv_process_get_pid(const uv_process_t* handle) { return handle->pid; }
