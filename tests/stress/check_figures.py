#!/usr/bin/python3
"""Checks that the stress figures docs/tried.md shows are a recorded run's, and complete.

- every case of tests/stress/stress.cpp has a row in docs/stress_figures.tsv, and no row
  names a case that is gone;
- the async case has a row measured under ThreadSanitizer;
- every row has its descriptors after equal to before (nothing leaked);
- record.py parses the line stress.cpp prints (the same printf format);
- docs/tried.md shows the table from the file, not typed figures.
"""
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import record  # noqa: E402


def main(root):
    problems = []
    with open(os.path.join(root, "tests", "stress", "stress.cpp"), encoding="utf-8") as f:
        source = f.read()
    if record.FIGURE_FORMAT not in source:
        problems.append("stress.cpp does not print the FIGURE format record.py parses: " + record.FIGURE_FORMAT)
    for build in re.findall(r'kBuild = "([^"]+)"', source):
        if build not in record.BUILDS:
            problems.append(f"stress.cpp's build name '{build}' is not in record.py's BUILDS")
    cases = record.case_names(os.path.join(root, "tests", "stress", "stress.cpp"))
    if len(cases) < 6:
        problems.append(f"only {len(cases)} Figure cases found in stress.cpp")
    rows = record.read_table(os.path.join(root, "docs", "stress_figures.tsv"))
    for case in cases:
        if not any(r[0] == case for r in rows):
            problems.append(f"no recorded figure for the stress case '{case}' (run tests/stress/record.py)")
    async_case = [c for c in cases if c.startswith("async")]
    if not any(r[0] in async_case and r[1].startswith("ThreadSanitizer") for r in rows):
        problems.append("no figure of the async case under ThreadSanitizer")
    for r in rows:
        if len(r) != len(record.HEADER):
            problems.append(f"row with {len(r)} columns: {r}")
            continue
        if r[1] not in record.BUILDS:
            problems.append(f"unknown build '{r[1]}' in '{r[0]}'")
        if r[0] not in cases:
            problems.append(f"a figure for a case stress.cpp no longer has: '{r[0]}'")
        before, _, after = r[4].partition(" / ")
        if before != after:
            problems.append(f"descriptors {r[4]} in '{r[0]}' ({r[1]}): a leak was recorded")
        if not re.fullmatch(r"\d+\.\d\d s", r[3]):
            problems.append(f"time '{r[3]}' in '{r[0]}' is not as stress.cpp prints it")
    with open(os.path.join(root, "docs", "tried.md"), encoding="utf-8") as f:
        page = f.read()
    if ":file: stress_figures.tsv" not in page:
        problems.append("docs/tried.md does not show docs/stress_figures.tsv")
    for line in page.splitlines():
        if line.startswith("|") and re.search(r"\d+\.\d\d s", line):
            problems.append("docs/tried.md has a typed figure: " + line)
    for p in problems:
        print("check_figures:", p)
    print(f"check_figures: {len(cases)} cases, {len(rows)} recorded figures, {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
