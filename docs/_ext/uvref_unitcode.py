"""{unit-code}: show a unit's real code, delimited by named markers.

A source file marks a region with two comment lines::

    // [docs:epoll-create]
    ...the code a page shows...
    // [/docs:epoll-create]

and a page shows it with (MyST)::

    ```{unit-code} src/loop_init/epoll_create.cpp epoll-create
    ```

Never line numbers: they rot the first time someone edits the file above the
region. A missing file, a missing or duplicated marker, an end before its
start or an empty region is an error, so with -W the site does not build.
The listing is numbered with the file's real line numbers (computed from
the marker, not typed), so a reader can set `break epoll_create.cpp:NN`.
Markers nested inside the region (an exercise's blanks) stay visible, which
keeps the numbering true. The caption names what the excerpt defines (its
functions, types, constants, read from the code) and its file and first
line, and links to that line in Doxygen's source browser.
"""
import os
import re
import textwrap
from typing import List, Tuple

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.application import Sphinx

from sphinx.directives.code import container_wrapper
from sphinx.util.docutils import SphinxDirective

import uvref_doxyindex
from uvref_common import extension_metadata, setup_common, source_root
from uvref_srclink import doxylink

MARKER = re.compile(r"^\s*(?://|/\*|#)\s*\[(/?)docs:([A-Za-z0-9_.-]+)\]\s*(?:\*/)?\s*$")
LANGUAGES = {".cpp": "cpp", ".h": "cpp", ".hpp": "cpp", ".c": "c", ".py": "python",
             ".gdb": "text", ".cmake": "cmake", ".txt": "cmake", ".sh": "bash"}


NOT_FUNCS = {"if", "for", "while", "switch", "return", "sizeof", "static_assert", "decltype",
             "alignof", "noexcept", "UV_EXTERN", "__attribute__", "do", "else", "case", "catch"}
TYPE_DEF = re.compile(r"^(?:typedef\s+)?(?:template\s*<[^>]*>\s*)?(struct|class|enum(?:\s+class)?|union)\s+([A-Za-z_]\w*)\s*(?:[:{;]|$)")
USING = re.compile(r"^using\s+([A-Za-z_]\w*)\s*=")
FUNC = re.compile(r"^(?!return\b)[\w:<>,*&\s]*?([A-Za-z_~][\w]*(?:::[A-Za-z_~]\w*)*)\s*\(")
VAR = re.compile(r"^(?:static\s+|inline\s+|constexpr\s+|const\s+|extern\s+)*[\w:<>,*&\s]+?\b([A-Za-z_]\w*)\s*(?:\[[^\]]*\])*\s*(?:=|\{|;)")
PYDEF = re.compile(r"^(?:async\s+)?(def|class)\s+([A-Za-z_]\w*)")
ATTRIBUTES = re.compile(r"\[\[[^\]]*\]\]\s*")
DEFINE = re.compile(r"^#\s*define\s+([A-Za-z_]\w*)")


def region_names(lines):
    """The names a region defines at its outer level: functions as f(), types as struct T."""
    text = [l.rstrip() for l in lines]
    indents = [len(l) - len(l.lstrip()) for l in text if l.strip()]
    base = min(indents) if indents else 0
    names = []
    for line in text:
        if not line.strip() or len(line) - len(line.lstrip()) != base:
            continue
        s = line.strip()
        if s.startswith(("//", "/*", "*", "}", "{", "template", "namespace", "public:", "private:", "case ")):
            continue
        m = DEFINE.match(s)
        if m:
            names.append(m.group(1)); continue
        if s.startswith("#"):
            continue
        m = PYDEF.match(s)
        if m:
            names.append(m.group(2) + "()" if m.group(1) == "def" else "class " + m.group(2)); continue
        m = TYPE_DEF.match(s)
        if m:
            names.append(f"{m.group(1).split()[0]} {m.group(2)}"); continue
        m = USING.match(s)
        if m:
            names.append(m.group(1)); continue
        m = FUNC.match(ATTRIBUTES.sub("", s))
        if m and m.group(1).split("::")[-1] not in NOT_FUNCS:
            names.append(m.group(1) + "()")
            continue
        m = VAR.match(s)
        if m and m.group(1) not in NOT_FUNCS:
            names.append(m.group(1))
    seen, out = set(), []
    for n in names:
        if n not in seen:
            seen.add(n); out.append(n)
    return out


