# Walkthrough: uv_spawn(), from the child's plan to the exit callback (spawn.c).
# Replayed by CTest (walkthrough.spawn): its output must match expected.txt.
set pagination off
set print address off
set filename-display basename
set confirm off
set follow-fork-mode parent
# The first child runs /bin/sh on its own: GDB lets it go at fork().
set detach-on-fork on
# Frames inside the C library look the same whether or not its debug symbols are installed.
set debug-file-directory
# in-inferior switches processes quietly (walkthroughs/inflight/processes.py). Run from the repository root.
source walkthroughs/inflight/processes.py

# Part 1, step 1: the plan. Everything the child will need is built before fork(): the
# child may not allocate (it is a copy of a possibly multi-threaded process).
tbreak fork_child
run > /dev/null
echo \n== just before fork(): the child's plan, made by the parent\n
print plan.stdio[0]@plan.stdio_count
print plan.exec->candidates[0]
print plan.exec->argv[0]@3
print plan.error_fd

# Step 2: the exec-error pipe. Its write end is close-on-exec in the child, so a successful
# execve() closes it, and the parent's read() sees end of file: 0 bytes, no error.
tbreak read_exec_result
continue
finish

# Step 3: SIGCHLD. The child waits for end of file on its stdin; the parent now closes its end.
tbreak let_child_exit
continue
tbreak signal_handler
continue
echo \n== the child exited: the kernel sent SIGCHLD, and uvref's handler runs in the parent\n
print signum
tbreak uvref::detail::process::on_sigchld
continue
echo \n== the handler wrote a message into the loop's signal pipe; the poll phase read it\n
bt
print *watcher->loop
tbreak on_child_exit
continue
print exit_status
print term_signal
print *p

# Part 2: a program that is not there. GDB keeps this child, to watch it fail.
set detach-on-fork off
tbreak uvref::detail::process::plan_exec
continue
finish
echo \n== the plan: every PATH directory, in order, as execvp() would try them\n
print exec.candidates[0]@2
tbreak read_exec_result
continue
echo \n== the parent is about to read the verdict; the child (inferior 2) has not run yet\n
in-inferior 2
break uvref::sys::execve
continue
print path
continue
print path
delete
tbreak report_and_exit
continue
echo \n== every candidate failed: the child writes its error into the pipe and exits 127\n
print err
continue
in-inferior 1
finish
echo \n== the parent read 4 bytes, the child's error, and reaped it: uv_spawn() returns it\n
finish

continue
