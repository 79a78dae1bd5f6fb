"""The receive control buffer as Graphviz, from a live run.

    control_buffer_dot.py PROBE.json OUT.dot

PROBE.json is what control_buffer_probe.cpp wrote after one recvmsg() of
253 descriptors (SCM_MAX_FD) with the sender's credentials: the size of
uvref's receive buffer and each control message the kernel put in it. Each
message is drawn as its header, payload and padding, to scale; what is left
is the room kept for a pidfd (SO_PASSPIDFD). Below, libuv 1.44's buffer on
the same scale. Nothing is typed in: a message missing from the run, or a
truncated one, fails the build instead of drawing a stale picture.
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from dot_style import INK, MONO, finish  # noqa: E402

HEADER = "#d6e6f7"
RIGHTS = "#dcefd9"
CREDS = "#fbe3c8"
PAD = "#eeeeee"
ROOM = "#ffffff"
LIBUV = "#f3d9d9"
SCALE = 0.9  # points per byte, so 1088 bytes fit a page width


def cell(width_bytes, colour, text):
    width = max(int(width_bytes * SCALE), 24)
    return ('<td border="1" width="%d" bgcolor="%s"><font point-size="10">%s</font></td>'
            % (width, colour, text))


def main():
    probe_path, out_path = sys.argv[1:3]
    with open(probe_path) as f:
        probe = json.load(f)
    if probe["ctrunc"]:
        sys.exit("control_buffer_dot: the probe's message was truncated (MSG_CTRUNC)")
    kinds = [m["type"] for m in probe["messages"]]
    if "SCM_RIGHTS" not in kinds or "SCM_CREDENTIALS" not in kinds:
        sys.exit("control_buffer_dot: expected SCM_CREDENTIALS and SCM_RIGHTS, got %s" % kinds)

    cells = []
    for m in probe["messages"]:
        payload = m["len"] - m["header"]
        pad = m["space"] - m["len"]
        cells.append(cell(m["header"], HEADER, "cmsghdr<br/>%d B" % m["header"]))
        if m["type"] == "SCM_RIGHTS":
            cells.append(cell(payload, RIGHTS, "SCM_RIGHTS: %d descriptors, %d B<br/>cmsg_len %d, offset %d"
                              % (m["fds"], payload, m["len"], m["offset"])))
        else:
            cells.append(cell(payload, CREDS, "ucred<br/>%d B" % payload))
        if pad:
            cells.append(cell(pad, PAD, "pad<br/>%d" % pad))
    room = probe["buffer"] - probe["written"]
    if room:
        cells.append(cell(room, ROOM, "room for<br/>a pidfd<br/>%d B" % room))

    libuv = probe["libuv_buffer"]
    uvref_row = ('<table border="0" cellborder="0" cellspacing="0" cellpadding="4"><tr>%s</tr></table>'
                 % "".join(cells))
    # An empty cell after libuv's keeps it to scale (a table stretches to fill its cell).
    libuv_row = ('<table border="0" cellborder="0" cellspacing="0" cellpadding="4"><tr>%s<td width="%d"> </td></tr></table>'
                 % (cell(libuv, LIBUV, "64 descriptors"), int((probe["buffer"] - libuv) * SCALE)))
    lines = [
        "digraph control_buffer {",
        '  graph [bgcolor="transparent", fontname="%s"];' % MONO,
        '  node [shape=plaintext, fontname="%s", fontcolor="%s"];' % (MONO, INK),
        '  buffers [label=<<table border="0" cellspacing="6">'
        '<tr><td align="left"><b>uvref: RecvControlBuffer, %d bytes; the kernel wrote %d</b></td></tr>'
        '<tr><td align="left">%s</td></tr>'
        '<tr><td align="left"><b>libuv 1.44: %d bytes, to the same scale; the kernel closes what does not fit'
        ' and the flag saying so (MSG_CTRUNC) is never checked</b></td></tr>'
        '<tr><td align="left">%s</td></tr></table>>];'
        % (probe["buffer"], probe["written"], uvref_row, libuv, libuv_row),
    ]
    finish(out_path, lines)


if __name__ == "__main__":
    main()