class RegionError(Exception):
    pass


def extract_region(path: str, name: str) -> Tuple[List[str], int]:
    """Returns the lines strictly between the markers and the 1-based number of the first."""
    try:
        with open(path, encoding="utf-8") as f:
            lines = f.read().splitlines()
    except OSError as e:
        raise RegionError(f"cannot read {path}: {e.strerror}") from e
    starts, ends = [], []
    for i, line in enumerate(lines):
        m = MARKER.match(line)
        if m and m.group(2) == name:
            (ends if m.group(1) else starts).append(i)
    if not starts:
        raise RegionError(f"marker '// [docs:{name}]' not found in {path}")
    if not ends:
        raise RegionError(f"end marker '// [/docs:{name}]' not found in {path}")
    if len(starts) > 1 or len(ends) > 1:
        raise RegionError(f"marker docs:{name} appears more than once in {path}")
    begin, end = starts[0], ends[0]
    if end <= begin:
        raise RegionError(f"end marker of docs:{name} comes before its start in {path}")
    body = lines[begin + 1:end]
    if not any(line.strip() and not MARKER.match(line) for line in body):
        raise RegionError(f"region docs:{name} in {path} is empty")
    return body, begin + 2


class UnitCode(SphinxDirective):
    has_content = False
    required_arguments = 2
    optional_arguments = 0
    option_spec = {
        "caption": directives.unchanged,
        "language": directives.unchanged,
        "name": directives.unchanged,
        "emphasize-marker": directives.unchanged,
    }

    def run(self) -> List[nodes.Node]:
        rel, name = self.arguments
        root = source_root(self.env.app)
        path = os.path.normpath(os.path.join(root, rel))
        self.env.note_dependency(path)
        try:
            lines, first = extract_region(path, name)
        except RegionError as e:
            raise self.error(f"unit-code: {e}") from e
        code = textwrap.dedent("\n".join(lines)).strip("\n")
        # strip("\n") may have removed leading blank lines: keep numbering true.
        leading = 0
        for line in lines:
            if line.strip():
                break
            leading += 1
        block = nodes.literal_block(code, code)
        block["language"] = self.options.get(
            "language", LANGUAGES.get(os.path.splitext(rel)[1], "text"))
        block["linenos"] = True
        block["highlight_args"] = {"linenostart": first + leading}
        block["classes"].append("uvref-unit-code")
        self.set_source_info(block)
        block = container_wrapper(self, block, self.options.get("caption", "caption"))
        if "caption" not in self.options:
            self._caption(block, rel, lines, first)
        self.add_name(block)
        units = self.env.__dict__.setdefault("uvref_unit_code", {})
        units.setdefault(self.env.docname, []).append((rel, name))
        return [block]


    def _caption(self, block: nodes.container, rel: str, lines: List[str], first: int) -> None:
        """The names the excerpt defines and its file, linked to that line in the source browser."""
        caption = next(block.findall(nodes.caption))
        caption.children = []
        names = region_names(lines)
        body = nodes.inline()
        for i, n in enumerate(names):
            if i:
                body += nodes.Text(", ")
            body += nodes.literal(n, n)
        if names:
            body += nodes.Text("  ·  ")
        body += nodes.Text(f"{rel}:{first}")
        page = uvref_doxyindex.get(self.env.app).source_page(rel, first)
        if page:
            link = doxylink(target=page)
            link += body
            caption += link
        else:
            caption += body


def _purge(app, env, docname):
    getattr(env, "uvref_unit_code", {}).pop(docname, None)


def _merge(app, env, docnames, other):
    mine = env.__dict__.setdefault("uvref_unit_code", {})
    for doc in docnames:
        if doc in getattr(other, "uvref_unit_code", {}):
            mine[doc] = other.uvref_unit_code[doc]


def setup(app: Sphinx):
    setup_common(app)
    app.add_directive("unit-code", UnitCode)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    return extension_metadata()
