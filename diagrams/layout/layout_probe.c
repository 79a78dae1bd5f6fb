/*
 * Layout probe: compiled once against uvref's src/include/uv.h and once
 * against Debian's /usr/include/uv.h (libuv 1.44.2). It only has to make the
 * compiler emit debug information for every handle and request struct;
 * struct_layout.py then reads offsets and sizes from that information in
 * GDB, exactly as the compiler laid the structs out. Never run.
 */
#include <uv.h>

/* One object of each type: the compiler describes only types in use. */
struct uv_loop_s probe_loop;
struct uv_handle_s probe_handle;
struct uv_stream_s probe_stream;
struct uv_pipe_s probe_pipe;
struct uv_tcp_s probe_tcp;
struct uv_timer_s probe_timer;
struct uv_prepare_s probe_prepare;
struct uv_check_s probe_check;
struct uv_idle_s probe_idle;
struct uv_async_s probe_async;
struct uv_signal_s probe_signal;
struct uv_process_s probe_process;
struct uv_req_s probe_req;
struct uv_write_s probe_write;
struct uv_connect_s probe_connect;
struct uv_shutdown_s probe_shutdown;
struct uv_work_s probe_work;
struct uv_fs_s probe_fs;

int main(void) { return 0; }
