#!/usr/bin/python3
"""The README's excerpt of the tour's output is what the tour prints.

    check_readme_tour.py UVREF_TOUR README.md

Runs the tour and checks that the lines of the README's ```text block (the one
that follows the sentence about uvref-tour), "..." aside, appear in its output
in the same order. Descriptor numbers are compared as printed, so the tour
runs with only stdin, stdout and stderr open, as a fresh program would.
"""
import re
import subprocess
import sys


def main() -> int:
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    tour, readme = sys.argv[1], sys.argv[2]
    text = open(readme, encoding="utf-8").read()
    m = re.search(r"uvref-tour.*?```text\n(.*?)```", text, re.S)
    if not m:
        sys.exit(f"{readme}: no ```text excerpt after the mention of uvref-tour")
    wanted = [l.rstrip() for l in m.group(1).splitlines() if l.strip() and l.strip() != "..."]
    out = subprocess.run([tour], check=True, capture_output=True, text=True, close_fds=True,
                         stdin=subprocess.DEVNULL).stdout
    got = [l.rstrip() for l in out.splitlines()]
    norm = lambda s: " ".join(s.split())
    i = 0
    for line in wanted:
        while i < len(got) and norm(got[i]) != norm(line):
            i += 1
        if i == len(got):
            print(f"{readme}: the tour does not print, at this point: {line!r}")
            print("tour output:\n" + out)
            return 1
        i += 1
    print(f"{len(wanted)} README lines found in the tour's output, in order")
    return 0


if __name__ == "__main__":
    sys.exit(main())
