# Walkthrough: a named pipe server, from bind to accept (pipe_server.c).
# Replayed by CTest (walkthrough.pipe-server): its output must match expected.txt.
set pagination off
set print address off
set filename-display basename
set confirm off
# uvref-fds LOOP names the owner of each descriptor; unix-sockets and socket-dir show the
# kernel's side (/proc/net/unix, socket diagnostics, the directory). Run from the repository root.
source walkthroughs/gdb/uvref_gdb.py
source walkthroughs/pipe-server/unix_sockets.py

# Step 1: bind. The program works in a temporary directory it made (empty so far).
break uv_pipe_bind
run > /dev/null
echo \n== before bind: the program's working directory is empty\n
socket-dir
finish
echo \n== after bind: the handle has a socket, and bind() made a file of type socket\n
print server.io_watcher.fd
print server.pipe_fname
socket-dir
unix-sockets

# Step 2: listen. Nothing new in the table, but the kernel now accepts connections for us.
break uv_listen
continue
finish
echo \n== after listen: the socket is a listener with an empty backlog\n
unix-sockets

# Step 3: connect. The kernel completes it at once: it makes the server's end of the
# connection and queues it on the listener, before anyone calls accept().
break uv_pipe_connect
continue
finish
echo \n== after connect: the client is connected to a socket no descriptor holds yet\n
unix-sockets

# Step 4: the loop sees the listener readable and accept4() takes the queued end; the
# connection callback's uv_accept() moves it into a handle.
break uv_accept
continue
echo \n== in the connection callback: the accepted descriptor waits in server.accepted_fd\n
print server.accepted_fd
uvref-fds &loop
unix-sockets
finish
echo \n== after uv_accept: conn owns it, and the backlog is empty again\n
print conn
print server.accepted_fd

# Step 5: the client's four bytes wait in the server end's receive queue until the loop reads them.
break on_written
continue
echo \n== the client's write completed: the bytes are in the kernel, on the server's side\n
unix-sockets
break on_conn_read
continue
print nread
print buf->base[0]@nread

# Step 6: uv_close(&server) unlinks the socket file first, then closes the socket.
break uvref::sys::unlink
continue
finish
echo \n== after unlink: the name is gone, the listener is still open until close()\n
socket-dir

delete
continue
