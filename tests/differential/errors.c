/*
 * Differential program: the error table, type names, sizes and version.
 *
 * Prints, for every UV_E* code in the header's UV_ERRNO_MAP, its value,
 * uv_err_name and uv_strerror (and the _r forms); uv_translate_sys_error of
 * plain errno values; an unknown code through the _r forms (the non-_r forms
 * allocate for unknown codes in libuv and never free); uv_handle_type_name,
 * uv_handle_size and uv_req_size of every type; the struct sizes a C program
 * sees at compile time; uv_version and uv_version_string.
 *
 * Sizes of handle kinds outside uvref's subset, and the version string, are
 * expected to differ: errors.diff-expected says which and why.
 */
#include "diff_common.h"

static const char* nonnull(const char* s) { return s ? s : "(null)"; }

static void print_errors(void) {
  char name[64], msg[128];
#define XX(code, _)                                                                           \
  say("UV_%-16s %6d name=%s strerror=\"%s\" name_r=%s strerror_r=\"%s\"", #code, UV_##code, \
      uv_err_name(UV_##code), uv_strerror(UV_##code),                                         \
      uv_err_name_r(UV_##code, name, sizeof name), uv_strerror_r(UV_##code, msg, sizeof msg));
  UV_ERRNO_MAP(XX)
#undef XX
  /* A code no table knows; only the _r forms, which do not allocate. */
  say("unknown -9999 name_r=%s strerror_r=\"%s\"", uv_err_name_r(-9999, name, sizeof name),
      uv_strerror_r(-9999, msg, sizeof msg));
  /* A buffer too short: both truncate and NUL-terminate. */
  say("short buffer name_r=\"%s\" strerror_r=\"%s\"", uv_err_name_r(UV_EADDRINUSE, name, 5),
      uv_strerror_r(UV_EADDRINUSE, msg, 8));
  const int sys[] = {0, EPERM, ENOENT, EINTR, EAGAIN, EINVAL, EPIPE, EMFILE, ENAMETOOLONG, ECONNREFUSED};
  for (size_t i = 0; i < sizeof sys / sizeof sys[0]; i++)
    say("uv_translate_sys_error(%d) = %d", sys[i], uv_translate_sys_error(sys[i]));
  say("uv_translate_sys_error(-EINVAL) = %d", uv_translate_sys_error(-EINVAL));
}

static void print_types(void) {
  say("UV_UNKNOWN_HANDLE = %d name=%s", UV_UNKNOWN_HANDLE, nonnull(uv_handle_type_name(UV_UNKNOWN_HANDLE)));
#define XX(uc, lc)                                                                    \
  say("UV_%-12s = %2d name=%s uv_handle_size=%zd", #uc, UV_##uc,                       \
      nonnull(uv_handle_type_name(UV_##uc)), (ssize_t)uv_handle_size(UV_##uc));
  UV_HANDLE_TYPE_MAP(XX)
#undef XX
  say("UV_FILE = %d name=%s", UV_FILE, nonnull(uv_handle_type_name(UV_FILE)));
  say("UV_HANDLE_TYPE_MAX = %d", UV_HANDLE_TYPE_MAX);
  say("uv_handle_size(UV_FILE) = %zd", (ssize_t)uv_handle_size(UV_FILE));
  say("uv_handle_size(UV_HANDLE_TYPE_MAX) = %zd", (ssize_t)uv_handle_size(UV_HANDLE_TYPE_MAX));
#define XX(uc, lc) say("UV_%-12s = %2d uv_req_size=%zd", #uc, UV_##uc, (ssize_t)uv_req_size(UV_##uc));
  UV_REQ_TYPE_MAP(XX)
#undef XX
  say("UV_REQ_TYPE_MAX = %d", UV_REQ_TYPE_MAX);
  say("uv_req_size(UV_REQ_TYPE_MAX) = %zd", (ssize_t)uv_req_size(UV_REQ_TYPE_MAX));
}

static void print_sizes(void) {
#define SZ(t) say("sizeof(%s) = %zu", #t, sizeof(t))
  SZ(uv_loop_t);
  SZ(uv_handle_t);
  SZ(uv_stream_t);
  SZ(uv_pipe_t);
  SZ(uv_tcp_t);
  SZ(uv_timer_t);
  SZ(uv_idle_t);
  SZ(uv_prepare_t);
  SZ(uv_check_t);
  SZ(uv_async_t);
  SZ(uv_signal_t);
  SZ(uv_process_t);
  SZ(uv_req_t);
  SZ(uv_write_t);
  SZ(uv_connect_t);
  SZ(uv_shutdown_t);
  SZ(uv_work_t);
  SZ(uv_fs_t);
  SZ(uv_buf_t);
  SZ(uv_process_options_t);
  SZ(uv_stdio_container_t);
#undef SZ
  say("uv_loop_size() = %zu", uv_loop_size());
#define OFF(t, f) say("offsetof(%s, %s) = %zu", #t, #f, offsetof(t, f))
  OFF(uv_handle_t, data);
  OFF(uv_handle_t, loop);
  OFF(uv_handle_t, type);
  OFF(uv_stream_t, write_queue_size);
  OFF(uv_buf_t, base);
  OFF(uv_buf_t, len);
  OFF(uv_loop_t, data);
  OFF(uv_process_t, pid);
  OFF(uv_write_t, data);
  OFF(uv_write_t, type);
#undef OFF
  char bytes[4];
  uv_buf_t b = uv_buf_init(bytes, 4);
  say("uv_buf_init: base ok %d len %zu", b.base == bytes, b.len);
}

static void print_version(void) {
  say("UV_VERSION_HEX = %d.%d.%d", UV_VERSION_HEX >> 16, (UV_VERSION_HEX >> 8) & 0xff, UV_VERSION_HEX & 0xff);
  say("uv_version() = %u.%u.%u", uv_version() >> 16, (uv_version() >> 8) & 0xff, uv_version() & 0xff);
  say("uv_version_string() = %s", uv_version_string());
}

int main(void) {
  diff_start();
  print_errors();
  print_types();
  print_sizes();
  print_version();
  diff_done();
  return 0;
}
