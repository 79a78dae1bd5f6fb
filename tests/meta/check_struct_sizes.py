#!/usr/bin/python3
"""Checks what the README and the facts page say about struct layouts.

    check_struct_sizes.py LIBUV_PROBE UVREF_PROBE README.md docs/libuv-facts.md

The two probes are layout_probe.c built against Debian's uv.h and against
uvref's. A type is the same "byte for byte" when its size and every field
offset the probe prints are equal. The README's block between
`<!-- struct-layouts -->` and `<!-- /struct-layouts -->` must list exactly
those types before the word "Different", and exactly the others after it,
each as `TYPE` (UVREF_SIZE bytes; libuv's LIBUV_SIZE) or (UVREF; LIBUV). In
the facts page, between `% libuv-sizes` and `% /libuv-sizes`, each `TYPE`
followed by a number must give libuv's size. Exits 1 on any mismatch.
"""
import re
import subprocess
import sys
from typing import Dict


def layout(probe: str) -> Dict[str, Dict[str, str]]:
    out: Dict[str, Dict[str, str]] = {}
    text = subprocess.run([probe], check=True, capture_output=True, text=True).stdout
    for line in text.splitlines():
        key, value = line.rsplit(" ", 1)
        typ = key.split(" ")[0].split(".")[0]
        out.setdefault(typ, {})[key] = value
    return out


def block(path: str, begin: str, end: str) -> str:
    text = open(path, encoding="utf-8").read()
    m = re.search(re.escape(begin) + r"(.*?)" + re.escape(end), text, re.S)
    if not m:
        sys.exit(f"{path}: no {begin} ... {end} block")
    return m.group(1)


def main() -> int:
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    libuv, uvref = layout(sys.argv[1]), layout(sys.argv[2])
    readme, facts = sys.argv[3], sys.argv[4]
    errors = []
    if set(libuv) != set(uvref):
        errors.append(f"the probes print different types: {sorted(set(libuv) ^ set(uvref))}")
    same = {t for t in libuv if libuv[t] == uvref.get(t)}
    differ = set(libuv) - same

    claim = block(readme, "<!-- struct-layouts -->", "<!-- /struct-layouts -->")
    if "Different" not in claim:
        errors.append(f"{readme}: the layout block has no 'Different' part")
        claim += "Different"
    same_part, differ_part = claim.split("Different", 1)
    said_same = set(re.findall(r"`(uv_\w+_t)`", same_part))
    said_differ = {}
    for typ, ours, theirs in re.findall(r"`(uv_\w+_t)`\s*\((\d+)[^;)]*;[^\d)]*(\d+)\)", differ_part):
        said_differ[typ] = (ours, theirs)
    for typ in sorted(said_same - same):
        errors.append(f"{readme}: says {typ} is byte for byte libuv's; the probes disagree")
    for typ in sorted(same - said_same):
        errors.append(f"{readme}: {typ} is byte for byte libuv's but is not listed as such")
    for typ in sorted(differ ^ set(said_differ)):
        errors.append(f"{readme}: {typ} is {'not ' if typ in same else ''}different, "
                      f"the 'Different' list says otherwise")
    for typ, (ours, theirs) in sorted(said_differ.items()):
        if typ in uvref and (uvref[typ][f"{typ} size"], libuv[typ][f"{typ} size"]) != (ours, theirs):
            errors.append(f"{readme}: {typ} is {uvref[typ][f'{typ} size']} bytes in uvref and "
                          f"{libuv[typ][f'{typ} size']} in libuv, not {ours} and {theirs}")

    sizes = block(facts, "% libuv-sizes", "% /libuv-sizes")
    quoted = re.findall(r"`(uv_\w+_t)`\D*?(\d+)", sizes)
    if not quoted:
        errors.append(f"{facts}: the libuv-sizes block quotes no size")
    for typ, n in quoted:
        real = libuv.get(typ, {}).get(f"{typ} size")
        if real != n:
            errors.append(f"{facts}: says libuv's {typ} is {n} bytes; it is {real}")

    for e in errors:
        print(e)
    print(f"{len(same)} types byte for byte libuv 1.44.2's, {len(differ)} different "
          f"({', '.join(sorted(differ))}); {len(quoted)} libuv sizes quoted: "
          f"{len(errors)} error(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
