"""What the diagram generators (diagrams/*/*_dot.py) share: the house colours and fonts,
text escaped for Graphviz's HTML-like labels, a boxed table label, a digraph's opening
lines, and writing the finished .dot file from the generator's command line.

A generator imports it after putting diagrams/ on sys.path (it runs as a script from
its own folder), so every drawing keeps one look and one escaping rule.
"""
import html
import sys

INK = "#1a1a1a"    # text
GREY = "#555555"   # edges and quieter text
RULE = "#9a9a9a"   # the lines between table cells
MONO = "DejaVu Sans Mono, Menlo, Consolas, monospace"


def esc(text) -> str:
    """Any value as label text: &, <, > and quotes escaped, so a call or a name cannot break the label."""
    return html.escape(str(text), quote=True)


def table(rows, color=RULE, padding=4, extra="") -> str:
    """An HTML-like label: the rows (already <TR>...</TR>) in a table of one-pixel cell borders.
    `extra` adds attributes to the <TABLE> tag (BGCOLOR, PORT)."""
    return (f'<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="0" CELLPADDING="{padding}" '
            f'COLOR="{color}"{extra}>' + "".join(rows) + "</TABLE>>")


def title_row(title, fill) -> str:
    """A table's first row: its title, bold, on the step's colour."""
    return f'<TR><TD ALIGN="LEFT" BGCOLOR="{fill}"><B>{esc(title)}</B></TD></TR>'


def head(name, generated, layout, newrank=False, edges=True):
    """A digraph's first lines: a comment per line of `generated` (where it came from), then the
    graph's own `layout` attributes with the house font; nodes are plain (their label is the box)."""
    rank = ", newrank=true" if newrank else ""
    lines = [f"// {line}" for line in generated] + [
        f"digraph {name} {{",
        f'  graph [{layout}, fontname="Helvetica", fontsize="12", fontcolor="{INK}"{rank}];',
        f'  node [shape=plain, fontname="Helvetica", fontsize="12", fontcolor="{INK}"];']
    if edges:
        lines.append(f'  edge [color="{GREY}", arrowsize="0.7", fontname="Helvetica", fontsize="11", '
                     f'fontcolor="{GREY}"];')
    return lines


def finish(path, lines):
    """Closes the digraph and writes it, one statement a line."""
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines + ["}"]) + "\n")


def command_line(main, usage, count):
    """Runs main() with the script's arguments, or exits with its usage when there are not `count` of them."""
    if len(sys.argv) != count + 1:
        sys.exit(usage)
    main(*sys.argv[1:])
