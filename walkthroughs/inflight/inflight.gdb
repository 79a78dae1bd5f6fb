# Walkthrough: a descriptor in flight between two processes (inflight.c).
# Replayed by CTest (walkthrough.inflight): its output must match expected.txt.
set pagination off
set print address off
set filename-display basename
set confirm off
# Keep both processes under GDB after fork(); the parent (the sender) stays current, and
# `continue` resumes only the current process (schedule-multiple is off by default), so the
# script alone decides which process runs.
set detach-on-fork off
set follow-fork-mode parent
# Frames inside the C library look the same whether or not its debug symbols are installed.
set debug-file-directory
# show-fds (the current process's table), unix-sockets (the kernel's view of its sockets),
# in-inferior, witness-fd, same-file, has-fd (kcmp and friends). Run from the repository root.
source walkthroughs/gdb/uvref_gdb.py
source walkthroughs/pipe-server/unix_sockets.py
source walkthroughs/inflight/processes.py

# Step 1: the sender (inferior 1) sends the cargo's read end. The receiver (inferior 2) was
# forked first and is held, stopped, by GDB.
break uvref::detail::fdpass::send_with_fd
run > /dev/null
echo \n== the sender is about to sendmsg(): fd is the cargo, sock the sender's end of the channel\n
print fd
print sock
set $cargo_fd = fd
witness-fd fd
finish

# Step 2: the sender closes its copy in the write callback, before the receiver reads.
break let_receiver_read
continue
echo \n== the cargo is closed in the sender, and the receiver has not read yet\n
has-fd 1 $cargo_fd
show-fds
unix-sockets

# The receiver runs up to the read() that waits for the sender's go-ahead.
in-inferior 2
break wait_for_go
continue
echo \n== the receiver's table holds no pipe; one byte, carrying the descriptor, waits on its socket\n
show-fds
unix-sockets

# Step 3: the sender writes the go-ahead; the receiver runs up to its recvmsg().
in-inferior 1
finish
in-inferior 2
break uvref::detail::fdpass::recv_with_fds
continue
finish
echo \n== after recvmsg(): a new descriptor in the receiver, waiting for uv_accept\n
print stream->accepted_fd
print *stream
show-fds
echo == kcmp(2) against the witness GDB took from the sender's cargo before the send\n
same-file stream->accepted_fd
same-file stream->io_watcher.fd

# Step 4: the received descriptor reads what the sender wrote into the pipe before the trip.
break on_cargo_read
continue
print nread
print buf->base[0]@nread

# The receiver exits first (the sender waits for it), then the sender.
delete
continue
in-inferior 1
continue
