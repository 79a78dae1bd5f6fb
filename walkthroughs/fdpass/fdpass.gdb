# Walkthrough: one descriptor's trip through an IPC pipe (fdpass_tour.c).
# Replayed by CTest (walkthrough.fdpass): its output must match expected.txt.
set pagination off
set print address off
set filename-display basename
set confirm off
# show-fds lists the program's descriptors as the kernel names them; uvref-fds LOOP adds
# the loop field or handle that owns each (run GDB from the repository root).
source walkthroughs/gdb/uvref_gdb.py

# Step 3, the send: the descriptor rides in an SCM_RIGHTS control message.
break uvref::detail::fdpass::send_with_fd
run > /dev/null
echo \n== uv_write2 reached the sendmsg step: sock is the sender's socket, fd the cargo's read end\n== (fd 11, /dev/null, is the loop's EMFILE reserve, opened with the first stream)\n
print sock
print fd
show-fds
finish

# Step 4: the sender closes its copy. The pipe survives: the message in the
# socket holds a reference of its own.
break uvref::detail::fdpass::recv_with_fds
continue
echo \n== the receiver is about to recvmsg(): the cargo's read end is gone from the table (closed by uv_close)\n
show-fds
finish
echo \n== after recvmsg(): the kernel installed a new descriptor for the same pipe (the lowest free number),\n== and it waits in the receiver's pending queue for uv_accept\n
print stream->accepted_fd
show-fds

# Step 7: uv_accept() takes it out of the queue and opens it into a handle.
break uvref::detail::fdpass::accept_pending
continue
echo \n== uv_accept() is about to run: who owns each descriptor, read from the loop's own fields\n
uvref-fds &loop
finish
echo \n== accepted: the new handle reads the bytes written before the send\n
print arrived.io_watcher.fd
print server->accepted_fd

delete
continue
