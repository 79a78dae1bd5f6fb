"""GDB commands that show the kernel's view of AF_UNIX sockets:
`source walkthroughs/pipe-server/unix_sockets.py` (run GDB from the repository root).

unix-sockets         the program's AF_UNIX sockets, one line each: the descriptor, the
                     state and name /proc/net/unix gives, and what the kernel's socket
                     diagnostics (NETLINK_SOCK_DIAG, what `ss -x` uses) add: the peer,
                     the connections waiting in a listener's backlog (the kernel names
                     each by its connecting socket), the bytes waiting to be read.
socket-dir           the files in the program's working directory and their types.

Everything is read from /proc and netlink by GDB's own Python: nothing runs in the stopped
program. Kernel addresses, inode numbers and reference counts are never printed (they differ
on every run); an inode only matches a socket to a descriptor. With several inferiors (a
forked child), a descriptor of another inferior is written "inferior N fd M".
"""
import os
import socket
import stat
import struct

import gdb

ACCEPTCON = 0x10000  # /proc/net/unix Flags: listen() was called (__SO_ACCEPTCON)
STATES = {1: "unconnected", 2: "connecting", 3: "connected", 4: "disconnecting"}

# linux/sock_diag.h and linux/unix_diag.h
SOCK_DIAG_BY_FAMILY = 20
UDIAG_SHOW_PEER, UDIAG_SHOW_ICONS, UDIAG_SHOW_RQLEN = 0x4, 0x8, 0x10
UNIX_DIAG_PEER, UNIX_DIAG_ICONS, UNIX_DIAG_RQLEN = 2, 3, 4


def unix_diag():
    """inode -> {attribute: bytes} for every AF_UNIX socket of this network namespace."""
    nl = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 4)  # NETLINK_SOCK_DIAG
    try:
        req = struct.pack("=BBHIIIII", socket.AF_UNIX, 0, 0, 0xFFFFFFFF, 0,
                          UDIAG_SHOW_PEER | UDIAG_SHOW_ICONS | UDIAG_SHOW_RQLEN, 0xFFFFFFFF, 0xFFFFFFFF)
        nl.sendto(struct.pack("=IHHII", 16 + len(req), SOCK_DIAG_BY_FAMILY, 0x301, 1, 0) + req, (0, 0))
        found = {}
        while True:
            data = nl.recv(1 << 16)
            off = 0
            while off < len(data):
                length, kind = struct.unpack_from("=IH", data, off)
                if kind == 3:  # NLMSG_DONE
                    return found
                if kind == 2:  # NLMSG_ERROR
                    raise gdb.GdbError("sock_diag: %s" % os.strerror(-struct.unpack_from("=i", data, off + 16)[0]))
                inode = struct.unpack_from("=I", data, off + 20)[0]
                attrs, at = {}, off + 32
                while at < off + length:
                    alen, atype = struct.unpack_from("=HH", data, at)
                    attrs[atype] = data[at + 4:at + alen]
                    at += (alen + 3) & ~3
                found[inode] = attrs
                off += (length + 3) & ~3
    finally:
        nl.close()


def socket_fds():
    """inode -> "fd N" (the selected inferior) or "inferior K fd N" (any other live one)."""
    current = gdb.selected_inferior().num
    held = {}
    for inf in sorted(gdb.inferiors(), key=lambda i: i.num != current):
        if inf.pid <= 0:
            continue
        base = "/proc/%d/fd" % inf.pid
        for name in sorted(os.listdir(base), key=int):
            try:
                target = os.readlink("%s/%s" % (base, name))
            except OSError:
                continue
            if target.startswith("socket:["):
                who = "fd %s" % name if inf.num == current else "inferior %d fd %s" % (inf.num, name)
                held.setdefault(int(target[8:-1]), who)
    return held


def proc_net_unix(pid):
    """inode -> (state word, name) from the program's /proc/net/unix."""
    rows = {}
    with open("/proc/%d/net/unix" % pid) as f:
        next(f)
        for line in f:
            fields = line.split()
            flags, state = int(fields[3], 16), int(fields[5], 16)
            word = "listening" if flags & ACCEPTCON else STATES.get(state, "state %d" % state)
            rows[int(fields[6])] = (word, fields[7] if len(fields) > 7 else "(no name)")
    return rows


def _u32s(raw):
    return list(struct.unpack("=%dI" % (len(raw) // 4), raw))


class UnixSockets(gdb.Command):
    """unix-sockets: the program's AF_UNIX sockets, as the kernel reports them."""

    def __init__(self):
        super().__init__("unix-sockets", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        table = proc_net_unix(gdb.selected_inferior().pid)
        diag = unix_diag()
        held = socket_fds()
        # A listener's backlog holds the server ends of connections nobody accepted yet. They
        # have no descriptor (and /proc/net/unix shows inode 0 for them); the kernel names each
        # by its peer, the connecting socket.
        queued_on = {}
        for ino, attrs in diag.items():
            for peer in _u32s(attrs.get(UNIX_DIAG_ICONS, b"")):
                queued_on[peer] = held.get(ino, "another process's listener")
        mine = [ino for ino, who in held.items() if who.startswith("fd ") and ino in table]
        for ino in sorted(mine, key=lambda i: int(held[i].split()[1])):
            word, name = table[ino]
            attrs = diag.get(ino, {})
            notes = []
            rq, wq = _u32s(attrs.get(UNIX_DIAG_RQLEN, b"\0" * 8))
            if word == "listening":
                peers = [held.get(p, "?") for p in _u32s(attrs.get(UNIX_DIAG_ICONS, b""))]
                notes.append("backlog %d of %d" % (rq, wq) + (": the connection from %s" % ", ".join(peers) if peers else ""))
            elif ino in queued_on:
                notes.append("peer waits in %s's backlog, no descriptor yet" % queued_on[ino])
            elif UNIX_DIAG_PEER in attrs:
                notes.append("peer %s" % held.get(_u32s(attrs[UNIX_DIAG_PEER])[0], "in no descriptor table"))
            if word != "listening" and rq:
                notes.append("%d byte(s) to read" % rq)
            print(("  %-6s %-12s %-24s %s" % (held[ino], word, name, ", ".join(notes))).rstrip())


class SocketDir(gdb.Command):
    """socket-dir: the files in the program's working directory, with their types."""

    def __init__(self):
        super().__init__("socket-dir", gdb.COMMAND_USER)

    def invoke(self, arg, from_tty):
        cwd = "/proc/%d/cwd" % gdb.selected_inferior().pid
        names = sorted(os.listdir(cwd))
        if not names:
            print("  (empty)")
        for name in names:
            mode = os.lstat(os.path.join(cwd, name)).st_mode
            kind = "socket" if stat.S_ISSOCK(mode) else "regular file" if stat.S_ISREG(mode) else "other"
            print("  %s: %s" % (name, kind))


UnixSockets()
SocketDir()
