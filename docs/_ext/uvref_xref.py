"""{libuv-xref}: the uvref <-> libuv cross-reference table, made from the code.

Source comments name the libuv code they mirror with a tag, one per line,
possibly several per file:

    libuv: src/unix/linux-core.c uv__platform_loop_init
    libuv: include/uv.h, include/uv/unix.h

A tag in a file's leading comment block describes the file; any other tag
describes the next declaration after its comment (function, struct, enum,
macro). Each row links the uvref file to Doxygen's source browser at the
tag's line and, through `\\docpage{label}` in the same file, to the file's
page as a real :ref: (so nitpicky mode checks every \\docpage label).
"""
import glob
import html
import os
import re
from typing import List, NamedTuple, Optional

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx

from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

import uvref_doxyindex
from uvref_common import add_config, extension_metadata, setup_common, source_root
from uvref_srclink import doxylink

logger = logging.getLogger(__name__)

TAG = re.compile(r"\blibuv:\s*(.+?)\s*(?:\*/)?\s*$")
DOCPAGE = re.compile(r"[\\@]docpage\{([A-Za-z0-9_.-]+)\}")
PATHLIKE = re.compile(r"^(?:src|include|test|docs)/[\w./-]+$|^[\w-]+\.[ch]$")
IDENT = re.compile(r"^[A-Za-z_][\w*]*(?:\(\))?$")  # uv__io_* names a family
DECL_TYPE = re.compile(r"^\s*(?:typedef\s+)?(?:struct|enum|union|class)\s+([A-Za-z_]\w*)")
DECL_DEFINE = re.compile(r"^\s*#\s*define\s+([A-Za-z_]\w*)")
DECL_FUNC = re.compile(r"([A-Za-z_][\w:]*)\s*\(")
NOT_FUNCS = {"if", "for", "while", "switch", "return", "sizeof", "static_assert", "decltype",
             "alignof", "noexcept", "UV_EXTERN", "__attribute__"}


class Tag(NamedTuple):
    file: str           # repo-relative uvref file
    line: int           # 1-based line of the tag
    entity: str         # uvref declaration it describes, "" for the whole file
    libuv_files: List[str]
    libuv_funcs: List[str]
    note: str


def _parse_tag(text: str):
    """'a.c f (why), g; b.c h' -> ([('a.c', ['f (why)', 'g']), ('b.c', ['h'])], '').

    A parenthesised remark annotates the function before it, or, if no
    function precedes it, becomes the tag's note.
    """
    groups, notes, rest = [], [], []
    for tok in re.findall(r"\([^)]*\)?|[^\s,;()]+", text):
        if rest:
            rest.append(tok)
        elif tok.startswith("("):
            remark = tok.strip("()").strip()
            if groups and groups[-1][1]:
                groups[-1][1][-1] += f" ({remark})"
            else:
                notes.append(remark)
        elif tok in ("and", "or", "plus"):
            continue
        elif PATHLIKE.match(tok.rstrip(".")):
            groups.append((tok.rstrip("."), []))
        elif groups and IDENT.match(tok.rstrip(".")):
            groups[-1][1].append(tok.rstrip(".").rstrip("()"))
        else:
            rest.append(tok)
    note = " ".join(notes + rest).strip(" -—–.")
    return groups, note


def _comment_text(line: str) -> str:
    return line.strip().lstrip("/*").rstrip("*/").strip()


def _is_comment(line: str) -> bool:
    s = line.strip()
    return s.startswith(("//", "/*", "*", "*/")) or s.endswith("*/")


def _next_decl(lines: List[str], start: int) -> str:
    """The name declared by the first code line at or after `start`."""
    i = start
    while i < len(lines) and (not lines[i].strip() or _is_comment(lines[i])):
        i += 1
    for line in lines[i:i + 4]:
        for rx in (DECL_TYPE, DECL_DEFINE):
            m = rx.match(line)
            if m:
                return m.group(1)
        code = line.split("//")[0]
        for m in DECL_FUNC.finditer(code):
            name = m.group(1).split("::")[-1]
            if name not in NOT_FUNCS:
                return m.group(1)
        if code.rstrip().endswith((";", "{", "}")):
            break
    return ""


def scan_file(path: str, rel: str):
    """Returns (tags, docpage labels) of one source file."""
    with open(path, encoding="utf-8", errors="replace") as f:
        lines = f.read().splitlines()
    # The leading comment block: everything before the first code line.
    lead_end = 0
    while lead_end < len(lines) and (not lines[lead_end].strip() or _is_comment(lines[lead_end])):
        lead_end += 1
    tags, pages = [], []
    for i, line in enumerate(lines):
        pages += DOCPAGE.findall(line)
        if not _is_comment(line):
            continue
        m = TAG.search(line)
        if not m:
            continue
        text = m.group(1)
        # A tag may continue on the next comment lines after a trailing comma.
        j = i
        while text.rstrip().endswith(",") and j + 1 < len(lines) and _is_comment(lines[j + 1]):
            j += 1
            text += " " + _comment_text(lines[j])
        groups, note = _parse_tag(text)
        if not groups:
            continue
        entity = "" if i < lead_end else _next_decl(lines, j + 1)
        for libuv_file, funcs in groups:
            tags.append(Tag(rel, i + 1, entity, [libuv_file], funcs, note))
    return tags, pages


