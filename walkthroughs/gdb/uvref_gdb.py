"""GDB helpers for the uvref walkthroughs: `source walkthroughs/gdb/uvref_gdb.py`.

show-fds    the inferior's descriptors above 2, as /proc/PID/fd names them
            (pipe and socket inode numbers dropped: they differ on every run).

GDB 13 has no command for an inferior's descriptor table, so this reads
/proc from GDB's own Python, without calling into the stopped program.
"""
import os

import gdb


def describe(target):
    if target.startswith(("pipe:", "socket:")):
        return target.split(":[")[0]
    return target


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
            kind = describe(os.readlink("%s/%s" % (base, name)))
            if kind.startswith("/") and not kind.startswith("/dev/"):
                continue  # files a shell or ctest left open: not the program's
            print("  fd %d -> %s" % (fd, kind))


ShowFds()


def _int(value):
    return int(value.cast(gdb.lookup_type("long")))


class UvrefFds(gdb.Command):
    """uvref-fds LOOP: each descriptor above 2 and what owns it, read from the loop's own fields.

    The owners come from the structures, never from a side table: loop->backend_fd,
    loop->signal_pipefd, loop->async_io_watcher.fd, loop->emfile_fd, the process-wide
    uvref::detail::signal_lock_pipefd, and every pipe or TCP handle on loop->handle_queue
    (its io_watcher.fd, and a received descriptor waiting in accepted_fd). Nothing runs in the
    stopped program: GDB only reads its memory. The C++ counterpart is src/debug/fd_owner.cpp.
    """

    def __init__(self):
        super().__init__("uvref-fds", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        loop = gdb.parse_and_eval(arg or "loop")
        if loop.type.strip_typedefs().code == gdb.TYPE_CODE_PTR:
            loop = loop.dereference()
        owners = {}

        def own(fd, who):
            fd = _int(fd)
            if fd >= 0:
                owners.setdefault(fd, who)

        own(loop["backend_fd"], "loop->backend_fd (epoll instance)")
        lock = gdb.parse_and_eval("uvref::detail::signal_lock_pipefd")
        own(lock[0], "signal_lock_pipefd[0] (process-wide lock)")
        own(lock[1], "signal_lock_pipefd[1] (process-wide lock)")
        own(loop["signal_pipefd"][0], "loop->signal_pipefd[0] (signal pipe, watched)")
        own(loop["signal_pipefd"][1], "loop->signal_pipefd[1] (signal pipe)")
        own(loop["async_io_watcher"]["fd"], "loop->async_io_watcher.fd (eventfd)")
        own(loop["emfile_fd"], "loop->emfile_fd (EMFILE reserve)")

        handle_ptr = gdb.lookup_type("uv_handle_t").pointer()
        stream_ptr = gdb.lookup_type("uv_stream_t").pointer()
        char_ptr = gdb.lookup_type("char").pointer()
        link = _int(gdb.parse_and_eval("&((uv_handle_t*)0)->handle_queue"))
        streams = (_int(gdb.parse_and_eval("UV_NAMED_PIPE")), _int(gdb.parse_and_eval("UV_TCP")))
        head = loop["handle_queue"].address
        q = loop["handle_queue"]["next"]
        while _int(q) != _int(head):
            h = (q.cast(char_ptr) - link).cast(handle_ptr)
            if _int(h["type"]) in streams:
                s = h.cast(stream_ptr)
                name = "%s handle %s" % (str(h["type"]).replace("UV_NAMED_PIPE", "pipe").replace("UV_TCP", "tcp"),
                                         str(h).strip())
                own(s["io_watcher"]["fd"], name + " io_watcher.fd")
                own(s["accepted_fd"], name + " accepted_fd (waiting for uv_accept)")
            q = q["next"]

        pid = gdb.selected_inferior().pid
        base = "/proc/%d/fd" % pid
        for entry in sorted(os.listdir(base), key=int):
            fd = int(entry)
            if fd <= 2:
                continue
            kind = describe(os.readlink("%s/%s" % (base, entry)))
            if kind.startswith("/") and not kind.startswith("/dev/"):
                continue
            print("  fd %-2d %-24s %s" % (fd, kind, owners.get(fd, "-")))


UvrefFds()
