# Walkthrough: one SIGUSR1 from kill() to the signal handle's callback (signal_tour.c).
# Replayed by CTest (walkthrough.signal): its output must match expected.txt.
set pagination off
set print address off
set filename-display basename
set confirm off
# uvref's printers and commands (they also load with the program when GDB's auto-load
# safe-path allows it; run GDB from the repository root); pipe-bytes FD: bytes waiting in a pipe.
source walkthroughs/gdb/uvref_gdb.py
source walkthroughs/signal/pipe_bytes.py

# GDB would stop the program when the signal arrives: let it through, and say so.
handle SIGUSR1 nostop print pass

# Step 1: kill() is about to enter the kernel. Show the caller, not libc's inside.
catch syscall kill
commands
  silent
  echo \n== kill() is entering the kernel; the handle is started, the lock pipe holds its one byte\n
  frame 1
end
run > /dev/null
print sigusr1
print loop.signal_pipefd
print 'uvref::detail::signal_lock_pipefd'
pipe-bytes 'uvref::detail::signal_lock_pipefd'[0] loop.signal_pipefd[0]
delete

# Step 2: the kernel runs the handler on this thread, on top of the kill() call.
break signal_handler
continue
echo \n== in signal context: the frame below the handler is the kernel's\n
bt 2

# Step 3: the handler takes the lock: the byte leaves the lock pipe.
break uvref::detail::signal_lock
continue
finish
pipe-bytes 'uvref::detail::signal_lock_pipefd'[0]

# Step 4: the message, 16 bytes into the loop's signal pipe; then the byte goes back.
break uvref::sys::write
continue
echo \n== the message write: {handle, signum} into loop->signal_pipefd[1]\n
up
print msg
continue
echo \n== the unlock write: one byte back into the lock pipe\n
print sigusr1
finish
pipe-bytes 'uvref::detail::signal_lock_pipefd'[0] loop.signal_pipefd[0]
delete

# Step 5: back in main, uv_run() polls; the signal pipe is readable.
break uvref::detail::signal_event
continue
echo \n== the loop thread reads the pipe: called from the poll phase, not from a signal\n
bt

# Step 6: the callback, with the message the loop read.
break on_signal
continue
up
print msg
print bytes
print sigusr1
pipe-bytes loop.signal_pipefd[0]

delete
continue
