"""`show-fds` and `uvref-fds LOOP`: the stopped program's descriptor table, read from /proc.

GDB 13 has no command for an inferior's descriptors, so these read /proc/PID/fd and
/proc/PID/fdinfo from GDB's own Python; nothing runs in the stopped program.
Pipe and socket inode numbers are dropped: they differ on every run.
"""
import ctypes
import os

import gdb

from . import handles
from . import values as v

O_NONBLOCK = 0o4000
O_CLOEXEC = 0o2000000
SYS_KCMP, KCMP_FILE = 312, 0  # x86-64


def describe(target):
    if target.startswith(("pipe:", "socket:")):
        return target.split(":[")[0]
    return target


def table(pid):
    """[(fd, what /proc names it)] for the descriptors above 2 of process @pid."""
    base = "/proc/%d/fd" % pid
    out = []
    for name in sorted(os.listdir(base), key=int):
        if int(name) > 2:
            try:
                out.append((int(name), os.readlink("%s/%s" % (base, name))))
            except OSError:
                pass  # closed while we looked
    return out


def fd_flags(pid, fd):
    """'blocking'/'non-blocking' and 'FD_CLOEXEC'/'-' from /proc/PID/fdinfo (flags are octal)."""
    with open("/proc/%d/fdinfo/%d" % (pid, fd)) as f:
        flags = next(int(line.split()[1], 8) for line in f if line.startswith("flags:"))
    return ("non-blocking" if flags & O_NONBLOCK else "blocking",
            "FD_CLOEXEC" if flags & O_CLOEXEC else "-")


_libc = ctypes.CDLL(None, use_errno=True)


def inherited(pid, fd, target):
    """True if @fd is the same open file as GDB's own descriptor @fd: the program got it from GDB.

    A program started by GDB inherits every descriptor GDB's parent (the shell, an IDE,
    ctest) left open, under the same number. kcmp(KCMP_FILE) says whether two descriptors
    share one open file description; where it is refused, the /proc names are compared.
    """
    r = _libc.syscall(SYS_KCMP, os.getpid(), pid, KCMP_FILE, fd, fd)
    if r >= 0:
        return r == 0
    try:
        return os.readlink("/proc/self/fd/%d" % fd) == target
    except OSError:
        return False


class ShowFds(gdb.Command):
    """show-fds: the inferior's descriptors above 2 with their /proc targets."""

    def __init__(self):
        super().__init__("show-fds", gdb.COMMAND_STATUS)

    def invoke(self, arg, from_tty):
        for fd, target in table(gdb.selected_inferior().pid):
            kind = describe(target)
            if kind.startswith("/") and not kind.startswith("/dev/"):
                continue  # files a shell or ctest left open: not the program's
            print("  fd %d -> %s" % (fd, kind))


def loop_owners(loop):
    """{fd: owner} read from the loop's own fields, the process-wide lock pipe and its stream handles."""
    owners = {}

    def own(fd, who):
        if int(fd) >= 0:
            owners.setdefault(int(fd), who)

    own(loop["backend_fd"], "loop->backend_fd (epoll instance)")
    try:
        lock = gdb.parse_and_eval("uvref::detail::signal_lock_pipefd")
        own(lock[0], "signal_lock_pipefd[0] (process-wide lock)")
        own(lock[1], "signal_lock_pipefd[1] (process-wide lock)")
    except gdb.error:
        pass  # a C program against a library without debug info
    own(loop["signal_pipefd"][0], "loop->signal_pipefd[0] (signal pipe, watched)")
    own(loop["signal_pipefd"][1], "loop->signal_pipefd[1] (signal pipe)")
    own(loop["async_io_watcher"]["fd"], "loop->async_io_watcher.fd (eventfd)")
    own(loop["emfile_fd"], "loop->emfile_fd (EMFILE reserve)")
    try:
        for where, h in handles.loop_handles(loop):
            short, type_name = v.type_entry(h)
            if type_name not in v.STREAM_TYPES:
                continue
            s = v.concrete(h)
            name = "%s handle %s" % (short, where)
            own(s["io_watcher"]["fd"], name + " io_watcher.fd")
            for fd in handles.pending_fds(s):
                if isinstance(fd, int):
                    own(fd, name + " pending (waiting for uv_accept)")
    except (gdb.error, gdb.MemoryError):
        pass  # a loop not initialised yet: its handle list is garbage
    return owners


class UvrefFds(gdb.Command):
    """uvref-fds LOOP: each descriptor above 2, its O_NONBLOCK and FD_CLOEXEC, and what owns it.

    Owners come from the structures, never from a side table: loop->backend_fd,
    loop->signal_pipefd, loop->async_io_watcher.fd, loop->emfile_fd, the process-wide
    uvref::detail::signal_lock_pipefd, and every stream handle on loop->handle_queue
    (its io_watcher.fd, and received descriptors waiting for uv_accept). A descriptor
    the program inherited from GDB's parent is marked `inherited`; `-` is one the
    program opened itself. The C++ counterpart is src/debug/fd_owner.cpp.
    """

    def __init__(self):
        super().__init__("uvref-fds", gdb.COMMAND_STATUS, gdb.COMPLETE_EXPRESSION)

    def invoke(self, arg, from_tty):
        owners = loop_owners(v.deref(gdb.parse_and_eval(arg or "loop")))
        pid = gdb.selected_inferior().pid
        for fd, target in table(pid):
            try:
                blocking, cloexec = fd_flags(pid, fd)
            except (OSError, StopIteration):
                continue
            owner = owners.get(fd)
            if owner is None:
                owner = "inherited (not the library's)" if inherited(pid, fd, target) else "-"
            print("  fd %-2d %-24s %-12s %-10s %s" % (fd, describe(target), blocking, cloexec, owner))
