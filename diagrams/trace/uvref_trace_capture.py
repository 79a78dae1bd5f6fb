#!/usr/bin/env python3
"""Runs a uvref program with UVREF_TRACE (JSON lines) and writes the trace for a docs page.

    uvref_trace_capture.py --out FILE --docs DIR [--parts P,Q] [--head N] [--skip CALLS] -- PROGRAM [ARGS...]

The program runs with only stdio open, its trace going to a temporary file as JSON
lines (UVREF_TRACE_FORMAT=json), filtered to --parts if given. Every line must
parse, and every docs page a line names must exist as DIR/<page>.md: the build
fails otherwise. The output is the text form of the trace, with process and
thread ids renumbered in order of appearance (P1, P2..., T2...) so it reads the
same on every build (a fork() result names the child the same way), and so are the
addresses of the loops and handles that owners name (L1, L2... for loops, H1, H2...
for handles, per process: "loop 0x55d0c3a2b2c0" becomes "loop L1"); --head keeps
the first N lines of each call in each process, --skip leaves out calls by name,
and the lines left out are counted per process and call.
"""

import argparse
import collections
import json
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import captured_run  # noqa: E402


def relabel(rec, names):
    """Replaces the loop and handle addresses in the owner with names stable from run to run."""
    owner = rec["owner"]
    for key, prefix in (("loop", "L"), ("handle", "H")):
        address = rec.get(key)
        if address is None or owner is None:
            continue
        counter = names.setdefault(prefix, {})
        name = counter.setdefault((rec["pid"], address), "%s%d" % (prefix, len(counter) + 1))
        owner = re.sub(re.escape(address) + r"\b", name, owner)
    rec["owner"] = owner


def render(rec, pids, tids):
    pid = pids.setdefault(rec["pid"], "P%d" % (len(pids) + 1))
    who = pid
    if rec["tid"] != rec["pid"]:
        who += "/" + tids.setdefault(rec["tid"], "T%d" % (len(tids) + 2))
    site = "%s:%d %s" % (rec["unit"], rec["line"], rec["function"])
    if rec["result"] is None:
        result = "?"
    elif rec["call"] == "fork" and rec["result"] > 0:
        result = pids.setdefault(rec["result"], "P%d" % (len(pids) + 1))  # the child, by its name here
    elif rec["error"] is None:
        result = str(rec["result"])
    else:
        result = "-1 " + rec["error"] + (" (injected)" if rec["injected"] else "")
    if rec["detail"]:
        result += " " + rec["detail"]
    line = "%-6s %-9s %-52s %s = %s" % (who, rec["part"], site, rec["text"], result)
    if rec["owner"]:
        line += "  -> " + rec["owner"]
    if rec["docs"]:
        line += "  docs: " + rec["docs"]
    return line


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--docs", required=True)
    ap.add_argument("--parts", default="1")
    ap.add_argument("--head", type=int, default=0)
    ap.add_argument("--skip", default="", help="calls to count but not show (rt_sigaction,...)")
    ap.add_argument("command", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    command = captured_run.program(ap, a.command)

    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "trace.jsonl")
        env = dict(os.environ, UVREF_TRACE="%s,%s" % (a.parts, path), UVREF_TRACE_FORMAT="json")
        captured_run.run("uvref_trace_capture", command, env=env, timeout=120)
        records = []
        with open(path, encoding="utf-8") as f:
            for n, text in enumerate(f, 1):
                try:
                    records.append(json.loads(text))
                except ValueError as e:
                    sys.exit("uvref_trace_capture: line %d is not JSON (%s): %r" % (n, e, text))
    if not records:
        sys.exit("uvref_trace_capture: %s printed no trace line" % command[0])
    for rec in records:
        if rec["docs"] and not os.path.isfile(os.path.join(a.docs, rec["docs"] + ".md")):
            sys.exit("uvref_trace_capture: docs: %s (from %s) is not a page" % (rec["docs"], rec["unit"]))

    # The program's own directory differs between trees: its files are named without it.
    here = os.path.dirname(os.path.realpath(command[0])) + "/"
    for rec in records:
        rec["text"] = rec["text"].replace(here, "")
    pids, tids, names = {}, {}, {}
    for rec in records:
        relabel(rec, names)
    shown = collections.Counter()
    left = collections.OrderedDict()
    lines = []
    for rec in records:
        pid = pids.setdefault(rec["pid"], "P%d" % (len(pids) + 1))
        if (a.head and shown[pid, rec["call"]] >= a.head) or rec["call"] in a.skip.split(","):
            left.setdefault(pid, collections.Counter())[rec["call"]] += 1
            continue
        shown[pid, rec["call"]] += 1
        lines.append(render(rec, pids, tids))
    for pid, calls in left.items():
        lines.append("%-6s ... and %d more lines: %s" % (
            pid, sum(calls.values()), ", ".join("%s %d" % c for c in calls.most_common())))
    captured_run.write_whole(a.out, "\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
