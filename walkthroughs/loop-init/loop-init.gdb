# Walkthrough 1: the four stages of uv_loop_init, seen from GDB.
# Replayed by CTest (walkthrough.loop-init): its output must match expected.txt.
set pagination off
set print address off
set print pretty on
set filename-display basename
set confirm off

# show-fds lists the program's descriptors as the kernel names them (run GDB from the repository root).
source walkthroughs/gdb/uvref_gdb.py

break uvref::detail::loop_init_stages
run > /dev/null
echo \n== at the start of uv_loop_init: no loop descriptor yet\n
show-fds

break uvref::detail::platform_loop_init
continue
finish
echo \n== stage 1: epoll_create1(EPOLL_CLOEXEC)\n
print loop->backend_fd
show-fds

break uvref::detail::signal_global_once_init
continue
finish
echo \n== stage 2: the process-wide signal lock pipe (blocking, one byte in it)\n
print uvref::detail::signal_lock_pipefd
show-fds

break uvref::detail::signal_loop_once_init
continue
finish
echo \n== stage 3: the per-loop signal pipe (non-blocking), watched but not yet in epoll\n
print loop->signal_pipefd
print loop->signal_io_watcher.pevents
print loop->signal_io_watcher.events
show-fds

break uvref::detail::async_start
continue
finish
echo \n== stage 4: the eventfd behind uv_async_send\n
print loop->async_io_watcher.fd
print loop->nfds
show-fds

delete
continue
