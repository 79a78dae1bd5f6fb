#!/usr/bin/env python3
"""The differences page lists exactly the libuv 1.44 functions uvref lacks.

Reads every UV_EXTERN function name from Debian's /usr/include/uv.h (and
uv/*.h) and from uvref's src/include/uv.h, and the names written as `uv_*()`
in the section "Not yet in uvref" of docs/differences.md. The section must
name every missing function, and nothing uvref has: adding a function to
uv.h without updating the page fails this test, so the list cannot go stale.

usage: check_api_coverage.py <libuv include dir> <uvref uv.h> <differences.md>
"""
import glob
import os
import re
import sys


def exported(paths):
    names = set()
    for path in paths:
        text = open(path).read()
        text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
        for decl in re.findall(r"UV_EXTERN\b(.*?);", text, flags=re.S):
            m = re.search(r"\b(uv_[a-z0-9_]+)\s*\(", decl)
            if m:
                names.add(m.group(1))
    return names


def main():
    libuv_dir, uvref_header, page = sys.argv[1:4]
    libuv = exported([os.path.join(libuv_dir, "uv.h")] + glob.glob(os.path.join(libuv_dir, "uv", "*.h")))
    uvref = exported([uvref_header])
    text = open(page).read()
    m = re.search(r"^## Not yet in uvref\n(.*?)(?=^## |\Z)", text, flags=re.S | re.M)
    if not m:
        print("FAIL: %s has no section '## Not yet in uvref'" % page)
        return 1
    listed = set(re.findall(r"`(uv_[a-z0-9_]+)\(\)`", m.group(1)))
    missing = libuv - uvref
    errors = []
    for name in sorted(missing - listed):
        errors.append("missing from uvref but not listed: %s" % name)
    for name in sorted(listed & uvref):
        errors.append("listed as missing but uvref has it: %s" % name)
    for name in sorted(listed - libuv):
        errors.append("listed but not a libuv 1.44 function: %s" % name)
    for e in errors:
        print("FAIL: " + e)
    if errors:
        return 1
    print("ok: libuv exports %d functions, uvref %d of them; the page lists the %d others"
          % (len(libuv), len(libuv & uvref), len(missing)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
