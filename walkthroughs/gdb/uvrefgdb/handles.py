"""Pretty-printers for uv_handle_t and every handle type, and the `uvref-handles LOOP` command.

A handle prints as one line: its libuv type name, its decoded flags, its descriptor,
and what matters for its kind (for a pipe: ipc, the received descriptors waiting
for uv_accept, the write queue, the bound name). `p/r` still shows the raw struct.
"""
import signal

import gdb

from . import values as v


def pending_fds(stream):
    """Descriptors received on an IPC stream and not yet accepted: accepted_fd, then queued_fds."""
    fds = []
    if int(stream["accepted_fd"]) != -1:
        fds.append(int(stream["accepted_fd"]))
    queued = stream["queued_fds"]
    if v.as_int(queued):
        try:
            q = queued.dereference()
            fds += [int(q["fds"][i]) for i in range(int(q["head"]), int(q["tail"]))]
        except gdb.error:  # struct uv__queued_fds is opaque to a C program without the library's debug info
            fds.append("...")
    return fds


def stream_fields(s, type_name):
    parts = ["fd = %d" % int(s["io_watcher"]["fd"])]
    if type_name == "uv_pipe_t":
        parts.append("ipc = %d" % int(s["ipc"]))
    if type_name != "uv_pipe_t" or int(s["ipc"]):
        parts.append("pending = {%s}" % ", ".join(str(fd) for fd in pending_fds(s)))
    writes = sum(1 for _ in v.queue_nodes(s["write_queue"]))
    parts.append("write_queue_size = %d (%d write%s)" % (int(s["write_queue_size"]), writes,
                                                         "" if writes == 1 else "s"))
    if type_name == "uv_pipe_t":
        parts.append("name = %s" % v.c_string(s["pipe_fname"], 108, limit=108))
    return parts


def timer_fields(t):
    parts = []
    if v.has_flag(t["flags"], "ACTIVE"):  # only an active timer has a due time
        due = int(t["timeout"])
        now = int(t["loop"]["time"])
        parts.append("timeout = %d (due in %d ms)" % (due, due - now))
    parts.append("repeat = %d" % int(t["repeat"]))
    return parts


def signal_fields(s):
    num = int(s["signum"])
    try:
        name = " (%s)" % signal.Signals(num).name if num else ""
    except ValueError:
        name = ""
    return ["signum = %d%s" % (num, name), "caught = %d" % int(s["caught_signals"]),
            "dispatched = %d" % int(s["dispatched_signals"])]


def summary_fields(handle):
    """(concrete type name, [fields]) for a handle struct of any handle type."""
    h = v.concrete(v.deref(handle).address.cast(gdb.lookup_type("uv_handle_t").pointer()).dereference())
    type_name = v.type_entry(h)[1]
    parts = ["flags = %s" % v.decode_flags(h["flags"])]
    if type_name in v.STREAM_TYPES:
        parts += stream_fields(h, type_name)
    elif type_name == "uv_timer_t":
        parts += timer_fields(h)
    elif type_name == "uv_async_t":
        parts.append("pending = %d" % int(h["pending"]))
    elif type_name == "uv_signal_t":
        parts += signal_fields(h)
    elif type_name == "uv_process_t":
        parts += ["pid = %d" % int(h["pid"]), "status = %d" % int(h["status"])]
    return type_name, parts


def summary(handle):
    """One line for a handle: 'uv_pipe_t {flags = REF, fd = 9, ...}'."""
    try:
        type_name, parts = summary_fields(handle)
    except (gdb.error, gdb.MemoryError) as e:
        return "<handle: %s>" % e
    return "%s {%s}" % (type_name, ", ".join(parts))


class HandlePrinter:
    def __init__(self, value):
        self.value = value

    def to_string(self):
        return summary(self.value)


def loop_handles(loop):
    """(pointer text, handle struct) for every handle on @loop's handle_queue, in order."""
    loop = v.deref(loop)
    own = {v.as_int(loop[f].address): "loop->" + f for f in ("child_watcher", "wq_async")}
    for node in v.queue_nodes(loop["handle_queue"]):
        h = v.container_of(node, "uv_handle_t", "handle_queue")
        yield own.get(v.as_int(h), v.pointer_text(h)), h.dereference()


class UvrefHandles(gdb.Command):
    """uvref-handles LOOP: every handle of LOOP (default: loop), in loop->handle_queue order.

    One line each: its place in the queue, its address or symbol (GDB's `set print
    address` decides; the loop's own handles by field name), and the summary `print` gives. INTERNAL handles are the
    loop's own (the SIGCHLD watcher, the thread pool's async): uv_walk() skips them.
    """

    def __init__(self):
        super().__init__("uvref-handles", gdb.COMMAND_DATA, gdb.COMPLETE_EXPRESSION)

    def invoke(self, arg, from_tty):
        loop = gdb.parse_and_eval(arg or "loop")
        n = 0
        try:
            for where, h in loop_handles(loop):
                print("  [%d] %s%s" % (n, (where + " ") if where else "", summary(h)))
                n += 1
        except (gdb.error, gdb.MemoryError) as e:
            print("  (the handle list is unreadable: %s; is the loop initialised?)" % e)
            return
        if n == 0:
            print("  (no handles)")
