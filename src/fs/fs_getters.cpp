/**
 * @file fs_getters.cpp
 * @brief The uv_fs_get_*() accessors and the Unix identity of uv_get_osfhandle()/uv_open_osfhandle().
 *
 * The getters exist for bindings that cannot read struct fields (FFI);
 * each returns one field. On Unix a C runtime descriptor and an OS handle
 * are the same int, so the two conversions return their argument; they
 * exist so that a program written for Windows too builds unchanged.
 *
 * libuv: src/uv-data-getter-setters.c uv_fs_get_type, uv_fs_get_result, uv_fs_get_ptr,
 * uv_fs_get_path, uv_fs_get_statbuf; src/unix/fs.c uv_fs_get_system_error;
 * src/unix/core.c uv_get_osfhandle, uv_open_osfhandle
 *
 * Page: \docpage{fs-request}
 */
#include "uv.h"

uv_fs_type uv_fs_get_type(const uv_fs_t* req) { return req->fs_type; }

ssize_t uv_fs_get_result(const uv_fs_t* req) { return req->result; }

int uv_fs_get_system_error(const uv_fs_t* req) { return static_cast<int>(-req->result); }

void* uv_fs_get_ptr(const uv_fs_t* req) { return req->ptr; }

const char* uv_fs_get_path(const uv_fs_t* req) { return req->path; }

uv_stat_t* uv_fs_get_statbuf(uv_fs_t* req) { return &req->statbuf; }

uv_os_fd_t uv_get_osfhandle(int fd) { return fd; }

int uv_open_osfhandle(uv_os_fd_t os_fd) { return os_fd; }
