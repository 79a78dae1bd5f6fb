"""What Doxygen knows about each file and symbol, read from its XML.

Used to link the site into Doxygen's HTML source browser (which lives in the
site's doxygen/ directory): a source file's page is `<file id>_source.html`,
and line N of it has the anchor `l000NN` (five digits).
"""
import os
import xml.etree.ElementTree as ET
from typing import Dict, Optional, Tuple

from sphinx.application import Sphinx

_cache: Dict[str, "DoxyIndex"] = {}


class DoxyIndex:
    def __init__(self, xml_dir: str, root: str):
        self.files: Dict[str, str] = {}             # repo-relative path -> file compound id
        self.symbols: Dict[str, Tuple[str, int]] = {}  # qualified name -> (repo path, line)
        index = os.path.join(xml_dir, "index.xml")
        self.index_path = index
        if not os.path.exists(index):
            return
        for compound in ET.parse(index).getroot():
            if compound.get("kind") != "file":
                continue
            refid = compound.get("refid")
            path = os.path.join(xml_dir, refid + ".xml")
            try:
                tree = ET.parse(path).getroot()
            except (OSError, ET.ParseError):
                continue
            cdef = tree.find("compounddef")
            loc = cdef.find("location") if cdef is not None else None
            if loc is None:
                continue
            rel = self._rel(loc.get("file"), root)
            self.files[rel] = refid
            for member in cdef.iter("memberdef"):
                self._add_member(member, root)
        # Members of namespaces and classes (C++ units) live in other compounds.
        for compound in ET.parse(index).getroot():
            if compound.get("kind") in ("namespace", "class", "struct"):
                path = os.path.join(xml_dir, compound.get("refid") + ".xml")
                try:
                    tree = ET.parse(path).getroot()
                except (OSError, ET.ParseError):
                    continue
                for cdef in tree.iter("compounddef"):
                    name = cdef.findtext("compoundname") or ""
                    loc = cdef.find("location")
                    if loc is not None and name:
                        self.symbols.setdefault(name, (self._rel(loc.get("file"), root),
                                                       int(loc.get("line") or 1)))
                    for member in cdef.iter("memberdef"):
                        self._add_member(member, root, prefix=name + "::")

    @staticmethod
    def _rel(path: Optional[str], root: str) -> str:
        path = path or ""
        if os.path.isabs(path):
            path = os.path.relpath(path, root)
        # STRIP_FROM_PATH makes locations repo-relative already.
        return path.replace(os.sep, "/")

    def _add_member(self, member, root: str, prefix: str = "") -> None:
        name = member.findtext("name")
        loc = member.find("location")
        if not name or loc is None:
            return
        # Prefer the definition (the body) over a declaration.
        file = loc.get("bodyfile") or loc.get("file")
        line = loc.get("bodystart") or loc.get("line")
        if not file or not line or int(line) <= 0:
            file, line = loc.get("file"), loc.get("line")
        self.symbols.setdefault(prefix + name, (self._rel(file, root), int(line or 1)))

    def source_page(self, rel: str, line: Optional[int] = None) -> Optional[str]:
        """'uv_8h_source.html#l00042' for a repo path, or None if Doxygen has no page."""
        refid = self.files.get(rel)
        if refid is None:
            return None
        return f"{refid}_source.html" + (f"#l{line:05d}" if line else "")


def get(app: Sphinx) -> DoxyIndex:
    xml_dir = app.config.breathe_projects.get("internals", "")
    root = os.path.abspath(app.config.uvref_source_root)
    key = os.path.abspath(xml_dir)
    index = os.path.join(key, "index.xml")
    stamp = os.path.getmtime(index) if os.path.exists(index) else 0
    cached = _cache.get(key)
    if cached is None or cached.stamp != stamp:
        cached = DoxyIndex(key, root)
        cached.stamp = stamp
        _cache[key] = cached
    return cached
