#!/usr/bin/env python3
"""Replays a GDB walkthrough in batch mode and compares its transcript with the expected one.

    replay.py SCRIPT.gdb PROGRAM EXPECTED.txt [--update]

The transcript is normalised first, so that it does not rot with every edit:
source line numbers, process ids and GDB's host-dependent notices are removed.
Also rewritten: thread identities in GDB's "[Switching to Thread 0x7ffff7a1d6c0
(LWP 25398)]" (an address and a kernel thread id: "Thread TID"), and the
syscall number in "Catchpoint 1 (syscall 'kill' [62])", which is the
architecture's (62 on x86-64, 129 on arm64).
The docs page shows EXPECTED.txt itself, so what the page says GDB prints is
what this test checks GDB prints.

Process ids appear in GDB's notices ("(process 1234)"), where a library
function takes one, as a frame argument ("pid=1234", e.g. read_exec_result in
uv_spawn), and in the uv_process_t printer ("pid = 1234"): all become PID.

GDB runs with a clean descriptor table (numbers start at 3 wherever the test runs)
and with PROGRAM's build directory on its auto-load safe-path, so uvref's GDB
extensions (walkthroughs/gdb/) load with the program as the pages tell readers to
let them. Without GDB the test is skipped (exit 77) and says why.
"""
import difflib
import os
import re
import shutil
import subprocess
import sys

DROP = (
    re.compile(r"^\[Thread debugging using libthread_db enabled\]"),
    re.compile(r"^Using host libthread_db library"),
    re.compile(r"^\[New Thread "),
    re.compile(r"^\[Thread .* exited\]"),
    re.compile(r"^\[Detaching after (fork|vfork) "),
)


def normalise(text: str) -> str:
    out = []
    for line in text.splitlines():
        if any(p.search(line) for p in DROP):
            continue
        line = re.sub(r"^\d+\t", "", line)                      # "78\t  code" -> "  code"
        line = re.sub(r"(\.(?:cpp|h|c)):\d+", r"\1", line)       # "loop.cpp:78" -> "loop.cpp"
        line = re.sub(r", line \d+\.$", ".", line)                # "file loop.cpp, line 78."
        line = re.sub(r"\(process \d+\)", "(process PID)", line)
        line = re.sub(r"\bpid( ?= ?)\d+", r"pid\1PID", line)     # a frame argument or printed field
        line = re.sub(r"(Breakpoint \d+ at )0x[0-9a-f]+: ", r"\1ADDR: ", line)
        line = re.sub(r"Thread 0x[0-9a-f]+ \(LWP \d+\)", "Thread TID", line)
        if line.startswith("Catchpoint "):                        # "(syscall 'kill' [62])"
            line = re.sub(r"('\w+') \[\d+\]", r"\1", line)
        out.append(line.rstrip())
    return "\n".join(out) + "\n"


def build_dir(program: str) -> str:
    """The CMake build directory that holds @program (the nearest parent with CMakeCache.txt)."""
    d = os.path.dirname(os.path.abspath(program))
    while d != "/" and not os.path.exists(os.path.join(d, "CMakeCache.txt")):
        d = os.path.dirname(d)
    return d if d != "/" else os.path.dirname(os.path.abspath(program))


def main() -> int:
    if len(sys.argv) < 4:
        print(__doc__, file=sys.stderr)
        return 2
    if not shutil.which("gdb"):
        print("SKIP: gdb not installed (apt-get install gdb)")
        return 77
    script, program, expected_path = sys.argv[1:4]
    update = "--update" in sys.argv[4:]
    # close_fds (the default) gives GDB and the program a clean descriptor table,
    # so descriptor numbers start at 3 wherever the test runs.
    # GDB runs from the repository root, as a reader would, so that scripts can
    # `source walkthroughs/gdb/uvref_gdb.py`.
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    # The extensions load themselves from the program (.debug_gdb_scripts) when its
    # build directory is on GDB's auto-load safe-path, as the pages tell readers to set.
    run = subprocess.run(
        ["gdb", "-q", "-batch", "-nx", "-iex", "add-auto-load-safe-path " + build_dir(program),
         "-x", os.path.abspath(script), os.path.abspath(program)],
        cwd=root,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        text=True, timeout=120)
    got = normalise(run.stdout)
    if run.returncode != 0:
        print(got)
        print(f"gdb exited with {run.returncode}", file=sys.stderr)
        return 1
    if update:
        with open(expected_path, "w") as f:
            f.write(got)
        print(f"updated {expected_path}")
        return 0
    with open(expected_path) as f:
        want = f.read()
    if got == want:
        print(f"transcript matches {expected_path}")
        return 0
    sys.stdout.writelines(difflib.unified_diff(
        want.splitlines(True), got.splitlines(True), expected_path, "gdb output"))
    return 1


if __name__ == "__main__":
    sys.exit(main())
