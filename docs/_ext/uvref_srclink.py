"""Links from the site into Doxygen's HTML source browser.

* Each C/C++ signature Breathe renders gets a "[source]" link to the line
  where the symbol is defined (or declared, for the API in uv.h).
* `doxylink` nodes (made by other local extensions) become relative links
  to a file's source page.
* Inline code that is a source path (`src/stream/write_queue.cpp`, as on each
  unit page's **Source:** line) becomes a link to that file's source page.

Debian's sphinxcontrib-doxylink crashes on Sphinx 5.3 and sphinx.ext.linkcode
gets empty names for C/C++ here, hence this small extension.
"""
import re

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx


import uvref_doxyindex
from uvref_common import add_config, extension_metadata, setup_common


SOURCE_PATH = re.compile(r"^src/[\w/.-]+\.(?:h|cpp)$")


class doxylink(nodes.General, nodes.Inline, nodes.Element):
    """A link to `<doxygen html>/<target>`, made relative when the page is written."""


def _prefix(app: Sphinx, docname: str) -> str:
    uri = app.builder.get_target_uri(docname)
    return "../" * uri.count("/") + app.config.uvref_doxygen_html.rstrip("/") + "/"


def _symbol(sig: addnodes.desc_signature, domain: str) -> str:
    if domain == "c":
        for ident in sig.get("ids", []):
            if ident.startswith("c.") and "." not in ident[2:]:
                return ident[2:]
        return ""
    parts = [n.astext() for n in sig.findall(lambda n: isinstance(n, (addnodes.desc_addname,
                                                                      addnodes.desc_name)))]
    return "".join(parts).replace(" ", "")


def _inside_link(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, (nodes.reference, doxylink, nodes.literal_block, nodes.caption)):
            return True
        parent = parent.parent
    return False


def _link_source_paths(doctree: nodes.document, index) -> None:
    """`src/x/y.cpp` written as inline code (a page's **Source:** line, prose) links to its source page."""
    for lit in list(doctree.findall(nodes.literal)):
        path = lit.astext()
        if not SOURCE_PATH.match(path) or _inside_link(lit):
            continue
        page = index.source_page(path)
        if page:
            link = doxylink(target=page)
            lit.replace_self(link)
            link += lit


def _resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if app.builder.format != "html":
        for node in list(doctree.findall(doxylink)):
            node.replace_self(node.children or [nodes.Text("")])
        return
    prefix = _prefix(app, docname)
    index = uvref_doxyindex.get(app)
    _link_source_paths(doctree, index)
    for node in list(doctree.findall(doxylink)):
        ref = nodes.reference("", "", internal=False, refuri=prefix + node["target"],
                              classes=["uvref-doxylink"])
        ref += node.children
        node.replace_self(ref)

    for desc in doctree.findall(addnodes.desc):
        domain = desc.get("domain")
        if domain not in ("c", "cpp") or desc.get("objtype") in ("member", "enumerator", "var"):
            continue
        for sig in desc.findall(addnodes.desc_signature):
            name = _symbol(sig, domain)
            where = index.symbols.get(name)
            if not where:
                continue
            page = index.source_page(where[0], where[1])
            if not page:
                continue
            ref = nodes.reference("", "", internal=False, refuri=prefix + page,
                                  classes=["uvref-srclink"])
            ref += nodes.inline("", "[source]", classes=["viewcode-link"])
            sig += ref


def setup(app: Sphinx):
    setup_common(app)
    add_config(app, "uvref_doxygen_html", "doxygen", "html")
    app.add_node(doxylink)
    app.connect("doctree-resolved", _resolved)
    return extension_metadata()
