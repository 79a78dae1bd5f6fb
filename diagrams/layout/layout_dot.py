"""Turn two struct layouts (uvref's and Debian libuv's) into one Graphviz table.

    layout_dot.py --uvref uvref.json --libuv libuv.json --struct uv_pipe_s OUT.dot

Input: the JSON struct_layout.py wrote from each probe binary's debug info.
Output: an HTML-like DOT table, one row per field of uvref's struct in offset
order: offset, size, name and type, and how Debian's libuv 1.44.2 lays out
the same field ("=" identical, "≈" same place and size but another type,
"≠" different place or size, or a field only one library has). Rows are
coloured by the struct that contributes them (handle, stream, pipe), so the
"subclass" prefix is visible; holes (padding) get their own rows.

Readable on light and dark themes: the diagram is an opaque light card with
dark text, on a transparent page background.
"""
import argparse
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from dot_style import INK, MONO, RULE, esc  # noqa: E402

GROUPS = [  # (struct whose fields end this group, label, macro, fill colour)
    ("uv_handle_s", "uv_handle_t", "UV_HANDLE_FIELDS", "#d6e6f7"),
    ("uv_stream_s", "uv_stream_t", "UV_STREAM_FIELDS", "#dcefd9"),
    (None, "uv_pipe_t", "pipe fields", "#fbe3c8"),
]
HOLE = "#eeeeee"
DIFF = "#f6c9c9"
NEAR = "#fff2b3"
GREY = "#666666"


def cell(text, bg=None, align="LEFT", span=1, mono=False, size=None, color=INK, bold=False):
    attrs = [f'ALIGN="{align}"', 'BALIGN="LEFT"', 'CELLPADDING="3"']
    if bg:
        attrs.append(f'BGCOLOR="{bg}"')
    if span > 1:
        attrs.append(f'COLSPAN="{span}"')
    body = text or "&#160;"  # Graphviz rejects an empty <FONT></FONT>
    if bold:
        body = f"<B>{body}</B>"
    font = [f'COLOR="{color}"']
    if mono:
        font.append(f'FACE="{MONO}"')
    if size:
        font.append(f'POINT-SIZE="{size}"')
    return f"<TD {' '.join(attrs)}><FONT {' '.join(font)}>{body}</FONT></TD>"


def group_of(name, layout):
    for struct, label, macro, fill in GROUPS:
        if struct is None:
            return label, macro, fill
        if any(f["name"] == name for f in layout[struct]["fields"]):
            return label, macro, fill
    raise AssertionError


def compare(field, other):
    """(mark, note, colour) for how libuv lays out `field`."""
    o = other.get(field["name"])
    if o is None:
        return "≠", "not in libuv", DIFF
    if (o["offset"], o["size"]) != (field["offset"], field["size"]):
        return "≠", f"at {o['offset']}, {o['size']} B", DIFF
    if o["type"] != field["type"]:
        return "≈", esc(o["type"]), NEAR
    return "=", "", None


def holes(prev_end, offset):
    return [(prev_end, offset - prev_end)] if offset > prev_end else []


