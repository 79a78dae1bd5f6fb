"""The include graph of src/, by directory: who includes whom.

Shared by tests/meta/check_layers.py (core/ includes nothing from above it)
and the docs' architecture page (docs/_ext/uvref_architecture.py), which
draws it, so the drawing and the check read the same includes.

A directory of src/ is a node; `#include "pipe/pipe.h"` in src/stream/x.cpp
is an edge stream -> pipe. The public header (`"uv.h"`, `"uv/..."`) is the
node `include`.
"""
import os
import re
from typing import Dict, List, Set, Tuple

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
SOURCE_SUFFIXES = (".cpp", ".h", ".c", ".in")


def directory_of(include: str) -> str:
    """The src/ directory an include names ("uv.h" and "uv/..." are the public header)."""
    if "/" not in include or include.startswith("uv/"):
        return "include"
    return include.split("/", 1)[0]


def file_includes(src_root: str) -> List[Tuple[str, str, int, str]]:
    """(file relative to src_root, included path, line, target directory) for every quoted include."""
    found = []
    for top, dirs, files in os.walk(src_root):
        dirs.sort()
        for name in sorted(files):
            if not name.endswith(SOURCE_SUFFIXES):
                continue
            path = os.path.join(top, name)
            rel = os.path.relpath(path, src_root)
            with open(path, encoding="utf-8") as f:
                text = f.read()
            for m in INCLUDE.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                found.append((rel, m.group(1), line, directory_of(m.group(1))))
    return found


def directory_edges(src_root: str) -> Dict[str, Set[str]]:
    """Directory -> the other directories its files include (every directory is a key)."""
    edges: Dict[str, Set[str]] = {}
    for entry in sorted(os.listdir(src_root)):
        if os.path.isdir(os.path.join(src_root, entry)):
            edges.setdefault(entry, set())
    for rel, _inc, _line, target in file_includes(src_root):
        source = rel.split(os.sep, 1)[0] if os.sep in rel else "."
        if source != target and source != ".":
            edges.setdefault(source, set()).add(target)
            edges.setdefault(target, set())
    return edges
