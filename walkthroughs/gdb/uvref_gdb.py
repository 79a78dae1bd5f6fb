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
