# Walkthrough: the pre-fork server, one connection accepted in the parent and served in a worker (prefork.c).
# Replayed by CTest (walkthrough.prefork): its output must match expected.txt.
set pagination off
set print address off
set filename-display basename
set confirm off
# Both processes stay under GDB after fork(); `continue` resumes only the current one
# (schedule-multiple is off by default), so the script decides which process runs.
set detach-on-fork off
set follow-fork-mode parent
# Frames inside the C library look the same whether or not its debug symbols are installed.
set debug-file-directory
# uvref-fds LOOP and show-fds (descriptor tables), in-inferior, witness-fd, witness-drop, same-file, has-fd
# (walkthroughs/inflight/processes.py). Run GDB from the repository root.
source walkthroughs/gdb/uvref_gdb.py
source walkthroughs/inflight/processes.py

# Step 1: the parent (inferior 1) accepts a TCP connection from its own client. The worker
# (inferior 2) was forked before any loop existed and is held, stopped, by GDB.
tbreak uv_accept
run > /dev/null
echo \n== the parent's connection callback: accept4() already ran, uv_accept() is next\n
print server->accepted_fd
set $conn_fd = server->accepted_fd
uvref-fds &loop
uvref-handles &loop

# Step 2: the parent hands the connection to the worker over the IPC channel, then closes its copy.
tbreak uvref::detail::fdpass::send_with_fd
continue
echo \n== uv_write2(): the connection rides in an SCM_RIGHTS message; GDB keeps a witness of it\n
print fd == $conn_fd
witness-fd fd
tbreak worker_may_serve
continue
echo \n== handed off: the parent's copy is closed, and the client's "hello" is on its way\n
has-fd 1 $conn_fd
show-fds

# Step 3: the worker runs: it receives the connection, accepts it, reads the request.
in-inferior 2
tbreak uvref::detail::fdpass::recv_with_fds
continue
finish
echo \n== the worker received a descriptor: the parent's connection, under the worker's own number\n
print stream->accepted_fd
show-fds
same-file stream->accepted_fd
witness-drop
tbreak on_request
continue
echo \n== the worker reads the request the client wrote in the other process\n
print buf->base[0]@nread
print served
tbreak on_served_closed
continue
echo \n== the worker replied and closed its copy: no process holds the server's end any more\n
show-fds

# Step 4: the parent's client reads the reply; then the parent closes the channel and waits.
in-inferior 1
tbreak on_reply
continue
print buf->base[0]@nread
tbreak wait_for_worker
continue

# The worker sees UV_EOF on its channel and exits; then the parent collects its status and exits.
in-inferior 2
continue
in-inferior 1
continue
