/*
 * layout_probe.c: prints the size of every public struct of uv.h and the
 * offset of its fields, one `TYPE size N` or `TYPE.FIELD N` line each.
 *
 * Built twice, once against uvref's src/include/uv.h and once against
 * Debian's /usr/include/uv.h (libuv1-dev 1.44.2); check_struct_sizes.py
 * compares the two outputs and the README's claim about them. Only the
 * header is used: nothing is linked but libc. The fields listed are the ones
 * both headers name: the public ones, and the private ones uvref keeps.
 */
#include <stddef.h>
#include <stdio.h>

#include <uv.h>

#define SIZE(T) printf("%s size %zu\n", #T, sizeof(T))
#define OFF(T, f) printf("%s.%s %zu\n", #T, #f, offsetof(T, f))

#define HANDLE(T)          \
  SIZE(T);                 \
  OFF(T, data);            \
  OFF(T, loop);            \
  OFF(T, type);            \
  OFF(T, close_cb);        \
  OFF(T, handle_queue);    \
  OFF(T, u);               \
  OFF(T, next_closing);    \
  OFF(T, flags)

#define STREAM(T)                     \
  HANDLE(T);                          \
  OFF(T, write_queue_size);           \
  OFF(T, alloc_cb);                   \
  OFF(T, read_cb);                    \
  OFF(T, connect_req);                \
  OFF(T, shutdown_req);               \
  OFF(T, io_watcher);                 \
  OFF(T, io_watcher.fd);              \
  OFF(T, write_queue);                \
  OFF(T, write_completed_queue);      \
  OFF(T, connection_cb);              \
  OFF(T, delayed_error);              \
  OFF(T, accepted_fd);                \
  OFF(T, queued_fds)

#define REQ(T)   \
  SIZE(T);       \
  OFF(T, data);  \
  OFF(T, type);  \
  OFF(T, reserved)

int main(void) {
  SIZE(uv_loop_t);
  OFF(uv_loop_t, data);
  OFF(uv_loop_t, active_handles);
  OFF(uv_loop_t, handle_queue);
  OFF(uv_loop_t, active_reqs);
  OFF(uv_loop_t, internal_fields);
  OFF(uv_loop_t, stop_flag);

  HANDLE(uv_handle_t);
  STREAM(uv_stream_t);
  STREAM(uv_tcp_t);
  STREAM(uv_pipe_t);
  OFF(uv_pipe_t, ipc);
  OFF(uv_pipe_t, pipe_fname);
  STREAM(uv_tty_t);
  OFF(uv_tty_t, orig_termios);
  OFF(uv_tty_t, mode);
  HANDLE(uv_poll_t);
  OFF(uv_poll_t, poll_cb);
  OFF(uv_poll_t, io_watcher);
  OFF(uv_poll_t, io_watcher.fd);
  HANDLE(uv_timer_t);
  OFF(uv_timer_t, timer_cb);
  OFF(uv_timer_t, timeout);
  OFF(uv_timer_t, repeat);
  OFF(uv_timer_t, start_id);
  HANDLE(uv_prepare_t);
  OFF(uv_prepare_t, prepare_cb);
  OFF(uv_prepare_t, queue);
  HANDLE(uv_check_t);
  OFF(uv_check_t, check_cb);
  OFF(uv_check_t, queue);
  HANDLE(uv_idle_t);
  OFF(uv_idle_t, idle_cb);
  OFF(uv_idle_t, queue);
  HANDLE(uv_async_t);
  OFF(uv_async_t, async_cb);
  OFF(uv_async_t, queue);
  OFF(uv_async_t, pending);
  HANDLE(uv_signal_t);
  OFF(uv_signal_t, signal_cb);
  OFF(uv_signal_t, signum);
  OFF(uv_signal_t, caught_signals);
  OFF(uv_signal_t, dispatched_signals);
  HANDLE(uv_process_t);
  OFF(uv_process_t, exit_cb);
  OFF(uv_process_t, pid);
  OFF(uv_process_t, queue);
  OFF(uv_process_t, status);

  REQ(uv_req_t);
  REQ(uv_shutdown_t);
  OFF(uv_shutdown_t, handle);
  OFF(uv_shutdown_t, cb);
  REQ(uv_write_t);
  OFF(uv_write_t, cb);
  OFF(uv_write_t, send_handle);
  OFF(uv_write_t, handle);
  OFF(uv_write_t, queue);
  OFF(uv_write_t, write_index);
  OFF(uv_write_t, bufs);
  OFF(uv_write_t, nbufs);
  OFF(uv_write_t, error);
  OFF(uv_write_t, bufsml);
  REQ(uv_connect_t);
  OFF(uv_connect_t, cb);
  OFF(uv_connect_t, handle);
  OFF(uv_connect_t, queue);
  REQ(uv_work_t);
  OFF(uv_work_t, loop);
  OFF(uv_work_t, work_cb);
  OFF(uv_work_t, after_work_cb);
  OFF(uv_work_t, work_req);
  REQ(uv_fs_t);
  OFF(uv_fs_t, fs_type);
  OFF(uv_fs_t, loop);
  OFF(uv_fs_t, cb);
  OFF(uv_fs_t, result);
  OFF(uv_fs_t, ptr);
  OFF(uv_fs_t, path);
  OFF(uv_fs_t, statbuf);
  OFF(uv_fs_t, statbuf.st_size);
  OFF(uv_fs_t, statbuf.st_birthtim);
  OFF(uv_fs_t, file);
  OFF(uv_fs_t, bufs);
  OFF(uv_fs_t, off);
  OFF(uv_fs_t, work_req);
  OFF(uv_fs_t, bufsml);
  SIZE(uv_stat_t);

  SIZE(uv_buf_t);
  OFF(uv_buf_t, base);
  OFF(uv_buf_t, len);
  SIZE(uv_cpu_info_t);
  OFF(uv_cpu_info_t, model);
  OFF(uv_cpu_info_t, speed);
  OFF(uv_cpu_info_t, cpu_times);
  SIZE(uv_stdio_container_t);
  OFF(uv_stdio_container_t, flags);
  OFF(uv_stdio_container_t, data);
  SIZE(uv_process_options_t);
  OFF(uv_process_options_t, exit_cb);
  OFF(uv_process_options_t, file);
  OFF(uv_process_options_t, args);
  OFF(uv_process_options_t, env);
  OFF(uv_process_options_t, cwd);
  OFF(uv_process_options_t, flags);
  OFF(uv_process_options_t, stdio_count);
  OFF(uv_process_options_t, stdio);
  OFF(uv_process_options_t, uid);
  OFF(uv_process_options_t, gid);
  return 0;
}
