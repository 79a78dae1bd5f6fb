// Measures the struct layouts of Debian's libuv 1.44 (libuv1-dev's
// /usr/include/uv.h) for test_layout.cpp. This file does not see uvref's
// uv.h: libuv's header is included inside a namespace so that its types
// cannot clash with uvref's (the C library headers it needs come first, so
// their include guards keep them out of the namespace).
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <pwd.h>
#include <semaphore.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/param.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <termios.h>

#include <map>
#include <string>

namespace debian_libuv {
#include "/usr/include/uv.h"
}  // namespace debian_libuv

namespace uvref::test {

std::map<std::string, size_t> debian_libuv_layout() {
  using namespace debian_libuv;
  std::map<std::string, size_t> m;
#define SIZE(T) m["sizeof " #T] = sizeof(T)
#define OFF(T, f) m[#T "." #f] = offsetof(T, f)
  SIZE(uv_handle_t);
  SIZE(uv_stream_t);
  SIZE(uv_pipe_t);
  SIZE(uv_tcp_t);
  SIZE(uv_write_t);
  SIZE(uv_buf_t);
  SIZE(uv_loop_t);
  SIZE(uv_timer_t);
  SIZE(uv_signal_t);
  OFF(uv_loop_t, data);
  OFF(uv_loop_t, active_handles);
  OFF(uv_loop_t, handle_queue);
  OFF(uv_loop_t, active_reqs);
  OFF(uv_loop_t, internal_fields);
  OFF(uv_loop_t, stop_flag);
  OFF(uv_timer_t, timer_cb);
  OFF(uv_timer_t, timeout);
  OFF(uv_timer_t, repeat);
  OFF(uv_timer_t, start_id);
  OFF(uv_signal_t, signal_cb);
  OFF(uv_signal_t, signum);
  OFF(uv_handle_t, data);
  OFF(uv_handle_t, loop);
  OFF(uv_handle_t, type);
  OFF(uv_handle_t, close_cb);
  OFF(uv_handle_t, handle_queue);
  OFF(uv_handle_t, u);
  OFF(uv_handle_t, next_closing);
  OFF(uv_handle_t, flags);
  OFF(uv_stream_t, write_queue_size);
  OFF(uv_stream_t, alloc_cb);
  OFF(uv_stream_t, read_cb);
  OFF(uv_stream_t, connect_req);
  OFF(uv_stream_t, shutdown_req);
  OFF(uv_stream_t, io_watcher);
  OFF(uv_stream_t, io_watcher.fd);
  OFF(uv_stream_t, write_queue);
  OFF(uv_stream_t, write_completed_queue);
  OFF(uv_stream_t, connection_cb);
  OFF(uv_stream_t, delayed_error);
  OFF(uv_stream_t, accepted_fd);
  OFF(uv_stream_t, queued_fds);
  OFF(uv_pipe_t, ipc);
  OFF(uv_pipe_t, pipe_fname);
  OFF(uv_write_t, data);
  OFF(uv_write_t, type);
  OFF(uv_write_t, cb);
  OFF(uv_write_t, send_handle);
  OFF(uv_write_t, handle);
  OFF(uv_buf_t, base);
  OFF(uv_buf_t, len);
#undef SIZE
#undef OFF
  return m;
}

}  // namespace uvref::test
