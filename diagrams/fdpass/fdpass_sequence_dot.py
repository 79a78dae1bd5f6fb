"""Diagram 5, the path of one descriptor, as Graphviz, from a live run.

    fdpass_sequence_dot.py TOUR.strace TOUR.out DOCS_DIR OUT.dot

TOUR.strace is walkthroughs/fdpass/fdpass_tour.c run under strace at build
time (strace_capture.py: socketpair, sendmsg, recvmsg, close, epoll_wait, ...);
TOUR.out is what the same run printed. This script finds, in the order the
calls happened, the steps of one descriptor's trip (uv_write2 -> sendmsg ->
the kernel -> recvmsg -> pending queue -> uv_accept -> read) and draws each
with the real call, its descriptor numbers, its SCM_RIGHTS payload and its
result, labelled with the uvref unit that made it and links to that unit's
docs pages (titles read from DOCS_DIR), in three lanes: sender, kernel,
receiver.

Nothing here is typed in: the numbers come from the trace. A step that is
missing (the code changed, the trace set changed) fails the build with the
step's name rather than draw a stale picture.
"""
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from dot_style import GREY, MONO, command_line, esc, finish, head, table, title_row  # noqa: E402

EDGE = "#8a8a8a"
SEND = "#dcefd9"
KERNEL = "#e8dcf3"
RECV = "#d6e6f7"
ACCEPT = "#fbe3c8"
WHITE = ' BGCOLOR="#ffffff"'  # a box's background, behind its cells
LINK = "#1a5fb4"
WIDTH = 38  # characters per line of a box's prose
PAGES = {}  # docs label -> (page path without .md, title), read from docs/ (pages_from)
CALL = re.compile(r"^(\w+)\((.*)\)\s+=\s+(-?\d+|0x[0-9a-f]+)(.*)$")


class Call:
    def __init__(self, index, line):
        m = CALL.match(line)
        if not m:
            raise SystemExit(f"fdpass_sequence_dot: cannot parse trace line {line!r}")
        self.index, self.line = index, line
        self.name, self.args, ret, self.tail = m.groups()
        self.ret = int(ret, 0)

    def fd(self):
        """The first argument as a descriptor number (-1 if it is not one)."""
        m = re.match(r"^(-?\d+)\b", self.args)
        return int(m.group(1)) if m else -1


def pages_from(docs):
    """label -> (page, title) for every `(label)=` followed by a `# title` in docs/**.md."""
    import glob
    import os
    for path in sorted(glob.glob(os.path.join(docs, "**", "*.md"), recursive=True)):
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
        for i, line in enumerate(lines):
            m = re.match(r"^\(([A-Za-z0-9_.-]+)\)=$", line)
            if m:
                title = next((x.lstrip("#").strip() for x in lines[i + 1:i + 4] if x.startswith("#")), "")
                if title:
                    PAGES[m.group(1)] = (os.path.splitext(os.path.relpath(path, docs))[0],
                                         title.replace("`", ""))


def fail(msg):
    sys.exit(f"fdpass_sequence_dot: {msg} (in the build-time trace of uvref-fdpass-tour); "
             "the diagram is drawn from that trace and cannot be drawn without it")


def find(calls, after, what, pred):
    for c in calls[after + 1:]:
        if pred(c):
            return c
    fail(f"no {what} after line {after + 1}")


def scm_rights(c):
    m = re.search(r"cmsg_type=SCM_RIGHTS, cmsg_data=\[([\d, ]+)\]", c.args)
    return [int(x) for x in m.group(1).split(",")] if m else []


def wrap(text, width=34):
    """Breaks a strace line after ', ' so a node stays narrow (a phone shows it whole)."""
    out, line = [], ""
    for part in re.split(r"(?<=, )", text):
        if line and len(line) + len(part) > width:
            out.append(line.rstrip())
            line = "  "
        line += part
    out.append(line)
    return out


def mono(text, width=34):
    return "<BR ALIGN=\"LEFT\"/>".join(
        f'<FONT FACE="{MONO}">{esc(x)}</FONT>' for x in wrap(text, width)) \
        + '<BR ALIGN="LEFT"/>'


def prose(text, width=None):
    """Breaks a note between words, so it stays inside its lane's box."""
    width = width or WIDTH
    out, line = [], ""
    for word in text.split(" "):
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = ""
        line = f"{line} {word}" if line else word
    out.append(line)
    return out


def short(c):
    """A strace line without the fields the step does not need (empty name, flags 0)."""
    text = c.line
    for noise in ("msg_name=NULL, ", "msg_namelen=0, ", "msg_iovlen=1, ", ", msg_flags=0}"):
        text = text.replace(noise, "}" if noise.startswith(", msg_flags") else "")
    text = re.sub(r"\s+=\s+", " = ", text)
    return text


