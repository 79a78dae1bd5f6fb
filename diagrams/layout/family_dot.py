"""The handle family and the request types, as Graphviz, from the compiled structs.

    family_dot.py uvref.json OUT.dot

libuv's "inheritance" is layout: a uv_pipe_t begins with every field of a
uv_stream_t, which begins with every field of a uv_handle_t, so a pointer to
one is a valid pointer to its ancestors. This script checks that from the
debug-info layouts (struct_layout.py) instead of assuming it: a struct is
drawn under uv_stream_t, uv_handle_t or uv_req_t only if that base's fields
are a prefix of its own, same names at the same offsets. Each box lists the
fields the struct adds; a dashed edge goes from a request to the handle type
its fields point to.
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from dot_style import GREY, INK, MONO, RULE, esc, finish  # noqa: E402

BASES = ["uv_stream_s", "uv_handle_s", "uv_req_s"]  # most derived first
FILL = {"uv_handle_s": "#d6e6f7", "uv_stream_s": "#dcefd9", "uv_req_s": "#e8dcf3"}
LEAF = "#fbe3c8"


def typedef_name(struct: str) -> str:
    return struct[:-2] + "_t"


def is_prefix(base, derived) -> bool:
    b, d = base["fields"], derived["fields"]
    return len(b) <= len(d) and all((x["name"], x["offset"]) == (y["name"], y["offset"])
                                    for x, y in zip(b, d))


def parent_of(name, layout):
    for base in BASES:
        if base != name and base in layout and is_prefix(layout[base], layout[name]):
            if base == "uv_stream_s" and name == "uv_handle_s":
                continue
            return base
    return None


def node(name, layout, parent):
    fields = layout[name]["fields"]
    added = fields[len(layout[parent]["fields"]):] if parent else fields
    fill = FILL.get(name, LEAF)
    rows = [f'<TR><TD BGCOLOR="{fill}" ALIGN="LEFT"><FONT COLOR="{INK}"><B>'
            f'{esc(typedef_name(name))}</B> · {layout[name]["size"]} B</FONT></TD></TR>']
    if added:
        names = "<BR/>".join(esc(f["name"]) for f in added)
        rows.append(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT" BGCOLOR="#ffffff"><FONT COLOR="{GREY}" '
                    f'POINT-SIZE="9" FACE="{MONO}">'
                    f"{names}</FONT></TD></TR>")
    else:
        rows.append(f'<TR><TD ALIGN="LEFT" BGCOLOR="#ffffff"><FONT COLOR="{GREY}" '
                    f'POINT-SIZE="9"><I>no fields of its own</I></FONT></TD></TR>')
    return (f'  "{name}" [label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" '
            f'COLOR="{RULE}">{"".join(rows)}</TABLE>>];')


def main(argv):
    if len(argv) != 2:
        sys.exit("usage: family_dot.py uvref.json OUT.dot")
    with open(argv[0], encoding="utf-8") as f:
        layout = json.load(f)
    layout.pop("uv_loop_s", None)
    parents = {n: parent_of(n, layout) for n in layout}
    out = ["digraph family {",
           '  graph [rankdir=LR, bgcolor="#ffffff", pad="0.2", nodesep="0.12", ranksep="0.35",'
           ' fontname="Helvetica", fontcolor="#1a1a1a"];',
           '  node [shape=plaintext, margin="0", fontname="Helvetica", fontsize="11"];',
           '  edge [color="#555555", arrowhead=empty, arrowsize="0.7"];']
    for name in layout:
        out.append(node(name, layout, parents[name]))
    # "is a": the base's fields are a prefix of the derived struct's.
    for name, parent in parents.items():
        if parent:
            out.append(f'  "{parent}" -> "{name}";')
    # Requests point at the handle they act on.
    handle_types = {typedef_name(n): n for n, p in parents.items()
                    if n == "uv_handle_s" or p in ("uv_handle_s", "uv_stream_s")}
    for name, parent in parents.items():
        if parent != "uv_req_s":
            continue
        targets = {}  # handle struct -> the request's fields pointing at it
        for f in layout[name]["fields"]:
            m = re.fullmatch(r"(uv_\w+_t) \*", f["type"])
            if m and m.group(1) in handle_types:
                targets.setdefault(handle_types[m.group(1)], []).append(f["name"])
        for target, fields in targets.items():
            out.append(f'  "{name}" -> "{target}" [style=dashed, arrowhead=vee, '
                       f'constraint=false, color="#8a6db3", fontcolor="#5b3f86", fontsize="9", '
                       f'label="{", ".join(fields)}"];')
    finish(argv[1], out)


if __name__ == "__main__":
    main(sys.argv[1:])
