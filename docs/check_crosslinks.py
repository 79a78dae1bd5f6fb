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
    part of `linkchecker --ignore-url='^https?://'`, without the network);
 7. every {unit-code} caption naming a file of src/ is a link (into the
    source browser: its target is checked by 6);
 8. every link to docs.libuv.org has the form and names a page and entry of
    libuv 1.44.2's documentation (tests/meta/check_libuv_doc_links.py);
 9. every generated diagram has an "open full size" link to its SVG and a
    min-width at which its smallest text is at least 11 px (read from the SVG);
10. in Doxygen's own HTML, every \\docpage is a real link to an existing page
    (no raw `embed:rst` text, no unreplaced placeholder).
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
from uvref_diagrams import MIN_TEXT_PX, svg_metrics  # noqa: E402

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "meta"))
import check_libuv_doc_links as libuv_links  # noqa: E402

UNIT_CODE = re.compile(r"^[`:]{3,}\{unit-code\}\s+(\S+)\s+(\S+)\s*$", re.M)
DOXYFUNC = re.compile(r"^[`:]{3,}\{doxygenfunction\}\s+(\S+)", re.M)
LABEL = re.compile(r"^\(([A-Za-z0-9_.-]+)\)=\s*$", re.M)
DOCPAGE = re.compile(r"[\\@]docpage\{([A-Za-z0-9_.-]+)\}")
INCLUDE = re.compile(r"^[`:]{3,}\{include\}\s+(\S+)\s*$", re.M)
DIAGRAM = re.compile(r'<p class="uvref-diagram-full"><a class="uvref-diagram-full" href="([^"]+)">'
                     r'open full size</a></p>\s*<div class="graphviz"><object data="([^"]+)"[^>]*'
                     r'style="min-width: (\d+)px">')
UNIT_CAPTION = re.compile(r'<div class="code-block-caption">(.*?)</div>', re.S)
DOXY_DOCPAGE = re.compile(r'<a class="uvref-docpage" href="([^"]*)"')
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
    libuv_pages = libuv_links.load()

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
            if url.netloc == "docs.libuv.org":
                why = libuv_links.url_problem(href, *libuv_pages)
                if why:
                    errors.append(f"{os.path.relpath(page, root)}: link {href}: {why}")
                continue
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
    for page in sorted(sphinx_pages):
        with open(page, encoding="utf-8", errors="replace") as f:
            text = f.read()
        for obj in DIAGRAM.finditer(text):
            full, data, width = obj.group(1), obj.group(2), int(obj.group(3))
            rel = os.path.relpath(page, root)
            svg = os.path.normpath(os.path.join(os.path.dirname(page), data))
            if full != data:
                errors.append(f"{rel}: diagram {data}: its 'open full size' link goes to {full}")
            try:
                svg_width, font = svg_metrics(svg)
            except (OSError, ValueError) as e:
                errors.append(f"{rel}: diagram {data}: {e}")
                continue
            if width * font / svg_width < MIN_TEXT_PX - 0.01:
                errors.append(f"{rel}: diagram {data}: at its min-width {width}px its smallest text is "
                              f"{width * font / svg_width:.1f} px, under {MIN_TEXT_PX}")
        if "graphviz" in text and len(DIAGRAM.findall(text)) != text.count('<object data='):
            errors.append(f"{os.path.relpath(page, root)}: a diagram without its full-size link "
                          "and min-width")
        for caption in UNIT_CAPTION.findall(text):
            if "src/" in caption and "<a " not in caption:
                errors.append(f"{os.path.relpath(page, root)}: code caption without a source link: "
                              f"{re.sub('<[^>]+>', '', caption).strip()}")
    return checked


def check_doxygen_html(root, errors):
    """Rule 10; returns how many \\docpage links Doxygen's pages carry."""
    found = 0
    for page in sorted(glob.glob(os.path.join(root, "doxygen", "*.html"))):
        with open(page, encoding="utf-8", errors="replace") as f:
            text = f.read()
        rel = os.path.relpath(page, root)
        if "embed:rst" in text:
            errors.append(f"{rel}: raw 'embed:rst' text (a \\docpage that is not a link)")
        for href in DOXY_DOCPAGE.findall(text):
            found += 1
            url = urllib.parse.urlsplit(href)
            target = os.path.normpath(os.path.join(os.path.dirname(page), url.path))
            if href.startswith("uvref-docpage:") or not os.path.exists(target):
                errors.append(f"{rel}: \\docpage link {href} leads nowhere")
    return found


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

    checked = docpages = 0
    if not os.path.exists(os.path.join(a.html, "index.html")):
        errors.append(f"{a.html}/index.html missing: build the 'docs' target first")
    else:
        checked = check_html(os.path.abspath(a.html), errors)
        docpages = check_doxygen_html(os.path.abspath(a.html), errors)
        if docpages == 0:
            errors.append("doxygen/*.html: no \\docpage link at all (the Doxyfile alias or the "
                          "Sphinx step that fills it in is broken)")

    for e in errors:
        print("FAIL", e)
    print(f"docs.crosslinks: {len(units)} units, {sum(len(v) for v in shown.values())} code "
          f"includes, {len(api)} API functions, {len(walkthroughs)} walkthroughs, {checked} internal links checked, "
          f"{docpages} Doxygen links back to pages, {len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
