#!/usr/bin/python3
"""Fails if a foundation file includes a header from a layer above it.

    check_layers.py SRC_DIR

The foundation is sys/ (the syscall seam), core/ (handles, requests, the I/O
watchers, uv_run's phases) and the public header. A core/ file may include
only core/, sys/ and uv.h; a sys/ file only sys/ and uv.h. Where core/ must
reach a layer above, it declares the function in core/hooks.h and the layer
above defines it. Prints each offending include and exits 1.
"""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from include_graph import file_includes  # noqa: E402

ALLOWED = {
    "core": {"core", "sys", "include"},
    "sys": {"sys", "include"},
}


def main() -> int:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    src = sys.argv[1]
    bad = checked = 0
    for rel, inc, line, target in file_includes(src):
        layer = rel.split(os.sep, 1)[0]
        if layer not in ALLOWED:
            continue
        checked += 1
        if target not in ALLOWED[layer]:
            print(f"src/{rel}:{line}: includes \"{inc}\" ({target}/ is above {layer}/)")
            bad += 1
    if checked == 0:
        print(f"no core/ or sys/ includes found under {src}: wrong directory?")
        return 1
    print(f"{checked} includes of core/ and sys/ checked, {bad} point upward")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
