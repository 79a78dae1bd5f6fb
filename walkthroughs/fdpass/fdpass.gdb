# Walkthrough: one descriptor's trip through an IPC pipe (fdpass_tour.c).
# Replayed by CTest (walkthrough.fdpass): its output must match expected.txt.
set pagination off
set print address off
set filename-display basename
set confirm off
# uvref's GDB extensions (printers, uvref-fds, uvref-handles) load with the program when
# the build directory is on GDB's auto-load safe-path; otherwise:
#   source walkthroughs/gdb/uvref_gdb.py

# Step 3, the send: the descriptor rides in an SCM_RIGHTS control message.
break uvref::detail::fdpass::send_with_fd
run > /dev/null
echo \n== uv_write2 reached the sendmsg step: sock is the sender's socket, fd the cargo's read end\n
print sock
print fd
echo \n== who owns each descriptor, read from the loop's own fields (the cargo's is still the program's)\n
uvref-fds &loop
break uvref::sys::sendmsg
continue
echo \n== the message about to leave: one byte, and a control message that carries fd\n
print *msg
print *(struct cmsghdr *) msg->msg_control
delete

# Step 4: the sender closes its copy. The pipe survives: the message in the
# socket holds a reference of its own.
break uvref::detail::fdpass::recv_with_fds
continue
echo \n== the receiver is about to recvmsg(): the cargo's descriptor is gone from the table (closed by uv_close)\n
uvref-fds &loop
break uvref::detail::fdpass::walk_cmsgs
continue
echo \n== recvmsg() returned: the kernel installed a new descriptor for the same pipe (the lowest free number)\n
print *msg
finish
echo \n== walk_cmsgs queued it on the receiver: it waits there for uv_accept\n
print *stream
delete

# Step 7: uv_accept() takes it out of the queue and opens it into a handle.
break uvref::detail::fdpass::accept_pending
continue
echo \n== uv_accept() is about to run: the loop on one screen, then its handles\n
print loop
uvref-handles &loop
finish
echo \n== accepted: the new handle owns the descriptor, the receiver has none pending\n
print arrived
print receiver

delete
continue
