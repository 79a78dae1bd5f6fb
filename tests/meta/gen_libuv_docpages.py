#!/usr/bin/python3
"""Writes the list of libuv's documentation pages and what each one documents.

    gen_libuv_docpages.py LIBUV_DOCS_SRC_DIR OUT.txt

LIBUV_DOCS_SRC_DIR is libuv's docs/src at the release the list is for (1.44.2:
`git archive v1.44.2 docs/src | tar -x -C DIR` in a clone). Each output line is
`PAGE|TITLE|NAMES`: the page's file name without .rst (the site serves it as
PAGE.html), its title, and the C names it documents (`.. c:function::`,
`.. c:type::`, `.. c:macro::`, `.. c:member::` ..., each the target of the anchor
`#c.NAME`), space-separated. The list is committed, so the docs' links to
libuv's site are checked against it without the source or the network.
"""
import os
import re
import sys

DIRECTIVE = re.compile(r"^\.\.\s+c:(?:function|type|macro|member|enum|enumerator|var)::\s*(.+)$")
NAME = re.compile(r"([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)?)\s*(?:\(|\[|$)")
UNDERLINE = re.compile(r"^(=+|-+|\*+)\s*$")


def title(lines):
    for prev, line in zip(lines, lines[1:]):
        if prev.strip() and UNDERLINE.match(line) and len(line.strip()) >= len(prev.strip()) - 2:
            text = re.sub(r":c:\w+:`([^`]+)`", r"\1", prev.strip())
            return text.replace("---", "—")
    return ""


def names(lines):
    found = []
    for line in lines:
        m = DIRECTIVE.match(line.strip())
        if not m:
            continue
        decl = m.group(1).strip()
        pointer = re.search(r"\(\s*\*\s*([A-Za-z_]\w*)\s*\)", decl)  # a callback type: void (*uv_x_cb)(...)
        if pointer:
            found.append(pointer.group(1))
            continue
        decl = re.sub(r"\([^()]*\)\s*$", "(", decl)  # drop the parameter list
        n = NAME.findall(decl)
        if n:
            found.append(n[-1])
    return sorted(set(found))


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    src, out = argv
    rows = []
    for name in sorted(os.listdir(src)):
        if not name.endswith(".rst"):
            continue
        with open(os.path.join(src, name), encoding="utf-8") as f:
            lines = f.read().splitlines()
        rows.append(f"{name[:-4]}|{title(lines)}|{' '.join(names(lines))}")
    with open(out, "w", encoding="utf-8") as f:
        f.write("\n".join(rows) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
