"""Pretty-printers for uv_buf_t, struct msghdr and struct cmsghdr (descriptor passing).

A control message prints as what the kernel reads from it: its length, level and
type by name, and for SCM_RIGHTS the descriptor numbers inside. A msghdr walks its
control buffer the way CMSG_FIRSTHDR/CMSG_NXTHDR do (8-byte alignment on x86-64).
"""
import struct

import gdb

from . import values as v

CMSG_HDR = 16  # sizeof(struct cmsghdr): cmsg_len (size_t), cmsg_level, cmsg_type
LEVELS = {1: "SOL_SOCKET"}
TYPES = {1: "SCM_RIGHTS", 2: "SCM_CREDENTIALS"}
MSG_FLAGS = [(0x8, "MSG_CTRUNC"), (0x20, "MSG_TRUNC"), (0x40, "MSG_DONTWAIT"),
             (0x4000, "MSG_NOSIGNAL"), (0x40000000, "MSG_CMSG_CLOEXEC")]


def read(address, n):
    return bytes(gdb.selected_inferior().read_memory(address, n))


def cmsg_text(address, room):
    """(text, cmsg_len) for the control message at @address with @room bytes available."""
    length, level, ctype = struct.unpack("=Qii", read(address, CMSG_HDR))
    if length == 0:
        return "{len = 0 (empty)}", 0
    if length < CMSG_HDR or length > room:
        return "{len = %d (not a valid control message in %d bytes)}" % (length, room), 0
    parts = ["len = %d" % length, "level = %s" % LEVELS.get(level, level),
             "type = %s" % TYPES.get(ctype, ctype)]
    data = read(address + CMSG_HDR, length - CMSG_HDR)
    if level == 1 and ctype == 1:
        fds = struct.unpack("=%di" % (len(data) // 4), data[: len(data) // 4 * 4])
        parts.append("fds = {%s}" % ", ".join(str(fd) for fd in fds))
    elif level == 1 and ctype == 2 and len(data) >= 12:
        parts.append("pid = %d, uid = %d, gid = %d" % struct.unpack("=iII", data[:12]))
    return "{%s}" % ", ".join(parts), length


class BufPrinter:
    def __init__(self, value):
        self.value = value

    def to_string(self):
        return "uv_buf_t {len = %d, base = %s}" % (int(self.value["len"]),
                                                   v.c_string(self.value["base"], self.value["len"]))


class CmsghdrPrinter:
    def __init__(self, value):
        self.value = value

    def to_string(self):
        try:
            text, _ = cmsg_text(v.as_int(self.value.address), 1 << 16)
        except gdb.MemoryError:
            return "struct cmsghdr <unreadable>"
        return "struct cmsghdr " + text


def flags_text(flags):
    names = [name for bit, name in MSG_FLAGS if flags & bit]
    rest = flags & ~sum(bit for bit, _ in MSG_FLAGS)
    if rest:
        names.append(hex(rest))
    return "|".join(names) or "0"


class MsghdrPrinter:
    def __init__(self, value):
        self.value = value

    def to_string(self):
        m = self.value
        try:
            iovlen = int(m["msg_iovlen"])
            total = sum(int(m["msg_iov"][i]["iov_len"]) for i in range(min(iovlen, 64)))
            parts = ["name = %s" % ("NULL" if not v.as_int(m["msg_name"]) else "%d bytes" % int(m["msg_namelen"])),
                     "iov = %d buffer%s, %d byte%s" % (iovlen, "" if iovlen == 1 else "s", total,
                                                         "" if total == 1 else "s")]
            control, room = v.as_int(m["msg_control"]), int(m["msg_controllen"])
            cmsgs, offset = [], 0
            while control and offset + CMSG_HDR <= room:
                text, length = cmsg_text(control + offset, room - offset)
                cmsgs.append(text)
                if length == 0:
                    break
                offset += (length + 7) & ~7
            parts.append("control = %d bytes%s" % (room, (" " + ", ".join(cmsgs)) if cmsgs else ""))
            parts.append("flags = %s" % flags_text(int(m["msg_flags"])))
        except gdb.MemoryError:
            return "struct msghdr <unreadable>"
        return "struct msghdr {%s}" % ", ".join(parts)
