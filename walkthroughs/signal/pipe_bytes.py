"""`pipe-bytes FD...`: how many bytes wait unread in each of the inferior's pipes.

GDB cannot ask the stopped program (calling ioctl() in it could disturb what we
watch), so this opens the same pipe through /proc/PID/fd/FD, which gives GDB a
descriptor of its own for the pipe, and asks the kernel with FIONREAD. Opening
does not change the pipe: no byte is read, and the program's descriptors stay as
they were. Works for pipes (and FIFOs) only: the kernel refuses to open a socket
through /proc.
"""
import array
import fcntl
import os
import termios

import gdb


class PipeBytes(gdb.Command):
    """pipe-bytes FD...: bytes waiting in each pipe, read with FIONREAD through /proc/PID/fd."""

    def __init__(self):
        super().__init__("pipe-bytes", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        pid = gdb.selected_inferior().pid
        for expr in arg.split():  # one expression per word; quotes kept for C++ names
            fd = int(gdb.parse_and_eval(expr))
            own = os.open("/proc/%d/fd/%d" % (pid, fd), os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
            try:
                count = array.array("i", [0])
                fcntl.ioctl(own, termios.FIONREAD, count)
            finally:
                os.close(own)
            print("  fd %d: %d byte(s) waiting" % (fd, count[0]))


PipeBytes()
