"""Links to libuv's own documentation site, checked against libuv 1.44.2's pages.

{libuv-doc}`pipe` links libuv's page docs/src/pipe.rst as the site serves it
(`<uvref_libuv_docs>pipe.html`, titled as libuv titles it); {libuv-doc}`pipe#uv_pipe_open`
links one entry (`#c.uv_pipe_open`). Each API signature Breathe renders also
gets a "[libuv]" link to its entry, when libuv's pages document that name.

Which pages exist and what each documents comes from
tests/meta/libuv-1.44.2-docpages.txt (made from libuv 1.44.2's docs/src by
tests/meta/gen_libuv_docpages.py): a page or a name not in it is an error, so a
link never points at a page libuv 1.44 does not have. The site itself is not
fetched (the build is offline); the test meta.libuv_doc_links checks that
every such URL in the tree has the one form built here.
"""
import os
import sys
from typing import Dict, List, Tuple

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxRole

from uvref_common import add_config, extension_metadata, setup_common, source_root

# libuv publishes its documentation of the v1.x branch here; entries added
# after 1.44 carry a "New in version" note on the page itself.
LIBUV_DOCS = "https://docs.libuv.org/en/v1.x/"
PAGES_LIST = "tests/meta/libuv-1.44.2-docpages.txt"

_cache: Dict[str, Tuple[Dict[str, str], Dict[str, str]]] = {}


def pages(app: Sphinx) -> Tuple[Dict[str, str], Dict[str, str]]:
    """(page -> title, documented name -> page), read once per build (the test's own reader)."""
    path = os.path.join(source_root(app), PAGES_LIST)
    if path not in _cache:
        meta = os.path.dirname(path)
        if meta not in sys.path:
            sys.path.insert(0, meta)
        import check_libuv_doc_links  # noqa: E402
        _cache[path] = check_libuv_doc_links.load(path)
    return _cache[path]


def url(app: Sphinx, page: str, name: str = "") -> str:
    return f"{app.config.uvref_libuv_docs}{page}.html" + (f"#c.{name}" if name else "")


class LibuvDocRole(SphinxRole):
    def run(self) -> Tuple[List[nodes.Node], List[nodes.system_message]]:
        page, _, name = self.text.strip().partition("#")
        titles, where = pages(self.env.app)
        if page not in titles:
            msg = self.inliner.reporter.error(
                f"libuv-doc: libuv 1.44.2 has no documentation page '{page}' (see {PAGES_LIST})",
                line=self.lineno)
            return [], [msg]
        if name and where.get(name) != page:
            msg = self.inliner.reporter.error(
                f"libuv-doc: libuv 1.44.2's page '{page}' does not document '{name}' "
                f"({'it is on ' + where[name] if name in where else 'no page does'})", line=self.lineno)
            return [], [msg]
        text = f"{name}()" if name else titles[page]
        ref = nodes.reference(text, "", refuri=url(self.env.app, page, name),
                              classes=["uvref-libuv-doc"])
        ref += nodes.emphasis(text, text) if not name else nodes.literal(text, text)
        return [ref], []


def _signature_links(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """A "[libuv]" link after each C signature whose name libuv's pages document."""
    if app.builder.format != "html":
        return
    _titles, where = pages(app)
    for desc in doctree.findall(addnodes.desc):
        if desc.get("domain") not in ("c", "cpp"):
            continue
        for sig in desc.findall(addnodes.desc_signature):
            names = [n.astext() for n in sig.findall(addnodes.desc_name)]
            name = names[0].strip() if names else ""
            page = where.get(name)
            if not page:
                continue
            ref = nodes.reference("", "", refuri=url(app, page, name), classes=["uvref-libuv-doc"])
            ref += nodes.inline("", "[libuv]", classes=["viewcode-link"])
            sig += ref


def setup(app: Sphinx):
    setup_common(app)
    add_config(app, "uvref_libuv_docs", LIBUV_DOCS, "env")
    app.add_role("libuv-doc", LibuvDocRole())
    app.connect("doctree-resolved", _signature_links)
    return extension_metadata()
