"""The places a hint points at: a docs page section and a GDB walkthrough.

A check's `docs = "loop-init/lock-pipe.md#why-a-lock-made-of-a-pipe"` names a
page under docs/ and one of its headings (MyST's anchor of the heading);
`gdb = "loop-init"` names a folder under walkthroughs/ with a walkthrough.md.
Both are resolved here, so a pointer that went stale is an error, not a
dead end for the student.
"""
import os
import re


class PointerError(Exception):
    pass


def slug(heading):
    """The anchor MyST gives a heading (myst_heading_anchors)."""
    text = heading.strip().lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def headings(path):
    out = []
    in_fence = False
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("```"):
                in_fence = not in_fence
            elif not in_fence and re.match(r"#{1,6} ", line):
                out.append(line.lstrip("#").strip())
    return out


def docs_section(root, pointer):
    """(page path from the root, page title, section title or '') for a docs pointer."""
    page, _, anchor = pointer.partition("#")
    path = os.path.join(root, "docs", page)
    if not os.path.isfile(path):
        raise PointerError(f"docs page docs/{page} does not exist")
    hs = headings(path)
    title = hs[0] if hs else page
    section = ""
    if anchor:
        match = [h for h in hs if slug(h) == anchor]
        if not match:
            raise PointerError(f"docs/{page} has no heading with anchor #{anchor} "
                               f"(have: {', '.join(slug(h) for h in hs)})")
        section = match[0]
    return "docs/" + page, title.replace("`", ""), section.replace("`", "")


def walkthrough(root, name):
    """(walkthrough.md path, the command that opens it in GDB or '') for a gdb pointer."""
    folder = os.path.join(root, "walkthroughs", name)
    page = os.path.join(folder, "walkthrough.md")
    if not os.path.isfile(page):
        raise PointerError(f"walkthroughs/{name}/walkthrough.md does not exist")
    if not os.path.isfile(os.path.join(root, "docs", "walkthroughs", name + ".md")):
        raise PointerError(f"walkthrough {name} has no page docs/walkthroughs/{name}.md")
    return f"walkthroughs/{name}/walkthrough.md"


def describe(root, check):
    """One line a student can act on: where to read, where to step."""
    page, title, section = docs_section(root, check.docs)
    where = f"{page} ({title}" + (f", section \"{section}\")" if section else ")")
    return f"read {where}; step through it with walkthroughs/{check.gdb}/walkthrough.md"
