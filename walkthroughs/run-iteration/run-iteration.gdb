# Walkthrough: the phases of uv_run(), three iterations, and the poll timeout (run_tour.c).
# Replayed by CTest (walkthrough.run-iteration): its output must match expected.txt.
set pagination off
set print address off
set filename-display basename
set confirm off
# uvref's printers and commands (they also load with the program when GDB's auto-load
# safe-path allows it; run GDB from the repository root).
source walkthroughs/gdb/uvref_gdb.py

# Trace, without stopping for good, every phase function uv_run() calls and every
# callback of the program. $tracing turns the trace off once the poll may sleep.
set $iteration = 0
set $polled = 0
set $tracing = 1

break uvref::detail::run_timers if $tracing
commands
  silent
  set $iteration = $iteration + 1
  set $polled = 0
  printf "iteration %d\n  timers\n", $iteration
  continue
end
# The pending phase, and the passes after the poll (only when something is pending).
break run_pending if $tracing
commands
  silent
  if !$polled
    echo \ \ pending\n
  else
    if loop->pending_queue.next != &loop->pending_queue
      echo \ \ pending pass after the poll\n
    end
  end
  continue
end
dprintf uvref::detail::run_idle,"  idle\n"
condition $bpnum $tracing
dprintf uvref::detail::run_prepare,"  prepare\n"
condition $bpnum $tracing
break uvref::detail::io_poll if $tracing
commands
  silent
  set $polled = 1
  printf "  poll, timeout %d ms (idle handles active: %d, pending callbacks: %d)\n", timeout, loop->idle_handles.next != &loop->idle_handles, loop->pending_queue.next != &loop->pending_queue
  if timeout > 0
    echo \ \ (the poll may sleep: the trace stops here)\n
    set $tracing = 0
  end
  continue
end
dprintf uvref::detail::run_check,"  check\n"
condition $bpnum $tracing
dprintf run_closing_handles,"  closing\n"
condition $bpnum $tracing

# The program's callbacks, indented under the phase that runs them. Each traced
# location obeys $tracing (`condition $bpnum`: the breakpoint just made).
dprintf on_first_timer,"    on_first_timer\n"
condition $bpnum $tracing
dprintf on_write,"    on_write: the %s write, status %d\n", (const char*)req->data, status
condition $bpnum $tracing
dprintf on_idle,"    on_idle\n"
condition $bpnum $tracing
dprintf on_prepare,"    on_prepare (iteration %d)\n", iteration + 1
condition $bpnum $tracing
dprintf on_read,"    on_read: %d bytes\n", (int)n
condition $bpnum $tracing
dprintf on_check,"    on_check\n"
condition $bpnum $tracing
# After the sleep: the 20 ms timer's callback closes every handle...
break on_last_timer
run > /dev/null
echo \n== the 20 ms timer fired: its callback runs in the timers phase of the next iteration\n
bt
delete

# ...and their close callbacks wait for the closing phase, the last of the iteration.
break run_closing_handles
continue
uvref-handles loop
delete
continue
