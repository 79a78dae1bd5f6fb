"""uvref's GDB extensions, by hand: `source walkthroughs/gdb/uvref_gdb.py`.

Programs linked against uvref load them by themselves when GDB's auto-load
safe-path allows it (docs/walkthroughs/gdb-extensions.md); this file is for a GDB
that refuses, or for a program that does not link uvref. Sourcing it twice is harmless.
"""
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__ if "__file__" in globals() else "walkthroughs/gdb/uvref_gdb.py"))
if _here not in sys.path:
    sys.path.insert(0, _here)

import uvrefgdb  # noqa: E402

uvrefgdb.install()
