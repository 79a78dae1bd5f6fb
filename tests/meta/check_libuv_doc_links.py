#!/usr/bin/python3
"""Every link to libuv's documentation site has one form and names a real 1.44.2 page.

    check_libuv_doc_links.py REPO_ROOT

The form is `https://docs.libuv.org/en/v1.x/PAGE.html` or `...PAGE.html#c.NAME`,
where PAGE is one of libuv 1.44.2's docs/src pages and NAME is documented on
it (tests/meta/libuv-1.44.2-docpages.txt). Checked: the base the docs build
uses (docs/_ext/uvref_libuvdocs.py), every such URL written in a tracked file,
and every {libuv-doc}`PAGE` or {libuv-doc}`PAGE#NAME` role in the pages. The
site is not fetched: this checks the form, not reachability. docs.crosslinks
applies url_problem() to every such link of the built site as well.
Prints each problem and exits 1 if any.
"""
import os
import re
import subprocess
import sys
from typing import Dict, Optional, Tuple

BASE = "https://docs.libuv.org/en/v1.x/"
URL = re.compile(r"https?://docs\.libuv\.org[^\s)\"'<>`]*")
FORM = re.compile(r"^" + re.escape(BASE) + r"([a-z_0-9]+)\.html(?:#c\.([A-Za-z_][\w.]*))?$")
ROLE = re.compile(r"\{libuv-doc\}`([^`]*)`")
EXT_BASE = re.compile(r'^LIBUV_DOCS\s*=\s*"([^"]*)"', re.M)
LIST = os.path.join(os.path.dirname(os.path.abspath(__file__)), "libuv-1.44.2-docpages.txt")


def load(path: str = LIST) -> Tuple[Dict[str, str], Dict[str, str]]:
    titles, where = {}, {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            page, title, names = line.rstrip("\n").split("|")
            titles[page] = title
            for name in names.split():
                where.setdefault(name, page)
    return titles, where


def target_problem(page: str, name: Optional[str], titles, where) -> Optional[str]:
    if page not in titles:
        return f"libuv 1.44.2 has no documentation page '{page}'"
    if name and where.get(name) != page:
        return f"page '{page}' does not document '{name}'"
    return None


def url_problem(url: str, titles, where) -> Optional[str]:
    m = FORM.match(url)
    if not m:
        return f"not of the form {BASE}PAGE.html[#c.NAME]"
    return target_problem(m.group(1), m.group(2), titles, where)


def main() -> int:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    titles, where = load()
    problems, checked = [], 0
    ext = os.path.join(root, "docs", "_ext", "uvref_libuvdocs.py")
    with open(ext, encoding="utf-8") as f:
        m = EXT_BASE.search(f.read())
    if not m or m.group(1) != BASE:
        problems.append(f"docs/_ext/uvref_libuvdocs.py: LIBUV_DOCS is {m.group(1) if m else 'missing'!r}, "
                        f"not {BASE!r}")
    files = subprocess.run(["git", "ls-files", "-z"], cwd=root, check=True, capture_output=True,
                           text=True).stdout.split("\0")
    for rel in filter(None, files):
        if rel in ("tests/meta/check_libuv_doc_links.py", "docs/_ext/uvref_libuvdocs.py") \
                or rel.endswith("test_checkers.py"):
            continue
        try:
            with open(os.path.join(root, rel), encoding="utf-8") as f:
                text = f.read()
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
        for line_no, line in enumerate(text.splitlines(), 1):
            for url in URL.findall(line):
                checked += 1
                why = url_problem(url.rstrip(".,;"), titles, where)
                if why:
                    problems.append(f"{rel}:{line_no}: {url}: {why}")
            for arg in ROLE.findall(line):
                checked += 1
                page, _, name = arg.partition("#")
                why = target_problem(page, name or None, titles, where)
                if why:
                    problems.append(f"{rel}:{line_no}: {{libuv-doc}}`{arg}`: {why}")
    for p in problems:
        print(p)
    print(f"{checked} links to libuv's documentation checked, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
