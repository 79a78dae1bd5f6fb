"""Pretty-printers for uv_loop_t and for uvref's intrusive list (struct uv__queue).

`p *loop` gives the loop on one screen: the descriptors of loop initialisation,
the counts that keep uv_run() going, the timers, and the handles. A list head
prints as the objects it links, found by following each node back to its struct.
"""
import gdb

from . import handles
from . import values as v

MAX_HANDLES = 12  # beyond this, `uvref-handles LOOP` lists them all

# (struct, link field, the list head that struct's nodes hang from), tried in order.
# The head is found from the first node's own struct, so the match is checked, not guessed.
LISTS = [
    ("uv_handle_t", "handle_queue", lambda c: c["loop"]["handle_queue"]),
    ("uv_async_t", "queue", lambda c: c["loop"]["async_handles"]),
    ("uv_prepare_t", "queue", lambda c: c["loop"]["prepare_handles"]),
    ("uv_check_t", "queue", lambda c: c["loop"]["check_handles"]),
    ("uv_idle_t", "queue", lambda c: c["loop"]["idle_handles"]),
    ("uv_process_t", "queue", lambda c: c["loop"]["process_handles"]),
    ("uv_write_t", "queue", lambda c: c["handle"]["write_queue"]),
    ("uv_write_t", "queue", lambda c: c["handle"]["write_completed_queue"]),
]


def write_summary(req):
    nbytes = sum(int(req["bufs"][i]["len"]) for i in range(int(req["nbufs"])))
    return "uv_write_t {%d buffer%s, %d bytes, write_index = %d, send_fd = %d, error = %d}" % (
        int(req["nbufs"]), "" if int(req["nbufs"]) == 1 else "s", nbytes, int(req["write_index"]),
        int(req["send_fd"]), int(req["error"]))


def describe_list(head):
    """(struct name, [lines]) for the list headed by @head, or None if no known list matches."""
    nodes = list(v.queue_nodes(head))
    if not nodes:
        return None
    start = v.as_int(head.address)
    for type_name, link, head_of in LISTS:
        try:
            first = v.container_of(nodes[0], type_name, link).dereference()
            if v.as_int(head_of(first).address) != start:
                continue
            lines = []
            for node in nodes:
                obj = v.container_of(node, type_name, link)
                text = write_summary(obj.dereference()) if type_name == "uv_write_t" \
                    else handles.summary(obj.dereference())
                where = v.pointer_text(obj)
                lines.append("%s%s" % ((where + " ") if where else "", text))
            return type_name, lines
        except (gdb.error, gdb.MemoryError):
            continue
    return None


class QueuePrinter:
    """A list head as the objects it links; any other node as its two links."""

    def __init__(self, value):
        self.value = value

    def to_string(self):
        head = self.value
        if v.as_int(head["next"]) == v.as_int(head.address):
            return "uv__queue: empty"
        found = describe_list(head)
        if found is None:
            return "uv__queue {next = %s, prev = %s}" % (v.pointer_text(head["next"]),
                                                          v.pointer_text(head["prev"]))
        type_name, lines = found
        body = "".join("\n  [%d] %s" % (i, line) for i, line in enumerate(lines))
        return "uv__queue: %d %s%s" % (len(lines), type_name, body)


def timers_text(loop):
    heap = loop["timer_heap"]
    n = int(heap["nelts"])
    if n == 0:
        return "none active"
    now = int(loop["time"])
    due = [int(heap["nodes"][i]["timeout"]) for i in range(n)]
    return "%d active, %d due now, next in %d ms" % (n, sum(1 for t in due if t <= now),
                                                     max(0, min(due) - now))


class LoopPrinter:
    def __init__(self, value):
        self.value = value

    def to_string(self):
        try:
            return self.text()
        except (gdb.error, gdb.MemoryError) as e:  # not initialised yet, or not a loop
            return "uv_loop_t <unreadable: %s>" % e

    def text(self):
        loop = self.value
        lines = [
            "backend_fd = %d (epoll), nfds = %d watched" % (int(loop["backend_fd"]), int(loop["nfds"])),
            "signal_pipefd = {%d, %d}, async eventfd = %d, emfile_fd = %d" % (
                int(loop["signal_pipefd"][0]), int(loop["signal_pipefd"][1]),
                int(loop["async_io_watcher"]["fd"]), int(loop["emfile_fd"])),
            "active_handles = %d, active_reqs = %d, stop_flag = %d" % (
                int(loop["active_handles"]), int(loop["active_reqs"]["count"]), int(loop["stop_flag"])),
            "timers: %s" % timers_text(loop),
        ]
        hs = list(handles.loop_handles(loop))
        lines.append("handle_queue: %d handle%s" % (len(hs), "" if len(hs) == 1 else "s"))
        for i, (where, h) in enumerate(hs[:MAX_HANDLES]):
            lines.append("  [%d] %s%s" % (i, (where + " ") if where else "", handles.summary(h)))
        if len(hs) > MAX_HANDLES:
            lines.append("  ... %d more (uvref-handles lists them all)" % (len(hs) - MAX_HANDLES))
        return "uv_loop_t {\n  " + "\n  ".join(lines) + "\n}"
