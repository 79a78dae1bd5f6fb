#!/usr/bin/env python3
"""Runs every GDB instruction written in the docs pages and source comments, in batch GDB.

    check_instructions.py ROOT BUILD_DIR                 check the tree
    check_instructions.py ROOT BUILD_DIR --fixtures DIR  prove the check can fail (see below)

Sessions and loose instructions are found by sessions.py (the convention is in its
header and on docs/walkthroughs/gdb-extensions.md). A session's program path starts
with build/debug/, which means BUILD_DIR. Each session runs in its own GDB, with a
clean descriptor table, the extensions auto-loaded, and pending breakpoints off, so
`break no_such_function` is an error. The first failing command of a session fails
it: `path:line: command: reason`. A loose instruction fails too.

With --fixtures, only DIR is scanned, and the result must be exactly what the
fixtures say: every command whose comment says "must fail" fails, every loose
instruction is reported, and everything else passes.
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import sessions as S  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
SUFFIXES = (".md", ".cpp", ".c", ".h", ".S.in")
SKIPPED = ("shell",)  # host commands: not GDB instructions, and they depend on the machine


def files(root, dirs, exclude):
    for d in dirs:
        for base, subdirs, names in os.walk(os.path.join(root, d)):
            subdirs[:] = sorted(s for s in subdirs if os.path.join(base, s) not in exclude)
            for name in sorted(names):
                if name.endswith(SUFFIXES):
                    yield os.path.join(base, name)


def run(session, build, root):
    """[(line, 'ok' | 'FAIL reason')] for one session."""
    prog = session.argv[0]
    marker = "build/debug/"
    if marker not in prog:
        return [(session.line, "FAIL the program must be named as build/debug/...: %s" % prog)]
    path = os.path.join(build, prog.split(marker, 1)[1])
    if not os.path.exists(path):
        return [(session.line, "FAIL no such program (not built?): %s" % prog)]
    commands = [(c.line, c.text, c.expect) for c in session.commands if c.text.split()[:1] != list(SKIPPED)]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(commands, f)
    try:
        proc = subprocess.run(
            ["gdb", "-q", "-batch", "-nx", "-iex", "add-auto-load-safe-path " + build,
             "-iex", "set pagination off", "-iex", "set confirm off", "-iex", "set breakpoint pending off",
             "-x", os.path.join(HERE, "run_session.py"), "--args", path] + session.argv[1:],
            cwd=root, env=dict(os.environ, UVREF_GDB_SESSION=f.name), stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, timeout=120)
        out = proc.stdout
    except subprocess.TimeoutExpired:
        out = ""
    finally:
        os.unlink(f.name)
    results = []
    said = [line for line in out.splitlines() if not line.startswith("RESULT ")]
    for line in out.splitlines():
        if line.startswith("RESULT "):
            _, n, verdict = line.split(" ", 2)
            if verdict.startswith("FAIL") and said:  # what the program said last tells why
                verdict += " (last output: " + " | ".join(said[-3:]) + ")"
            results.append((int(n), verdict))
    if not any(v.startswith("FAIL") for _, v in results) and len(results) < len(commands):
        n = commands[len(results)][0]
        results.append((n, "FAIL GDB stopped here: " + " | ".join(out.strip().splitlines()[-3:])))
    return results


def main():
    args = sys.argv[1:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    if not shutil.which("gdb"):
        print("SKIP: gdb not installed (apt-get install gdb)")
        return 77
    root, build = os.path.abspath(args[0]), os.path.abspath(args[1])
    fixtures = os.path.abspath(args[3]) if args[2:3] == ["--fixtures"] else None
    if fixtures:
        found = list(files(fixtures, ["."], set()))
    else:
        found = list(files(root, ["docs", "src", "walkthroughs"], {os.path.join(HERE, "fixtures")}))
    all_sessions, all_loose = [], []
    for path in found:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        sessions, loose = S.parse(os.path.relpath(path, root), text)
        all_sessions += sessions
        all_loose += loose
    start = time.monotonic()
    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(lambda s: (s, run(s, build, root)), all_sessions))
    failures = []
    commands = instructions = 0
    by_line = {}
    for session, results in outcomes:
        texts = {c.line: c.text for c in session.commands}
        for n, verdict in results:
            by_line[(session.path, n)] = verdict
            if verdict == "ok":
                commands += 1
                instructions += bool(S.INSTRUCTION.match(texts.get(n, "")))
            else:
                failures.append("%s:%d: %s: %s" % (session.path, n, texts.get(n, "gdb"), verdict[5:]))
    failures += ["%s:%d: loose GDB instruction `%s`: write it in a session (gdb PROGRAM, then (gdb) lines)"
                 % (l.path, l.line, l.text) for l in all_loose]
    for line in failures:
        print(line)
    print("%d sessions in %d files: %d commands ran, %d of them instructions (break/catch/watch/p/x...), "
          "%d failures, %.1f s" % (len(all_sessions), len({s.path for s in all_sessions}), commands,
                                   instructions, len(failures), time.monotonic() - start))
    if not fixtures:
        return 1 if failures else 0
    # Fixture mode: the failures must be exactly the ones the fixtures announce.
    want = {(s.path, c.line) for s in all_sessions for c in s.commands if "must fail" in c.note}
    want |= {(l.path, l.line) for l in all_loose}
    got = {tuple(f.split(":")[:2]) for f in failures}
    got = {(p, int(n)) for p, n in got}
    if want == got and all_sessions:
        print("fixtures: every announced failure was caught, nothing else failed")
        return 0
    print("fixtures: expected failures at %s, got %s" % (sorted(want), sorted(got)))
    return 1


if __name__ == "__main__":
    sys.exit(main())