def scan_tree(root: str):
    paths = sorted(glob.glob(os.path.join(root, "src", "**", "*.cpp"), recursive=True)
                   + glob.glob(os.path.join(root, "src", "**", "*.h"), recursive=True))
    out = []
    for path in paths:
        rel = os.path.relpath(path, root).replace(os.sep, "/")
        tags, pages = scan_file(path, rel)
        out.append((path, rel, tags, pages))
    return out


def _cell(*children) -> nodes.entry:
    entry = nodes.entry()
    para = nodes.paragraph()
    for child in children:
        para += child
    entry += para
    return entry


def _code(text: str) -> nodes.literal:
    return nodes.literal(text, text)


def _join(items: List[nodes.Node]) -> List[nodes.Node]:
    out: List[nodes.Node] = []
    for i, item in enumerate(items):
        if i:
            out.append(nodes.Text(", "))
        out.append(item)
    return out


class LibuvXref(SphinxDirective):
    """Renders the table; the optional argument limits it to files under a prefix."""
    has_content = False
    optional_arguments = 1

    def run(self) -> List[nodes.Node]:
        root = source_root(self.env.app)
        prefix = self.arguments[0] if self.arguments else "src/"
        index = uvref_doxyindex.get(self.env.app)
        # Re-read whenever Doxygen reran (it reruns on any source change,
        # new files included), not only when a scanned file changed.
        if os.path.exists(index.index_path):
            self.env.note_dependency(index.index_path)
        headers = ["uvref file", "uvref entity", "libuv 1.44 file", "libuv function", "page"]
        table = nodes.table(classes=["uvref-xref"])
        group = nodes.tgroup(cols=len(headers))
        table += group
        for width in (22, 18, 22, 22, 16):
            group += nodes.colspec(colwidth=width)
        head = nodes.thead()
        row = nodes.row()
        for h in headers:
            row += _cell(nodes.Text(h))
        head += row
        group += head
        body = nodes.tbody()
        group += body
        count = 0
        for path, rel, tags, pages in scan_tree(root):
            if not rel.startswith(prefix):
                continue
            self.env.note_dependency(path)
            page_refs = [self._ref(label) for label in dict.fromkeys(pages)]
            rows = tags or ([None] if pages else [])
            for tag in rows:
                row = nodes.row()
                line = tag.line if tag else None
                target = index.source_page(rel, line)
                file_node = _code(rel)
                if target:
                    link = doxylink(target=target)
                    link += file_node
                    file_node = link
                row += _cell(file_node)
                row += _cell(_code(tag.entity) if tag and tag.entity else nodes.Text("(file)"))
                row += _cell(*_join([_code(f) for f in tag.libuv_files]) if tag else
                             [nodes.Text("—")])
                funcs = [_code(f) for f in tag.libuv_funcs] if tag else []
                if tag and tag.note:
                    funcs.append(nodes.emphasis(tag.note, tag.note))
                row += _cell(*_join(funcs) if funcs else [nodes.Text("—")])
                row += _cell(*_join([r.deepcopy() for r in page_refs]) if page_refs
                             else [nodes.Text("—")])
                body += row
                count += 1
        if count == 0:
            para = nodes.paragraph(text=f"No source file under {prefix} carries a libuv: tag yet.")
            return [para]
        return [table]

    def _ref(self, label: str) -> addnodes.pending_xref:
        ref = addnodes.pending_xref("", refdomain="std", reftype="ref", reftarget=label,
                                    refexplicit=False, refwarn=True)
        ref += nodes.inline(label, label)
        return ref


DOXY_DOCPAGE = re.compile(r'<a class="uvref-docpage" href="uvref-docpage:([A-Za-z0-9_.-]+)">[^<]*</a>')


def _link_doxygen_docpages(app: Sphinx, exception) -> None:
    """Doxygen's HTML pages: each \\docpage placeholder becomes a link to the narrative page.

    Doxygen writes `<a class="uvref-docpage" href="uvref-docpage:LABEL">` (the
    alias in Doxyfile.in) because it cannot know where Sphinx puts LABEL;
    Sphinx knows, so once the site is written the placeholder gets the page's
    relative URL and title. An unknown label is a warning (an error with -W).
    """
    if exception is not None or app.builder.format != "html":
        return
    labels = app.env.domaindata["std"]["labels"]
    doxy = os.path.join(app.outdir, app.config.uvref_doxygen_html)
    if not os.path.isdir(doxy):
        return

    def replace(m: "re.Match") -> str:
        label = m.group(1)
        if label not in labels:
            logger.warning(f"\\docpage{{{label}}} in Doxygen's HTML: no page defines this label")
            return m.group(0)
        docname, anchor, title = labels[label]
        uri = "../" + app.builder.get_target_uri(docname) + (f"#{anchor}" if anchor else "")
        return f'<a class="uvref-docpage" href="{html.escape(uri)}">{html.escape(title)}</a>'

    for name in sorted(os.listdir(doxy)):
        if not name.endswith(".html"):
            continue
        path = os.path.join(doxy, name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        if "uvref-docpage:" not in text:
            continue
        with open(path, "w", encoding="utf-8") as f:
            f.write(DOXY_DOCPAGE.sub(replace, text))


def setup(app: Sphinx):
    setup_common(app)
    add_config(app, "uvref_doxygen_html", "doxygen", "html")
    app.connect("build-finished", _link_doxygen_docpages)
    app.add_directive("libuv-xref", LibuvXref)
    return extension_metadata()
