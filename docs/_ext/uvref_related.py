"""Unit pages, exercises and walkthroughs link each other, computed from what they show.

Nothing here is typed in a page, so the links cannot drift:

* an exercise belongs to the unit pages that show (with {unit-code}) a region
  its exercise.toml blanks: same file, same marker;
* a walkthrough belongs to the unit pages whose excerpts define a function its
  transcript (walkthroughs/NAME/expected.txt, replayed by CTest) stops in, in
  the same file.

Each unit page ends with its exercises and walkthroughs; each exercise and
walkthrough page ends with its unit pages.
"""
import glob
import os
import re
from typing import Dict, List, Set, Tuple

from docutils import nodes
from sphinx.application import Sphinx

from uvref_common import extension_metadata, setup_common, source_root
from uvref_unitcode import RegionError, extract_region, region_names

STOP = re.compile(r"^(?:#\d+\s+)?(?:Thread .*? hit )?(?:(?:Temporary b|B)reakpoint [\d.]+, )?(\S.*?) \(.*\) at ([\w.+-]+)$")


def walkthrough_stops(path: str) -> Set[Tuple[str, str]]:
    """(function, file basename) of every frame a transcript shows."""
    stops = set()
    with open(path, encoding="utf-8") as f:
        for line in f:
            m = STOP.match(line.rstrip("\n"))
            if m:
                stops.add((m.group(1).split("::")[-1], m.group(2)))
    return stops


def _exercise_regions(root: str) -> Dict[str, Set[Tuple[str, str]]]:
    import sys
    path = os.path.join(root, "walkthroughs", "exercises")
    if path not in sys.path:
        sys.path.insert(0, path)
    from exkit import spec  # noqa: E402
    return {ex.name: {(r.file, r.name) for r in ex.regions} for ex in spec.load_all(root)}


def _compute(app: Sphinx, env) -> List[str]:
    root = source_root(app)
    units: Dict[str, List[Tuple[str, str]]] = getattr(env, "uvref_unit_code", {})
    exercises = {f"exercises/{n}": regions for n, regions in _exercise_regions(root).items()
                 if f"exercises/{n}" in env.found_docs}
    walkthroughs = {}
    for expected in sorted(glob.glob(os.path.join(root, "walkthroughs", "*", "expected.txt"))):
        name = os.path.basename(os.path.dirname(expected))
        if f"walkthroughs/{name}" in env.found_docs:
            walkthroughs[f"walkthroughs/{name}"] = walkthrough_stops(expected)
    practice: Dict[str, List[str]] = {}
    pages_of: Dict[str, List[str]] = {}
    for docname in sorted(units):
        if docname in exercises or docname in walkthroughs:
            continue
        found = []
        for rel, marker in units[docname]:
            if not rel.startswith("src/"):
                continue
            for ex, regions in exercises.items():
                if (rel, marker) in regions and ex not in found:
                    found.append(ex)
            try:
                lines, _first = extract_region(os.path.join(root, rel), marker)
            except RegionError:
                continue  # {unit-code} itself reports it
            names = {n[:-2] for n in region_names(lines) if n.endswith("()")}
            base = os.path.basename(rel)
            for wt, stops in walkthroughs.items():
                if wt not in found and any(f in names and b == base for f, b in stops):
                    found.append(wt)
        if found:
            practice[docname] = found
            for other in found:
                pages_of.setdefault(other, []).append(docname)
    before = (getattr(env, "uvref_practice", {}), getattr(env, "uvref_pages_of", {}))
    env.uvref_practice = practice
    env.uvref_pages_of = pages_of
    # Pages whose links changed must be written again even if their source did not.
    return sorted(d for old, new in zip(before, (practice, pages_of))
                  for d in set(old) | set(new) if old.get(d) != new.get(d))


def _links(app: Sphinx, env, here: str, targets: List[str]) -> nodes.paragraph:
    para = nodes.paragraph()
    for i, docname in enumerate(targets):
        if i:
            para += nodes.Text("; ")
        title = env.titles[docname].astext() if docname in env.titles else docname
        ref = nodes.reference("", "", internal=True,
                              refuri=app.builder.get_relative_uri(here, docname),
                              classes=["uvref-related"])
        ref += nodes.inline(title, title)
        para += ref
    return para


def _resolved(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    env = app.env
    blocks = []
    practice = getattr(env, "uvref_practice", {}).get(docname, [])
    exercises = [d for d in practice if d.startswith("exercises/")]
    walks = [d for d in practice if d.startswith("walkthroughs/")]
    if exercises:
        blocks.append(("Exercise on this code" if len(exercises) == 1 else "Exercises on this code", exercises))
    if walks:
        blocks.append(("Walkthrough through this code in GDB" if len(walks) == 1
                       else "Walkthroughs through this code in GDB", walks))
    pages = getattr(env, "uvref_pages_of", {}).get(docname, [])
    if pages:
        blocks.append(("The code's own pages" if docname.startswith("walkthroughs/")
                       else "The pages of the code it blanks", pages))
    if not blocks:
        return
    section = next(iter(doctree.findall(nodes.section)), None)
    if section is None:
        return
    container = nodes.container(classes=["uvref-related-box"])
    for title, targets in blocks:
        container += nodes.rubric(title, title)
        container += _links(app, env, docname, targets)
    section += container


def setup(app: Sphinx):
    setup_common(app)
    app.connect("env-updated", _compute)
    app.connect("doctree-resolved", _resolved)
    return extension_metadata()
