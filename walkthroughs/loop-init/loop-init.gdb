# Walkthrough 1: the four stages of uv_loop_init, seen from GDB.
# Replayed by CTest (walkthrough.loop-init): its output must match expected.txt.
set pagination off
set print address off
set filename-display basename
set confirm off
# uvref's GDB extensions (printers, skip rules, show-fds, uvref-fds) load with the program
# when the build directory is on GDB's auto-load safe-path; otherwise:
#   source walkthroughs/gdb/uvref_gdb.py

# The tour makes its first loop with uv_loop_init(), as any program does.
break uv_loop_init
run > /dev/null
echo \n== uv_loop_init, the tour's first loop: nothing is open beyond stdio yet\n
show-fds

# The skip rules keep `step` in uvref's code: no memset, no queue_init, no sys:: seam.
step
next 2
echo \n== loop_init_fields has run: an empty loop, every descriptor -1\n
print *loop
step
finish
echo \n== stage 1: epoll_create1(EPOLL_CLOEXEC), the backend descriptor\n
uvref-fds loop

next 5
step
step
echo \n== stage 2: glibc's pthread_once() runs signal_global_init, once per process; no pipe yet\n
print uvref::detail::signal_lock_pipefd
tbreak uvref::detail::signal_loop_once_init
continue
echo \n== the lock pipe exists (blocking, one byte in it: the lock is free)\n
print uvref::detail::signal_lock_pipefd
finish
echo \n== stage 3: the per-loop signal pipe (non-blocking), watched but not yet in epoll\n
print loop->signal_pipefd
print loop->signal_io_watcher.pevents
print loop->signal_io_watcher.events
uvref-fds loop

tbreak uvref::detail::async_start
continue
finish
echo \n== stage 4: the eventfd behind uv_async_send, both ends in one descriptor\n
print loop->async_wfd
uvref-fds loop
finish
finish
echo \n== uv_loop_init returns: six descriptors, two internal handles (SIGCHLD watcher, thread pool wake-up)\n
print *loop

delete
continue
