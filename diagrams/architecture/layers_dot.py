"""The layers of src/, drawn from its #include lines, as Graphviz.

    layers_dot.py SRC_DIR OUT.dot

One box per directory of src/ with its files; an arrow from a directory to
each directory whose headers its files include (tests/meta/include_graph.py
reads them, the same reader the test meta.layers uses). A directory's layer
is one above the highest layer it includes, so the foundation is at the
bottom and nothing points up except where two directories include each
other: those pairs are drawn as one red double arrow, at the higher one's
layer. The public header (uv.h), which every directory includes, is left out.
"""
import os
import sys
from typing import Dict, List, Set

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [os.path.join(HERE, "..", "..", "tests", "meta"), os.path.join(HERE, "..")]
from include_graph import directory_edges  # noqa: E402
from dot_style import GREY, INK, MONO, RULE, esc, finish  # noqa: E402

FILL = ["#dcefd9", "#d6e6f7", "#e8dcf3", "#fbe3c8", "#f7d6d6", "#f3f0c8", "#e0e0e0"]


def strongly_connected(edges: Dict[str, Set[str]]) -> Dict[str, int]:
    """Tarjan: node -> component id (nodes that include each other, directly or not, share one)."""
    index: Dict[str, int] = {}
    low: Dict[str, int] = {}
    comp: Dict[str, int] = {}
    stack: List[str] = []
    counter = [0, 0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w not in comp:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            while True:
                w = stack.pop()
                comp[w] = counter[1]
                if w == v:
                    break
            counter[1] += 1

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return comp


def layers(edges: Dict[str, Set[str]]) -> Dict[str, int]:
    """0 for a directory that includes no other; else one above the highest it includes."""
    comp = strongly_connected(edges)
    level: Dict[int, int] = {}

    def comp_level(c: int) -> int:
        if c in level:
            return level[c]
        below = {comp[w] for v in edges if comp[v] == c for w in edges[v]} - {c}
        level[c] = 1 + max((comp_level(b) for b in below), default=-1)
        return level[c]

    return {v: comp_level(comp[v]) for v in edges}


def node(src: str, name: str, layer: int) -> str:
    files = sorted(f for f in os.listdir(os.path.join(src, name)) if not f.startswith("."))
    rows = [f'<TR><TD BGCOLOR="{FILL[layer % len(FILL)]}"><FONT COLOR="{INK}" POINT-SIZE="13"><B>'
            f'{esc(name)}/</B></FONT></TD></TR>']
    lines, line = [], ""
    for f in files:  # wrap the file list at about 36 characters
        piece = (line + "  " if line else "") + f
        if line and len(piece) > 36:
            lines.append(line)
            line = f
        else:
            line = piece
    if line:
        lines.append(line)
    rows.append(f'<TR><TD ALIGN="LEFT" BALIGN="LEFT" BGCOLOR="#ffffff"><FONT COLOR="{GREY}" '
                f'POINT-SIZE="11" FACE="{MONO}">{"<BR/>".join(esc(x) for x in lines)}'
                f'</FONT></TD></TR>')
    return (f'  "{name}" [label=<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" '
            f'COLOR="{RULE}">{"".join(rows)}</TABLE>>];')


def main(argv: List[str]) -> None:
    if len(argv) != 2:
        sys.exit("usage: layers_dot.py SRC_DIR OUT.dot")
    src, out_path = argv
    edges = directory_edges(src)
    edges.pop("include", None)
    for targets in edges.values():
        targets.discard("include")
    level = layers(edges)
    out = ["digraph layers {",
           '  graph [rankdir=TB, bgcolor="#ffffff", pad="0.2", nodesep="0.25", ranksep="0.45",'
           ' fontname="Helvetica", fontcolor="#1a1a1a", newrank=true];',
           '  node [shape=plaintext, margin="0", fontname="Helvetica", fontsize="12"];',
           '  edge [color="#555555", arrowsize="0.7"];']
    for name in sorted(edges):
        out.append(node(src, name, level[name]))
    for lv in sorted(set(level.values())):
        members = " ".join(f'"{n}";' for n in sorted(edges) if level[n] == lv)
        out.append(f"  {{ rank=same; {members} }}")
    drawn = set()
    for a in sorted(edges):
        for b in sorted(edges[a]):
            if (b, a) in drawn:
                continue
            if a in edges.get(b, set()):
                out.append(f'  "{a}" -> "{b}" [dir=both, color="#c0392b", penwidth="1.6"];')
            else:
                out.append(f'  "{a}" -> "{b}";')
            drawn.add((a, b))
    finish(out_path, out)


if __name__ == "__main__":
    main(sys.argv[1:])
