/**
 * @file handle_types.cpp
 * @brief Names and sizes of handle and request types, and uv_buf_init().
 *
 * libuv: src/uv-common.c uv_handle_size, uv_req_size, uv_buf_init,
 * src/uv-data-getter-setters.c uv_handle_type_name
 */
#include "uv.h"

size_t uv_handle_size(uv_handle_type type) {
  switch (type) {
    case UV_ASYNC: return sizeof(uv_async_t);
    case UV_CHECK: return sizeof(uv_check_t);
    case UV_HANDLE: return sizeof(uv_handle_t);
    case UV_IDLE: return sizeof(uv_idle_t);
    case UV_NAMED_PIPE: return sizeof(uv_pipe_t);
    case UV_PREPARE: return sizeof(uv_prepare_t);
    case UV_PROCESS: return sizeof(uv_process_t);
    case UV_STREAM: return sizeof(uv_stream_t);
    case UV_TCP: return sizeof(uv_tcp_t);
    case UV_TIMER: return sizeof(uv_timer_t);
    case UV_SIGNAL: return sizeof(uv_signal_t);
    case UV_TTY: return sizeof(uv_tty_t);
    case UV_POLL: return sizeof(uv_poll_t);
    default: return static_cast<size_t>(-1);  // fs_event, fs_poll, udp: not in uvref
  }
}

size_t uv_req_size(uv_req_type type) {
  switch (type) {
    case UV_REQ: return sizeof(uv_req_t);
    case UV_CONNECT: return sizeof(uv_connect_t);
    case UV_WRITE: return sizeof(uv_write_t);
    case UV_SHUTDOWN: return sizeof(uv_shutdown_t);
    case UV_FS: return sizeof(uv_fs_t);
    case UV_WORK: return sizeof(uv_work_t);
    default: return static_cast<size_t>(-1);  // udp_send, getaddrinfo, ...: not in uvref
  }
}

const char* uv_handle_type_name(uv_handle_type type) {
  switch (type) {
#define XX(uc, lc) \
  case UV_##uc:    \
    return #lc;
    UV_HANDLE_TYPE_MAP(XX)
#undef XX
    case UV_FILE: return "file";
    default: return nullptr;
  }
}

uv_buf_t uv_buf_init(char* base, unsigned int len) {
  uv_buf_t buf;
  buf.base = base;
  buf.len = len;
  return buf;
}
