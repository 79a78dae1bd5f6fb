"""`fdinfo FD FIELD...`: chosen lines of /proc/PID/fdinfo/FD for one of the inferior's descriptors.

The kernel describes every open descriptor in /proc/PID/fdinfo; for an eventfd
it shows the counter (`eventfd-count`), which is all uv_async_send() and the
loop exchange. The other lines (inode, mount id) differ on every machine, so
only the named fields are printed. FD is any GDB expression; nothing runs in
the stopped program.
"""
import gdb


class FdInfo(gdb.Command):
    """fdinfo FD FIELD...: the named lines of /proc/PID/fdinfo/FD."""

    def __init__(self):
        super().__init__("fdinfo", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        words = arg.split()
        if len(words) < 2:
            raise gdb.GdbError("usage: fdinfo FD FIELD...")
        fd = int(gdb.parse_and_eval(words[0]))
        pid = gdb.selected_inferior().pid
        with open("/proc/%d/fdinfo/%d" % (pid, fd)) as info:
            fields = dict(line.split(":", 1) for line in info if ":" in line)
        for name in words[1:]:
            print("  fd %d %s: %s" % (fd, name, fields.get(name, "(none)").strip()))


FdInfo()
