"""Diagram 3, loop initialisation, as Graphviz, from a live run.

    loop_init_dot.py PROBE.json PROBE.strace OUT.dot

PROBE.json comes from loop_init_probe (uv_loop_init() stage by stage: each
new descriptor, its kind, O_NONBLOCK, FD_CLOEXEC and owning field, and the
epoll interest list read from /proc/self/fdinfo); PROBE.strace is the same
run's system calls (strace_capture.py). Joined on the descriptor number, they
give, for each stage in the order it ran: the call that created each
descriptor with its flags, the flags the kernel reports afterwards, the field
that owns it, and whether the first uv_run() registered it with epoll.
Nothing here is typed in: a change to a stage changes the picture.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from dot_style import GREY, INK, MONO, command_line, esc, finish, table  # noqa: E402

FILL = {"anon_inode:[eventpoll]": "#d6e6f7", "pipe": "#dcefd9", "anon_inode:[eventfd]": "#fbe3c8"}
OTHER = "#eeeeee"
EPOLL_BITS = [(0x001, "EPOLLIN"), (0x002, "EPOLLPRI"), (0x004, "EPOLLOUT"), (0x008, "EPOLLERR"),
              (0x010, "EPOLLHUP"), (0x2000, "EPOLLRDHUP"), (0x80000000, "EPOLLET")]


def events_name(mask: int) -> str:
    """0x19 -> 'EPOLLIN|ERR|HUP' (short enough for a table cell)."""
    names = [n for bit, n in EPOLL_BITS if mask & bit]
    if not names:
        return hex(mask)
    return "|".join([names[0]] + [n[len("EPOLL"):] for n in names[1:]])


def creators(trace_lines):
    """fd -> the system call line that created it (pipe2 gives two)."""
    out = {}
    for line in trace_lines:
        m = re.match(r"^(pipe2)\(\[(\d+), (\d+)\], (.*)\)\s+= 0", line)
        if m:
            out[int(m.group(2))] = f"pipe2([{m.group(2)}, {m.group(3)}], {m.group(4)})"
            out[int(m.group(3))] = out[int(m.group(2))]
            continue
        m = re.match(r"^(eventfd2|epoll_create1)\((.*)\)\s+= (\d+)", line)
        if m:
            out[int(m.group(3))] = f"{m.group(1)}({m.group(2)})"
    return out


def split_owner(owner: str):
    """'loop->backend_fd (epoll instance)' -> ('loop', 'backend_fd', 'epoll instance')."""
    m = re.match(r"^(loop->)?([\w.\[\]]+)\s*(?:\((.*)\))?$", owner)
    if not m:
        return ("?", owner, "")
    return ("loop" if m.group(1) else "global", m.group(2), m.group(3) or "")


def td(text, **attrs):
    a = " ".join(f'{k.upper()}="{v}"' for k, v in attrs.items())
    return f"<TD {a}>{text}</TD>"


ORDINAL = {1: "1st", 2: "2nd", 3: "3rd"}


def boxed(rows, port=""):
    """A box of cells, one a row; `port` names it for edges."""
    return table([f"<TR>{r}</TR>" for r in rows], padding=3, extra=f' PORT="{port}"' if port else "")


def main(probe_path, trace_path, out_path):
    with open(probe_path, encoding="utf-8") as f:
        probe = json.load(f)
    with open(trace_path, encoding="utf-8") as f:
        made_by = creators(f.read().splitlines())
    watched = {w["fd"]: w["events"] for w in probe["epoll_after_run"]}

    # Three columns, one row per descriptor, in the order the stages ran:
    # stage -> descriptor (call, flags, epoll) -> owner.
    title = (f'<B>uv_loop_init() in {esc(probe["version"])}, stage by stage, '
             f"from a live run</B>"
             f'<BR/><FONT POINT-SIZE="9" COLOR="{GREY}">epoll interest list '
             f"(/proc/self/fdinfo/{_backend(probe)})<BR/>after uv_loop_init: "
             f'{_list(probe["epoll_before_run"])}<BR/>after the first uv_run: '
             f'{_list(probe["epoll_after_run"])}</FONT>')
    dot = ["digraph loop_init {",
           '  graph [rankdir=LR, bgcolor="#ffffff", pad="0.3", nodesep="0.15", ranksep="0.35",',
           f'         fontname="Helvetica", fontsize="11", fontcolor="{INK}", ordering=out,',
           f'         labeljust="l", labelloc="t", label=<{title}>];',
           f'  node [shape=plain, fontname="Helvetica", fontsize="10", fontcolor="{INK}"];',
           f'  edge [color="{GREY}", arrowsize="0.6", penwidth="1.1"];']
    stages = [st for st in probe["stages"] if st["stage"] != "before"]
    # dot stacks the rows of a left-to-right graph bottom up: emit the last
    # stage first so the first to run is at the top.
    for order, stage in reversed(list(enumerate(stages, start=1))):
        when = ORDINAL.get(order, f"{order}th")
        dot.append(f'  s{order} [label={boxed([td(f"<B>runs {when}</B>", bgcolor="#eeeeee", align="left"), td(esc(_stage_name(stage["stage"])), bgcolor="#ffffff", align="left")])}];')
        if not stage["fds"]:
            dot.append(f'  s{order}_none [label="(no new descriptor)", fontcolor="{GREY}"];')
            dot.append(f"  s{order} -> s{order}_none;")
        for d in stage["fds"]:
            fill = FILL.get(d["kind"], OTHER)
            call = made_by.get(d["fd"], "(not in the trace)")
            flags = ("O_NONBLOCK" if d["nonblocking"] else "blocking") + " · " + \
                    ("FD_CLOEXEC" if d["cloexec"] else "no FD_CLOEXEC")
            ev = watched.get(d["fd"])
            epoll = (f"in epoll after the 1st uv_run: {events_name(ev)}"
                     if ev is not None else "not in the epoll set")
            rows = [
                td(f'<B>fd {d["fd"]}</B>  {esc(d["kind"])}', bgcolor=fill, align="left"),
                td(f'<FONT FACE="{MONO}" POINT-SIZE="9">{esc(call)}</FONT>',
                   bgcolor="#ffffff", align="left"),
                td(f'<FONT POINT-SIZE="9">now: {flags}</FONT>', bgcolor="#ffffff", align="left"),
                td(f'<FONT POINT-SIZE="9" COLOR="{GREY}">{epoll}</FONT>', bgcolor="#ffffff",
                   align="left"),
            ]
            dot.append(f'  fd{d["fd"]} [label={boxed(rows)}];')
            where, field, why = split_owner(d["owner"])
            head = {"loop": ("uv_loop_t field", "#d6e6f7"),
                    "global": ("process global (shared by all loops)", "#eeeeee")}.get(
                        where, ("owner not found", "#f6d5d5"))
            orows = [td(f'<FONT POINT-SIZE="9">{head[0]}</FONT>', bgcolor=head[1], align="left"),
                     td(f'<FONT FACE="{MONO}" POINT-SIZE="9">{esc(field)}</FONT>',
                        bgcolor="#ffffff", align="left")]
            if why:
                orows.append(td(f'<FONT POINT-SIZE="9" COLOR="{GREY}">{esc(why)}</FONT>',
                                bgcolor="#ffffff", align="left"))
            dot.append(f'  o{d["fd"]} [label={boxed(orows)}];')
            dot.append(f"  s{order} -> fd{d['fd']};")
            dot.append(f'  fd{d["fd"]} -> o{d["fd"]} [label=" held in", fontsize="10", '
                       f'fontcolor="{GREY}"];')
    finish(out_path, dot)


def _stage_name(text):
    """The tour's '1. epoll_create1: ...' -> 'stage 1. epoll_create1: ...' (numbered in run order)."""
    return "stage " + text if re.match(r"^\d+\.", text) else text


def _backend(probe):
    for stage in probe["stages"]:
        for d in stage["fds"]:
            if d["owner"].startswith("loop->backend_fd"):
                return d["fd"]
    return "?"


def _list(entries):
    if not entries:
        return "empty"
    return ", ".join(f'fd {e["fd"]} ({events_name(e["events"])})' for e in entries)


if __name__ == "__main__":
    command_line(main, __doc__, 3)
