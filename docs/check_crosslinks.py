#!/usr/bin/python3
"""docs.crosslinks: the site and the code point at each other, and nothing dangles.

Checks, each failure printed, exit status 1 if any:
 1. every .cpp in src/loop_init and src/fdpass is shown by some page
    (a {unit-code} directive naming it);
 2. every {unit-code} FILE MARKER in the pages resolves: the file exists and
    has exactly one `// [docs:MARKER]` before one `// [/docs:MARKER]`;
 3. every public function of uv.h (UV_EXTERN) is rendered exactly once by a
    doxygenfunction directive in docs/api/;
 4. every \\docpage{label} in the sources names a label some page defines;
 5. every walkthroughs/*/walkthrough.md is included by a page under
    docs/walkthroughs/ (its labels count as page labels);
 6. in the built HTML, every internal href points to an existing file and,
    if it has a #fragment, to an id that exists in that file (the offline
    part of `linkchecker --ignore-url='^https?://'`, without the network).
"""
import argparse
import glob
import html.parser
import os
import re
import sys
import urllib.parse

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "_ext"))
from uvref_unitcode import RegionError, extract_region  # noqa: E402

UNIT_CODE = re.compile(r"^[`:]{3,}\{unit-code\}\s+(\S+)\s+(\S+)\s*$", re.M)
DOXYFUNC = re.compile(r"^[`:]{3,}\{doxygenfunction\}\s+(\S+)", re.M)
LABEL = re.compile(r"^\(([A-Za-z0-9_.-]+)\)=\s*$", re.M)
DOCPAGE = re.compile(r"[\\@]docpage\{([A-Za-z0-9_.-]+)\}")
INCLUDE = re.compile(r"^[`:]{3,}\{include\}\s+(\S+)\s*$", re.M)
EXTERN = re.compile(r"^UV_EXTERN\s+[^;(]*?\b(\w+)\s*\(", re.S | re.M)


def pages(docs):
    """Every page of the site: docs/**.md and the walkthroughs' own pages."""
    root = os.path.dirname(docs)
    found = sorted(glob.glob(os.path.join(docs, "**", "*.md"), recursive=True))
    found += sorted(glob.glob(os.path.join(root, "walkthroughs", "*", "walkthrough.md")))
    for path in found:
        if "/_build/" in path:
            continue
        with open(path, encoding="utf-8") as f:
            yield path, f.read()


class Anchors(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids, self.hrefs = set(), []

    def handle_starttag(self, tag, attrs):
        d = dict(attrs)
        for key in ("id", "name"):
            if d.get(key):
                self.ids.add(d[key])
        for key in ("href", "src", "data"):
            if d.get(key) and (key != "href" or tag in ("a", "link")):
                self.hrefs.append(d[key])


def check_html(root, errors):
    parsed = {}

    def load(path):
        if path not in parsed:
            p = Anchors()
            with open(path, encoding="utf-8", errors="replace") as f:
                p.feed(f.read())
            parsed[path] = p
        return parsed[path]

    sphinx_pages = [p for p in glob.glob(os.path.join(root, "**", "*.html"), recursive=True)
                    if os.sep + "doxygen" + os.sep not in p]
    checked = 0
    for page in sorted(sphinx_pages):
        for href in load(page).hrefs:
            url = urllib.parse.urlsplit(href)
            if url.scheme or href.startswith(("//", "mailto:", "javascript:")):
                continue
            target = page if not url.path else os.path.normpath(
                os.path.join(os.path.dirname(page), urllib.parse.unquote(url.path)))
            rel = os.path.relpath(page, root)
            if os.path.isdir(target):
                target = os.path.join(target, "index.html")
            if not os.path.exists(target):
                errors.append(f"{rel}: broken link {href}")
                continue
            checked += 1
            if url.fragment and target.endswith(".html"):
                if url.fragment not in load(target).ids:
                    errors.append(f"{rel}: link {href}: no id '{url.fragment}' in "
                                  f"{os.path.relpath(target, root)}")
    return checked


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--source-root", required=True)
    ap.add_argument("--html", required=True, help="the built site (build/<preset>/docs/html)")
    a = ap.parse_args()
    root = os.path.abspath(a.source_root)
    docs = os.path.join(root, "docs")
    errors = []

    shown, labels, funcs = {}, set(), {}
    for path, text in pages(docs):
        rel = os.path.relpath(path, root)
        labels.update(LABEL.findall(text))
        for file, marker in UNIT_CODE.findall(text):
            shown.setdefault(file, []).append(rel)
            try:
                extract_region(os.path.join(root, file), marker)
            except RegionError as e:
                errors.append(f"{rel}: unit-code {file} {marker}: {e}")
        if rel.startswith("docs/api/"):
            for name in DOXYFUNC.findall(text):
                funcs.setdefault(name, []).append(rel)

    walkthroughs = sorted(glob.glob(os.path.join(root, "walkthroughs", "*", "walkthrough.md")))
    included = set()
    for path, text in pages(os.path.join(docs, "walkthroughs")):
        for arg in INCLUDE.findall(text):
            included.add(os.path.normpath(os.path.join(os.path.dirname(path), arg)))
    for w in walkthroughs:
        if os.path.normpath(w) not in included:
            name = os.path.basename(os.path.dirname(w))
            errors.append(f"{os.path.relpath(w, root)}: no page includes it (add docs/walkthroughs/"
                          f"{name}.md with an {{include}} of ../../walkthroughs/{name}/walkthrough.md "
                          "and list it in docs/walkthroughs/index.md)")

    units = sorted(glob.glob(os.path.join(root, "src", "loop_init", "*.cpp"))
                   + glob.glob(os.path.join(root, "src", "fdpass", "*.cpp")))
    for unit in units:
        rel = os.path.relpath(unit, root)
        if rel not in shown:
            errors.append(f"{rel}: no page shows this unit (add a {{unit-code}} {rel} MARKER)")

    with open(os.path.join(root, "src", "include", "uv.h"), encoding="utf-8") as f:
        api = sorted(set(EXTERN.findall(f.read())))
    for name in api:
        where = funcs.get(name, [])
        if len(where) != 1:
            errors.append(f"uv.h: {name} is rendered {len(where)} times in docs/api "
                          f"({', '.join(where) or 'nowhere'}); it must be exactly once")

    for src in sorted(glob.glob(os.path.join(root, "src", "**", "*.*"), recursive=True)):
        with open(src, encoding="utf-8", errors="replace") as f:
            for label in DOCPAGE.findall(f.read()):
                if label not in labels:
                    errors.append(f"{os.path.relpath(src, root)}: \\docpage{{{label}}}: "
                                  "no page defines this label")

    checked = 0
    if not os.path.exists(os.path.join(a.html, "index.html")):
        errors.append(f"{a.html}/index.html missing: build the 'docs' target first")
    else:
        checked = check_html(os.path.abspath(a.html), errors)

    for e in errors:
        print("FAIL", e)
    print(f"docs.crosslinks: {len(units)} units, {sum(len(v) for v in shown.values())} code "
          f"includes, {len(api)} API functions, {len(walkthroughs)} walkthroughs, {checked} internal links checked, "
          f"{len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