def node(name, fill, title, calls, notes, unit):
    rows = [title_row(title, fill)]
    for c in calls:
        rows.append(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT">{mono(short(c))}</TD></TR>')
    if notes:
        text = '<BR ALIGN="LEFT"/>'.join(esc(line) for n in notes for line in prose(n))
        rows.append(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT">{text}'
                    '<BR ALIGN="LEFT"/></TD></TR>')
    if unit:
        labels, _, source = unit.partition("  (")
        for label in (x.strip() for x in labels.split(",")):
            if label not in PAGES:
                fail(f"no docs page defines the label {label!r}")
            doc, title = PAGES[label]
            text = '<BR ALIGN="LEFT"/>'.join(esc(x) for x in prose("→ " + title, WIDTH))
            rows.append(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT" HREF="../{doc}.html" TARGET="_top" '
                        f'TOOLTIP="{esc(title)}"><FONT COLOR="{LINK}"><U>{text}</U></FONT>'
                        '<BR ALIGN="LEFT"/></TD></TR>')
        text = '<BR ALIGN="LEFT"/>'.join(esc(x) for x in prose("source: " + source.rstrip(")"), WIDTH))
        rows.append(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT COLOR="{GREY}">'
                    f'{text}</FONT><BR ALIGN="LEFT"/></TD></TR>')
    return f"  {name} [label={table(rows, EDGE, extra=WHITE)}];"


def main(trace_path, out_path_stdout, docs_dir, out_path):
    pages_from(docs_dir)
    with open(trace_path, encoding="utf-8") as f:
        calls = [Call(i, line) for i, line in enumerate(f.read().splitlines())]
    with open(out_path_stdout, encoding="utf-8") as f:
        printed = f.read()

    pair = find(calls, -1, "socketpair()", lambda c: c.name == "socketpair" and c.ret == 0)
    sock_s, sock_r = (int(x) for x in re.search(r"\[(\d+), (\d+)\]", pair.args).groups())
    send = find(calls, pair.index, f"sendmsg({sock_s}) with SCM_RIGHTS",
                lambda c: c.name == "sendmsg" and c.fd() == sock_s and scm_rights(c))
    (cargo,) = scm_rights(send)
    gone = find(calls, send.index, f"close({cargo}) of the sender's copy",
                lambda c: c.name == "close" and c.fd() == cargo)
    ready = find(calls, gone.index, f"epoll_wait() reporting fd {sock_r}",
                 lambda c: c.name == "epoll_wait" and f"u32={sock_r}," in c.args)
    recv = find(calls, ready.index, f"recvmsg({sock_r}) with SCM_RIGHTS",
                lambda c: c.name == "recvmsg" and c.fd() == sock_r and scm_rights(c))
    (arrived,) = scm_rights(recv)
    stat = find(calls, recv.index, f"fstat of fd {arrived} (pending type)",
                lambda c: c.name in ("newfstatat", "fstat") and c.fd() == arrived)
    getfl = find(calls, stat.index, f"fcntl({arrived}, F_GETFL) (accept)",
                 lambda c: c.name == "fcntl" and c.fd() == arrived and "F_GETFL" in c.args)
    setfl = [c for c in calls[getfl.index + 1:getfl.index + 2]
             if c.name == "fcntl" and c.fd() == arrived and "F_SETFL" in c.args]
    watch = find(calls, getfl.index, f"epoll_ctl(EPOLL_CTL_ADD, {arrived})",
                 lambda c: c.name == "epoll_ctl" and f"EPOLL_CTL_ADD, {arrived}," in c.args)
    data = find(calls, watch.index, f"read({arrived}) returning data",
                lambda c: c.name == "read" and c.fd() == arrived and c.ret > 0)
    m = re.search(r"received (\d+) byte\(s\) and (\d+) descriptor\(s\), type (\w+)", printed)
    if not m:
        fail("the tour did not print its 'received ... descriptor(s), type ...' line")
    nbytes, pending, ptype = m.groups()

    reused = (f"fd {arrived}: the lowest free number, the one the sender closed"
              if arrived == cargo else f"fd {arrived}: the lowest free number")
    nonblock = ("O_NONBLOCK already set: the flag lives in the open file description, "
                "shared with the sender's copy" if not setfl and "O_NONBLOCK" in getfl.tail
                else "")
    steps = [
        node("send", SEND, f"1  uv_write2(sender, \"x\", cargo): fd {cargo} rides on fd {sock_s}",
             [send],
             ["control buffer: CMSG_SPACE(4) = 24 bytes, one SCM_RIGHTS message, cmsg_len 20",
              f"result {send.ret}: the byte and the descriptor went together"],
             "stream-write, fdpass-control-buffer, fdpass-pack, fdpass-sendmsg  (src/fdpass/send.cpp)"),
        node("queue", KERNEL, f"kernel: socket {sock_s} -> {sock_r} receive queue", [],
             [f"{send.ret} byte + an SCM_RIGHTS message holding a reference",
              f"to fd {cargo}'s open file description (the pipe's read end)"], ""),
        node("close", SEND, f"2  uv_close(cargo): the sender's copy goes", [gone],
             ["the descriptor is now in flight: in no process's table;",
              "the message's reference keeps the pipe open"],
             "core-handles, inflight-sender-closes  (src/stream/stream_close.cpp)"),
        node("ready", RECV, f"3  the loop: fd {sock_r} is readable", [ready], [],
             "core-poll  (src/core/epoll_poll.cpp)"),
        node("recv", RECV, f"4  uv__read on an IPC pipe: recvmsg({sock_r})", [recv],
             [f"the kernel installs the file as {reused}",
              "FD_CLOEXEC from MSG_CMSG_CLOEXEC, in the same call"],
             "fdpass-recvmsg  (src/fdpass/recvmsg.cpp, recv.cpp)"),
        node("install", KERNEL, f"kernel: in the receiver's table as fd {arrived}", [],
             ["the in-flight reference becomes this descriptor's"], ""),
        node("pending", RECV, f"5  fd {arrived} joins the pending queue", [],
             ["no system call: the control messages are walked,",
              f"the tour printed: {nbytes} byte(s), {pending} descriptor(s) pending"],
             "fdpass-cmsg-walk, fdpass-pending-queue  (src/fdpass/cmsg_walk.cpp, pending_queue.cpp)"),
        node("type", RECV, f"6  uv_pipe_pending_type(): {ptype}", [stat],
             ["S_IFIFO: a pipe, so the tour initialises a uv_pipe_t"],
             "fdpass-pending-type  (src/fdpass/pending_type.cpp)"),
        node("accept", ACCEPT, f"7  uv_accept(receiver, arrived) and uv_read_start()",
             [getfl] + setfl + [watch], [nonblock] if nonblock else [],
             "fdpass-accept, stream-read  (src/fdpass/accept.cpp)"),
        node("read", ACCEPT, f"8  reading fd {arrived}: what was written before sending",
             [data], [], "stream-read  (src/stream/stream_read.cpp)"),
    ]
    # Three lanes, in the order the calls happened, top to bottom: the sending
    # side, the kernel, the receiving side. Each step has a row of its own.
    lanes = {"send": "sender", "queue": "kernel", "close": "sender", "ready": "receiver",
             "recv": "receiver", "install": "kernel", "pending": "receiver", "type": "receiver",
             "accept": "receiver", "read": "receiver"}
    order = ["send", "queue", "close", "ready", "recv", "install", "pending", "type", "accept", "read"]
    heads = {"sender": ("sender: uv_write2(), uv_close()", SEND),
             "kernel": ("kernel", KERNEL),
             "receiver": ("receiver: the loop, recvmsg(), uv_accept()", RECV)}
    dot = head("fdpass_sequence", ["Generated by diagrams/fdpass/fdpass_sequence_dot.py from a build-time strace",
                                   "of uvref-fdpass-tour: do not edit."],
               'rankdir=TB, bgcolor="#ffffff", pad="0.25", nodesep="0.35", ranksep="0.3"', newrank=True)
    for lane, (title, fill) in heads.items():
        box = table([f'<TR><TD BGCOLOR="{fill}"><B>{esc(title)}</B></TD></TR>'], EDGE, 6)
        dot.append(f"  lane_{lane} [label={box}, group={lane}];")
    dot.append("  { rank=same; lane_sender; lane_kernel; lane_receiver; }")
    dot.append("  lane_sender -> lane_kernel -> lane_receiver [style=invis];")
    dot += steps
    previous = {lane: f"lane_{lane}" for lane in heads}
    for i, name in enumerate(order):
        row = [name]
        for lane in heads:
            if lane == lanes[name]:
                dot.append(f"  {name} [group={lane}];")
                dot.append(f'  {previous[lane]} -> {name} [style=invis, weight=10];')
                previous[lane] = name
            else:
                gap = f"gap_{i}_{lane}"
                dot.append(f'  {gap} [shape=point, style=invis, width=0, height=0, group={lane}];')
                dot.append(f'  {previous[lane]} -> {gap} [style=invis, weight=10];')
                previous[lane] = gap
                row.append(gap)
        dot.append("  { rank=same; " + " ".join(f"{n};" for n in row) + " }")
    # The flow between steps; within a lane the order is its own.
    labels = {("send", "queue"): " sendmsg: the byte and a file reference",
              ("close", "ready"): " later, in uv_run()",
              ("recv", "install"): " recvmsg"}
    for a, b in zip(order, order[1:]):
        label = labels.get((a, b), "")
        attr = f' [label="{label}", constraint=false]' if label else " [constraint=false]"
        dot.append(f"  {a} -> {b}{attr};")
    finish(out_path, dot)


if __name__ == "__main__":
    command_line(main, __doc__, 4)
