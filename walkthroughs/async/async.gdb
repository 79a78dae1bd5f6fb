# Walkthrough: three uv_async_send() calls from a thread, one eventfd write, one callback (async_tour.c).
# Replayed by CTest (walkthrough.async): its output must match expected.txt.
set pagination off
set print address off
set filename-display basename
set confirm off
# uvref's printers and commands (they also load with the program when GDB's auto-load
# safe-path allows it; run GDB from the repository root); fdinfo FD FIELD: a line of /proc/PID/fdinfo/FD.
source walkthroughs/gdb/uvref_gdb.py
source walkthroughs/async/fdinfo.py

# Step 1: the first send, on the sender thread. The handle is idle (0), the counter 0.
break uv_async_send
run > /dev/null
print *handle
fdinfo loop.async_io_watcher.fd eventfd-count

# Step 2: the handle goes busy (1) while the sender writes the 8-byte value 1.
break uvref::detail::async_wakeup
continue
finish
echo \n== the eventfd counter is 1; the sender is still inside uv_async_send (busy)\n
fdinfo loop.async_io_watcher.fd eventfd-count
print *handle

# Step 3: the second and third sends find the handle sent (2) and return: no write.
continue
print *handle
continue
print *handle
finish
fdinfo loop.async_io_watcher.fd eventfd-count
delete

# Step 4: the thread has ended; main's uv_run() polls and the eventfd is readable.
break uvref::detail::async_io
continue
echo \n== the loop thread, in the poll phase: one read will take the whole counter\n
bt
fdinfo loop->async_io_watcher.fd eventfd-count

# Step 5: one callback for three sends; the handle is idle again before it runs.
break on_async
continue
fdinfo loop.async_io_watcher.fd eventfd-count
print *handle
finish
print callbacks

delete
continue