def build(uv, lib, struct):
    ours, theirs = uv[struct], lib[struct]
    other = {f["name"]: f for f in theirs["fields"]}
    other_sub = {(f["name"], s["name"]): s for f in theirs["fields"] for s in f.get("sub", [])}
    rows = []
    title = (f'<B>{esc(struct[:-2])}_t</B>: {ours["size"]} bytes in uvref, '
             f'{theirs["size"]} in Debian libuv 1.44.2 (x86-64)')
    rows.append("<TR>" + cell(title, bg="#ffffff", span=4, size=12) + "</TR>")
    rows.append("<TR>" + "".join(cell(h, bg="#f4f4f4", bold=True, size=10) for h in
                                  ("offset", "size", "field · type (uvref)", "libuv 1.44.2"))
                + "</TR>")
    end = 0
    current = None
    for f in ours["fields"]:
        label, macro, fill = group_of(f["name"], uv)
        # A hole before a group's first field is the previous struct's tail
        # padding (uv_handle_t is 96 bytes, flags ends at 92): show it there.
        for start, size in holes(end, f["offset"]):
            rows.append(hole_row(start, size))
        if label != current:
            current = label
            rows.append("<TR>" + cell(f"from {esc(label)} ({esc(macro)})", bg=fill, span=4,
                                      bold=True, size=10) + "</TR>")
        mark, note, bg = compare(f, other)
        rows.append(field_row(f, fill, mark, note, bg))
        sub_end = f["offset"]
        for s in f.get("sub", []):
            for start, size in holes(sub_end, s["offset"]):
                rows.append(hole_row(start, size, inner=True))
            o = other_sub.get((f["name"], s["name"]))
            smark, snote, sbg = compare(s, {s["name"]: o} if o else {})
            rows.append(field_row(s, fill, smark, snote, sbg, inner=True))
            sub_end = s["offset"] + s["size"]
        if f.get("sub"):
            for start, size in holes(sub_end, f["offset"] + f["size"]):
                rows.append(hole_row(start, size, inner=True))
        end = f["offset"] + f["size"]
    for start, size in holes(end, ours["size"]):
        rows.append(hole_row(start, size, tail=True))
    ours_names = {f["name"] for f in ours["fields"]}
    for f in theirs["fields"]:
        if f["name"] not in ours_names:
            rows.append("<TR>" + cell(str(f["offset"]), bg=DIFF, align="RIGHT", mono=True)
                        + cell(str(f["size"]), bg=DIFF, align="RIGHT", mono=True)
                        + cell(f'{esc(f["name"])}<BR/><FONT POINT-SIZE="9">{esc(f["type"])}</FONT>',
                               bg=DIFF, mono=True)
                        + cell("≠ only in libuv", bg=DIFF) + "</TR>")
    legend = ("= identical &#160; ≈ same offset and size, other type &#160; "
              "≠ differs &#160; grey: padding")
    rows.append("<TR>" + cell(legend, bg="#ffffff", span=4, size=9, color=GREY) + "</TR>")
    table = (f'<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" COLOR="{RULE}" BGCOLOR="#ffffff">\n'
             + "\n".join(rows) + "\n</TABLE>")
    return ("digraph layout {\n"
            '  graph [bgcolor="transparent", pad="0.1", margin="0"];\n'
            '  node [shape=plaintext, margin="0", fontname="Helvetica", fontsize="11"];\n'
            f'  "{struct}" [label=<\n{table}\n>];\n'
            "}\n")


def field_row(f, fill, mark, note, bg, inner=False):
    name = ("&#160;&#160;." if inner else "") + esc(f["name"])
    size = 9 if inner else None
    label = f'{name}<BR/><FONT POINT-SIZE="9" COLOR="{GREY}">{esc(f["type"])}</FONT>'
    right = f"{mark} {note}".strip()
    return ("<TR>" + cell(str(f["offset"]), bg=fill, align="RIGHT", mono=True, size=size)
            + cell(str(f["size"]), bg=fill, align="RIGHT", mono=True, size=size)
            + cell(label, bg=fill, mono=True, size=size)
            + cell(right, bg=bg or fill, mono=mark != "≠", size=9) + "</TR>")


def hole_row(start, size, inner=False, tail=False):
    what = "tail padding" if tail else ("padding inside the watcher" if inner else "hole")
    return ("<TR>" + cell(str(start), bg=HOLE, align="RIGHT", mono=True, color=GREY, size=9)
            + cell(str(size), bg=HOLE, align="RIGHT", mono=True, color=GREY, size=9)
            + cell(f"<I>{what}</I>", bg=HOLE, color=GREY, size=9)
            + cell("", bg=HOLE) + "</TR>")


def main(argv):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--uvref", required=True)
    p.add_argument("--libuv", required=True)
    p.add_argument("--struct", default="uv_pipe_s")
    p.add_argument("out")
    a = p.parse_args(argv)
    with open(a.uvref, encoding="utf-8") as f:
        uv = json.load(f)
    with open(a.libuv, encoding="utf-8") as f:
        lib = json.load(f)
    for name, layout in (("uvref", uv), ("libuv", lib)):
        if a.struct not in layout:
            sys.exit(f"layout_dot: {a.struct} missing from the {name} probe's debug info")
    dot = build(uv, lib, a.struct)
    with open(a.out, "w", encoding="utf-8") as f:
        f.write(dot)


if __name__ == "__main__":
    main(sys.argv[1:])
