# Walkthrough 1: the four stages of uv_loop_init, seen from GDB.
# Replayed by CTest (walkthrough.loop-init): its output must match expected.txt.
set pagination off
set print address off
set print pretty on
set filename-display basename
set confirm off

# A small helper: list the inferior's descriptors beyond stdio, as the kernel shows them.
python
import os
class ShowFds(gdb.Command):
    """show-fds: the inferior's descriptors above 2 with their /proc targets."""
    def __init__(self):
        super().__init__("show-fds", gdb.COMMAND_USER)
    def invoke(self, arg, from_tty):
        pid = gdb.selected_inferior().pid
        base = "/proc/%d/fd" % pid
        for name in sorted(os.listdir(base), key=int):
            fd = int(name)
            if fd <= 2:
                continue
            target = os.readlink("%s/%s" % (base, name))
            # inode numbers differ from run to run: keep the kind only
            kind = target.split(":[")[0] if target.startswith(("pipe:", "socket:")) else target
            if kind.startswith("/"):
                continue  # files the shell or ctest left open: not ours
            print("  fd %d -> %s" % (fd, kind))
ShowFds()
end

break uvref::detail::loop_init_stages
run > /dev/null
echo \n== at the start of uv_loop_init: no loop descriptor yet\n
show-fds

break uvref::detail::platform_loop_init
continue
finish
echo \n== stage 4 (runs first): epoll_create1(EPOLL_CLOEXEC)\n
print loop->backend_fd
show-fds

break uvref::detail::signal_global_once_init
continue
finish
echo \n== stage 1: the process-wide signal lock pipe (blocking, one byte in it)\n
print uvref::detail::signal_lock_pipefd
show-fds

break uvref::detail::signal_loop_once_init
continue
finish
echo \n== stage 2: the per-loop signal pipe (non-blocking), watched but not yet in epoll\n
print loop->signal_pipefd
print loop->signal_io_watcher.pevents
print loop->signal_io_watcher.events
show-fds

break uvref::detail::async_start
continue
finish
echo \n== stage 3: the eventfd behind uv_async_send\n
print loop->async_io_watcher.fd
print loop->nfds
show-fds

delete
continue
