#!/usr/bin/python3
"""Runs the stress binary and records its FIGURE lines in docs/stress_figures.tsv.

    tests/stress/record.py build/debug/tests/stress/uvref_stress [catch2 arguments...]
    tests/stress/record.py build/tsan/tests/stress/uvref_stress "[async]"

Each FIGURE line (printed by tests/stress/stress.cpp) replaces the table's row
for the same case and build, or is added; rows of other builds and cases stay.
Nothing is recorded if the run fails or a case did not finish. docs/tried.md
shows the table as it is, so the page's figures are always a real run's.
"""
import datetime
import os
import platform
import re
import subprocess
import sys

# The printf format of stress.cpp's Figure; check_figures.py checks that the two agree.
FIGURE_FORMAT = r'"FIGURE\t%s\t%s\t%s\t%.2f s\t%zu\t%zu\n"'
HEADER = ["case", "build", "figure", "time", "descriptors before / after", "recorded"]
HERE = os.path.dirname(os.path.abspath(__file__))
TABLE = os.path.join(HERE, "..", "..", "docs", "stress_figures.tsv")
SOURCE = os.path.join(HERE, "stress.cpp")


def case_names(source=SOURCE):
    """The cases of stress.cpp, in their order: the names their Figure objects print."""
    with open(source, encoding="utf-8") as f:
        return re.findall(r'Figure fig\("([^"]+)"\)', f.read())


def parse_figures(output):
    """(build, case, counts, time, before, after) for each FIGURE line of @p output."""
    figures = []
    for line in output.splitlines():
        cols = line.split("\t")
        if cols[0] != "FIGURE":
            continue
        if len(cols) != 7:
            raise ValueError("malformed FIGURE line: " + line)
        figures.append(tuple(cols[1:]))
    return figures


BUILDS = ["debug (-O0)", "optimised (release)", "AddressSanitizer (-O1)", "ThreadSanitizer (-O1)"]


def sort_rows(rows):
    """Rows by build (debug first), then in stress.cpp's order of cases."""
    order = case_names()

    def key(r):
        return (BUILDS.index(r[1]) if r[1] in BUILDS else len(BUILDS), order.index(r[0]) if r[0] in order else len(order))

    return sorted(rows, key=key)


def read_table(path):
    with open(path, encoding="utf-8") as f:
        rows = [line.rstrip("\n").split("\t") for line in f if line.strip()]
    if not rows or rows[0] != HEADER:
        raise ValueError(path + ": the first line must be the header " + "\t".join(HEADER))
    return rows[1:]


def machine():
    day = datetime.date.today().isoformat()
    return f"{day}, {os.cpu_count()} cores, Linux {platform.release().split('-')[0]}"


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    run = subprocess.run(argv[1:], capture_output=True, text=True)
    sys.stdout.write(run.stdout)
    sys.stderr.write(run.stderr)
    figures = parse_figures(run.stdout)
    if run.returncode != 0 or not figures:
        print(f"record.py: the run failed (status {run.returncode}) or printed no figure: nothing recorded",
              file=sys.stderr)
        return 1
    unfinished = [f for f in figures if f[2] == "did not finish"]
    if unfinished:
        print("record.py: a case did not finish: nothing recorded", file=sys.stderr)
        return 1
    rows = read_table(TABLE) if os.path.exists(TABLE) else []
    when = machine()
    for build, case, counts, seconds, before, after in figures:
        row = [case, build, counts, seconds, f"{before} / {after}", when]
        rows = [r for r in rows if (r[0], r[1]) != (case, build)]
        rows.append(row)
    rows = sort_rows(rows)
    with open(TABLE, "w", encoding="utf-8") as f:
        for r in [HEADER] + rows:
            f.write("\t".join(r) + "\n")
    print(f"record.py: {len(figures)} figure(s) written to docs/stress_figures.tsv")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
