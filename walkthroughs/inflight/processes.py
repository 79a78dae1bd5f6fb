"""GDB commands for walkthroughs that follow two processes:
`source walkthroughs/inflight/processes.py` (run GDB from the repository root).

in-inferior N         make inferior N current, quietly: GDB's own `inferior N` prints the
                      process id, the program's path and the frame, which differ per machine.
                      (With a single-threaded program, its one thread is the process.)
witness-fd EXPR       take GDB's own copy of descriptor EXPR of the current inferior
                      (pidfd_getfd(2): a new descriptor in GDB for the same open file
                      description, as dup() would make across processes) and keep it as
                      the witness. The program is not changed and runs nothing.
witness-drop          close GDB's copy. Until then the witness keeps the file open: a socket
                      whose last holder in the program closes it is not closed while GDB
                      holds the witness, so its peer would wait for an end of file.
same-file EXPR        kcmp(2) with KCMP_FILE: is descriptor EXPR of the current inferior the
                      same open file description as the witness? kcmp compares the kernel's
                      file objects themselves, not numbers or inodes.
has-fd N EXPR         does inferior N still have descriptor EXPR?

The system calls are made from GDB's Python through libc's syscall(); a kernel or container
that refuses them (ENOSYS, or EPERM without the right to trace) makes the command fail with
that error, visibly.
"""
import ctypes
import os

import gdb

SYS_PIDFD_OPEN, SYS_KCMP, SYS_PIDFD_GETFD = 434, 312, 438  # x86-64 numbers
KCMP_FILE = 0

_libc = ctypes.CDLL(None, use_errno=True)
_libc.syscall.restype = ctypes.c_long
_witness = {}


def _syscall(name, *args):
    r = _libc.syscall(*[ctypes.c_long(a) for a in args])
    if r < 0:
        raise gdb.GdbError("%s: %s" % (name, os.strerror(ctypes.get_errno())))
    return r


def _fd(expr):
    return int(gdb.parse_and_eval(expr))


class InInferior(gdb.Command):
    """in-inferior N: make inferior N the current one without printing machine-specific details."""

    def __init__(self):
        super().__init__("in-inferior", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        num = int(arg)
        inf = [i for i in gdb.inferiors() if i.num == num][0]
        inf.threads()[0].switch()  # selects the inferior too, and prints nothing
        print("== now in inferior %d" % num)


class WitnessFd(gdb.Command):
    """witness-fd EXPR: GDB takes its own reference to the open file behind descriptor EXPR."""

    def __init__(self):
        super().__init__("witness-fd", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        fd = _fd(arg)
        inf = gdb.selected_inferior()
        pidfd = _syscall("pidfd_open", SYS_PIDFD_OPEN, inf.pid, 0)
        try:
            copy = _syscall("pidfd_getfd", SYS_PIDFD_GETFD, pidfd, fd, 0)
        finally:
            os.close(pidfd)
        if "fd" in _witness:
            os.close(_witness["fd"])
        _witness.update(fd=copy, what="inferior %d fd %d" % (inf.num, fd))
        print("witness: GDB holds the open file of %s" % _witness["what"])


class WitnessDrop(gdb.Command):
    """witness-drop: close GDB's copy of the witnessed open file."""

    def __init__(self):
        super().__init__("witness-drop", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if "fd" in _witness:
            os.close(_witness.pop("fd"))
            print("witness dropped: GDB no longer holds the open file of %s" % _witness.pop("what"))


class SameFile(gdb.Command):
    """same-file EXPR: kcmp(KCMP_FILE) of descriptor EXPR of the current inferior and the witness."""

    def __init__(self):
        super().__init__("same-file", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        if "fd" not in _witness:
            raise gdb.GdbError("same-file: take a witness first (witness-fd EXPR)")
        fd = _fd(arg)
        inf = gdb.selected_inferior()
        r = _syscall("kcmp", SYS_KCMP, os.getpid(), inf.pid, KCMP_FILE, _witness["fd"], fd)
        verdict = "the same open file description as" if r == 0 else "not the same open file description as"
        print("kcmp: inferior %d fd %d is %s the witness (%s)" % (inf.num, fd, verdict, _witness["what"]))


class HasFd(gdb.Command):
    """has-fd N EXPR: whether inferior N has descriptor EXPR open, from /proc/PID/fd."""

    def __init__(self):
        super().__init__("has-fd", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        num, expr = arg.split(None, 1)
        fd = _fd(expr)
        inf = [i for i in gdb.inferiors() if i.num == int(num)][0]
        state = "open" if os.path.exists("/proc/%d/fd/%d" % (inf.pid, fd)) else "closed"
        print("inferior %d fd %d: %s" % (inf.num, fd, state))


InInferior()
WitnessFd()
WitnessDrop()
SameFile()
HasFd()
