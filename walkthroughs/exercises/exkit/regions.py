"""Regions of a unit file: the lines between `// [docs:NAME]` and `// [/docs:NAME]`.

The markers are the ones the docs already use to show code. A starter is the
reference with each region's body replaced by the stub from exercise.toml;
the marker lines stay, so a starter can be graded, reset and re-blanked.
"""
import re


class RegionError(Exception):
    pass


def _find(text, name):
    """(start, end) character offsets of the region's body (between the marker lines)."""
    open_re = re.compile(r"^[ \t]*// \[docs:" + re.escape(name) + r"\][^\n]*\n", re.M)
    close_re = re.compile(r"^[ \t]*// \[/docs:" + re.escape(name) + r"\][^\n]*$", re.M)
    opens = list(open_re.finditer(text))
    if len(opens) != 1:
        raise RegionError(f"marker // [docs:{name}] found {len(opens)} times (need exactly 1)")
    close = close_re.search(text, opens[0].end())
    if close is None:
        raise RegionError(f"marker // [/docs:{name}] missing after // [docs:{name}]")
    return opens[0].end(), close.start()


def body(text, name):
    """The region's body, marker lines excluded."""
    start, end = _find(text, name)
    return text[start:end]


def replace_body(text, name, new_body):
    """text with the region's body replaced by new_body (a newline is added if missing)."""
    if new_body and not new_body.endswith("\n"):
        new_body += "\n"
    start, end = _find(text, name)
    return text[:start] + new_body + text[end:]


def mutate(text, name, old, new):
    """Replaces the one occurrence of old inside the region's body by new (a known-wrong solution)."""
    b = body(text, name)
    if b.count(old) != 1:
        raise RegionError(f"known-wrong mutation: {old!r} occurs {b.count(old)} times in region {name}"
                          " (need exactly 1)")
    return replace_body(text, name, b.replace(old, new))
