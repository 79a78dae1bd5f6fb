# Walkthrough: the write path under pressure: a full socket buffer, EAGAIN, the write
# queue, POLLOUT, callbacks in order (write_tour.c).
# Replayed by CTest (walkthrough.write-pressure): its output must match expected.txt.
set pagination off
set print address off
set filename-display basename
set confirm off
# uvref's printers and commands (they also load with the program when GDB's auto-load
# safe-path allows it; run GDB from the repository root).
source walkthroughs/gdb/uvref_gdb.py

# Step 1: the first uv_write() finds the writer idle and tries write() at once.
break uvref::detail::write_bufs
run > /dev/null
echo \n== the socket buffer is already full: the kernel refuses even one byte\n
finish
print (uv_errno_t) $
echo \n== nothing was written: the request stays at the head of the queue\n
finish
finish
print writer
print writer.io_watcher.pevents
delete

# Step 2: the other two requests queue behind it, without a system call.
break uv_read_start
continue
print writer.write_queue
uvref-fds &loop
delete

# Step 3: the first uv_run() registers the writer's watcher in epoll: for POLLOUT only.
break uvref::sys::epoll_ctl if fd == writer.io_watcher.fd
continue
print ev->events
delete

# Step 4: the loop drains the reader; epoll reports the writer writable.
break uvref::detail::stream_write
continue
echo \n== POLLOUT (4): called from the poll phase for the writer's watcher\n
bt 3
finish
echo \n== all three requests written in one pass; they wait in write_completed_queue\n
print writer
print writer.write_queue
delete

# Step 5: the callbacks, in the order of the uv_write() calls.
break on_write
continue
print (int)(req - writes)
continue
print (int)(req - writes)
continue
print (int)(req - writes)
delete
continue
