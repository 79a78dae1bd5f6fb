"""Diagram 5, the path of one descriptor, as Graphviz, from a live run.

    fdpass_sequence_dot.py TOUR.strace TOUR.out OUT.dot

TOUR.strace is walkthroughs/fdpass/fdpass_tour.c run under strace at build
time (strace_capture.py: socketpair, sendmsg, recvmsg, close, epoll_wait, ...);
TOUR.out is what the same run printed. This script finds, in the order the
calls happened, the steps of one descriptor's trip (uv_write2 -> sendmsg ->
the kernel -> recvmsg -> pending queue -> uv_accept -> read) and draws each
with the real call, its descriptor numbers, its SCM_RIGHTS payload and its
result, labelled with the uvref unit that made it and that unit's docs page.

Nothing here is typed in: the numbers come from the trace. A step that is
missing (the code changed, the trace set changed) fails the build with the
step's name rather than draw a stale picture.
"""
import html
import re
import sys

INK = "#1a1a1a"
GREY = "#555555"
EDGE = "#8a8a8a"
SEND = "#dcefd9"
KERNEL = "#e8dcf3"
RECV = "#d6e6f7"
ACCEPT = "#fbe3c8"
MONO = "DejaVu Sans Mono, Menlo, Consolas, monospace"
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


def wrap(text, width=42):
    """Breaks a strace line after ', ' so a node stays narrow (a phone shows it whole)."""
    out, line = [], ""
    for part in re.split(r"(?<=, )", text):
        if line and len(line) + len(part) > width:
            out.append(line.rstrip())
            line = "  "
        line += part
    out.append(line)
    return out


def mono(text, width=42):
    return "<BR ALIGN=\"LEFT\"/>".join(
        f'<FONT FACE="{MONO}" POINT-SIZE="9">{html.escape(x)}</FONT>' for x in wrap(text, width)) \
        + '<BR ALIGN="LEFT"/>'


def prose(text, width=50):
    """Breaks a note between words: the diagram is one narrow column (phone width)."""
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
    rows = [f'<TR><TD ALIGN="LEFT" BGCOLOR="{fill}"><B>{html.escape(title)}</B></TD></TR>']
    for c in calls:
        rows.append(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT">{mono(short(c))}</TD></TR>')
    if notes:
        text = '<BR ALIGN="LEFT"/>'.join(html.escape(line) for n in notes for line in prose(n))
        rows.append(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="10">{text}</FONT>'
                    '<BR ALIGN="LEFT"/></TD></TR>')
    if unit:
        pages, _, source = unit.partition("  (")
        lines = prose("pages: " + pages, 56) + prose("source: " + source.rstrip(")"), 56)
        text = '<BR ALIGN="LEFT"/>'.join(html.escape(x) for x in lines)
        rows.append(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT"><FONT POINT-SIZE="9" COLOR="{GREY}">'
                    f'{text}</FONT><BR ALIGN="LEFT"/></TD></TR>')
    label = (f'<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="4" '
             f'COLOR="{EDGE}" BGCOLOR="#ffffff">' + "".join(rows) + "</TABLE>>")
    return f"  {name} [label={label}];"


def main(trace_path, out_path_stdout, out_path):
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
    dot = ["// Generated by diagrams/fdpass/fdpass_sequence_dot.py from a build-time strace",
           "// of uvref-fdpass-tour: do not edit.",
           "digraph fdpass_sequence {",
           '  graph [rankdir=TB, bgcolor="#ffffff", pad="0.25", nodesep="0.25", ranksep="0.3",',
           f'         fontname="Helvetica", fontsize="11", fontcolor="{INK}", newrank=true];',
           f'  node [shape=plain, fontname="Helvetica", fontsize="11", fontcolor="{INK}"];',
           f'  edge [color="{GREY}", arrowsize="0.7", fontname="Helvetica", fontsize="10", '
           f'fontcolor="{GREY}"];']
    dot += steps
    # One column, in the order the calls happened: narrow enough for a phone.
    # The fill says whose step it is: green the sending side, violet the
    # kernel, blue the receiving side, orange the accepted descriptor.
    dot += ["  send -> queue [label=\" sendmsg copies the byte,\\l takes a file reference\\l\"];",
            "  queue -> close;",
            "  close -> ready [label=\" later, in uv_run()\\l\"];",
            "  ready -> recv;",
            "  recv -> install [label=\" recvmsg\\l\"];",
            "  install -> pending -> type -> accept -> read;",
            "}"]
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("\n".join(dot) + "\n")


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    main(*sys.argv[1:])
