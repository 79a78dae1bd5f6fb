#!/usr/bin/python3
"""Runs a program under strace at build time and writes a normalised trace.

    strace_capture.py --trace OUT.strace [--stdout OUT.txt] [--syscalls LIST]
                      [--start-at NAME] [--require NAME] [--follow-forks]
                      -- PROGRAM [ARGS...]

The docs show these files instead of hand-typed listings, so what a page
claims about system calls is what the current code did during this build.

The program runs with only descriptors 0, 1 and 2 open (stdin /dev/null,
stdout and stderr pipes), so descriptor numbers do not depend on what the
build tool happened to inherit: the first descriptor the library creates is 3,
as in a freshly started program.

Normalisation, each step visible to a reader of the page:
  * the "PID  " prefix of strace -f is removed (the program has one thread
    while it makes these calls; a line from another thread fails the capture);
  * with --start-at NAME, every line before the first NAME() call is dropped
    (the dynamic loader's calls, before main() reaches the library);
  * a close() of a descriptor that no traced call created is dropped: those
    are the program's own (the tour reads /proc/self/fd, whose opendir() is
    not in the traced set) or the loader's, not the library's;
  * a binary buffer of 16 bytes or more (the signal pipe's message: a handle
    address and padding) becomes "<N binary bytes>";
  * execve()'s count of environment variables becomes "the environment";
  * a port the kernel chose (htons(N), N >= 32768) becomes "htons(<port>)";
  * stack and heap addresses (hexadecimal, 9 digits or more: the pointer
    epoll_ctl(EPOLL_CTL_DEL) is given, say) become "<addr>": they change with
    every run (ASLR), the descriptor numbers and payloads do not;
  * strace's "+++ exited with 0 +++" line is dropped;
  * a marker, write(-1, "## NAME", n) failing with EBADF, becomes the line
    "## NAME": a probe program labels its parts this way, and {unit-trace}
    selects a part by NAME;
  * with --follow-forks, each process is traced into its own file (strace
    -ff), so lines never interleave; a child's lines follow the fork() that
    made it, indented and prefixed "[child]", up to and including its
    execve() (what the new program does is not the library's); the child's
    process id becomes "<child pid>" wherever it appears.

A trace that cannot be taken (strace missing, ptrace not permitted in this
container, the program failing) fails the build with a message that says so:
the site never shows an empty or stale trace.
"""
import argparse
import os
import re
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import captured_run  # noqa: E402

TRACED = "pipe2,eventfd2,epoll_create1,epoll_ctl,close"
LINE = re.compile(r"^(\d+)\s+(.*)$")
CALL = re.compile(r"^(\w+)\((.*)\)\s+=\s+(-?\d+|0x[0-9a-f]+|<child pid>)(.*)$")
ADDRESS = re.compile(r"\b0x[0-9a-f]{9,}\b")
# A quoted string with escapes (strace's rendering of binary bytes).
BINARY = re.compile(r'"((?:[^"\\]|\\.)*)"')
# A port the kernel chose (Linux's ephemeral range starts at 32768).
EPHEMERAL = re.compile(r"htons\((3[2-9]\d{3}|[4-6]\d{4})\)")
# Calls whose result is a new descriptor (the set grows with what is traced).
RETURNS_FD = {"eventfd2", "epoll_create1", "socket", "accept", "accept4", "open", "openat",
              "dup", "dup2", "dup3"}


def fail(msg: str) -> None:
    captured_run.fail("strace_capture", msg)


MARKER = re.compile(r'^write\(-1, "(## [^"]*)", \d+\)\s+= -1 EBADF')
FORK = re.compile(r"^(clone|clone3|fork|vfork)\(.*\)\s+= (\d+)$")


def with_pids(raw: str):
    """strace -f lines -> [(pid, text)]; one process only."""
    out, pids = [], set()
    for line in raw.splitlines():
        m = LINE.match(line)
        if not m:
            fail(f"unexpected strace line: {line!r}")
        pid, rest = m.groups()
        pids.add(pid)
        if len(pids) > 1:
            fail(f"calls from more than one thread or process (pids {sorted(pids)}): "
                 "trace with --follow-forks")
        out.append(rest)
    return out


def splice(files: dict):
    """strace -ff files {pid: text} -> one list of lines, children after their fork()."""
    children = {}
    for pid, text in files.items():
        for line in text.splitlines():
            m = FORK.match(line)
            if m:
                children[m.group(2)] = pid
    roots = [pid for pid in files if pid not in children]
    if len(roots) != 1:
        fail(f"cannot tell the traced program from its children (pids {sorted(files)})")

    def lines_of(pid, depth):
        out = []
        for line in files[pid].splitlines():
            if line.startswith("+++ exited with") or line.startswith("--- SIG"):
                continue
            prefix = "  [child] " * depth
            out.append(prefix + line)
            m = FORK.match(line)
            if m and m.group(2) in files:
                out.extend(lines_of(m.group(2), depth + 1))
            if depth and re.match(r"^execve\(.*\)\s+= 0$", line):
                break
        return out

    lines = lines_of(roots[0], 0)
    for pid in children:
        lines = [re.sub(rf"\b{pid}\b", "<child pid>", line) for line in lines]
    return lines


def binary(m):
    """A binary buffer of 16 bytes or more (a struct holding a pointer and padding, such as
    the signal pipe's message) -> its size: its bytes change from run to run."""
    text = m.group(1)
    size = len(re.sub(r"\\(?:[0-7]{1,3}|x[0-9a-f]{2}|.)", "x", text))
    if "\\0" in text and size >= 16:
        return f'"<{size} binary bytes>"'
    return m.group(0)


def normalise(lines, start_at: str = ""):
    out, created = [], set()
    started = not start_at
    for rest in lines:
        if rest.startswith("+++ exited with"):
            continue
        marker = MARKER.match(rest)
        if marker:
            if started:
                out.append(marker.group(1))
            continue
        prefix = re.match(r"^((?:  \[child\] )*)", rest).group(1)
        rest = rest[len(prefix):]
        c = CALL.match(rest)
        if not c and re.match(r"^\w+\(.*\)\s+= \?$", rest):
            out.append(prefix + rest)  # exit_group() and execve() in a child: no result
            continue
        if not c:
            fail(f"cannot parse strace line: {rest!r}")
        name, args, ret, _ = c.groups()
        if not started:
            if name != start_at:
                continue
            started = True
        ret = 1 if ret == "<child pid>" else int(ret, 0)
        if name == "close":
            fd = int(args)
            if fd not in created:
                continue
            created.discard(fd)
        elif name in ("pipe2", "socketpair") and ret == 0:
            created.update(int(x) for x in re.search(r"\[(\d+),\s*(\d+)\]", args).groups())
        elif name in RETURNS_FD and ret >= 0:
            created.add(ret)
        elif name == "fcntl" and re.match(r"^\d+, F_DUPFD", args) and ret >= 0:
            created.add(ret)
        elif name == "recvmsg" and ret >= 0:
            for fds in re.findall(r"cmsg_type=SCM_RIGHTS, cmsg_data=\[([\d, ]+)\]", args):
                created.update(int(x) for x in fds.split(","))
        rest = BINARY.sub(binary, ADDRESS.sub("<addr>", rest))
        rest = re.sub(r"/\* \d+ vars? \*/", "/* the environment */", rest)
        out.append(prefix + EPHEMERAL.sub("htons(<port>)", rest))
    if not started:
        fail(f"no {start_at}() call in the trace")
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--trace", required=True, help="where to write the normalised trace")
    ap.add_argument("--stdout", help="where to write the program's standard output")
    ap.add_argument("--strace", default="strace")
    ap.add_argument("--syscalls", default=TRACED, help=f"what to trace (default {TRACED})")
    ap.add_argument("--start-at", default="", help="drop the lines before the first call of this")
    ap.add_argument("--follow-forks", action="store_true",
                    help="trace child processes too (one file per process, spliced)")
    ap.add_argument("--require", default="epoll_create1",
                    help="a call the trace must contain, or the capture fails")
    ap.add_argument("program", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = captured_run.program(ap, a.program)

    with tempfile.TemporaryDirectory() as tmp:
        raw_path = os.path.join(tmp, "raw.strace")
        follow = ["-ff"] if a.follow_forks else ["-f"]
        proc = captured_run.run("strace_capture",
                                [a.strace] + follow + ["-e", f"trace={a.syscalls}", "-o", raw_path] + cmd,
                                hint="\n(is strace installed? inside a container, ptrace may be forbidden: "
                                     "run with --cap-add=SYS_PTRACE or a seccomp profile that allows it)")
        try:
            if a.follow_forks:
                files = {}
                for name in os.listdir(tmp):
                    if name.startswith("raw.strace."):
                        with open(os.path.join(tmp, name), encoding="utf-8") as f:
                            files[name.rsplit(".", 1)[1]] = f.read()
                if not files:
                    raise FileNotFoundError(2, "no per-process trace files")
                raw_lines = splice(files)
            else:
                with open(raw_path, encoding="utf-8") as f:
                    raw_lines = with_pids(f.read())
        except OSError as e:
            fail(f"strace wrote no trace ({e.strerror}); strace said: {proc.stderr.strip()}")

    lines = normalise(raw_lines, a.start_at)
    if not any(line.startswith(a.require + "(") for line in lines):
        fail(f"the trace of '{' '.join(cmd)}' has no {a.require} call; strace said: "
             f"{proc.stderr.strip() or '(nothing)'}")
    captured_run.write_whole(a.trace, "\n".join(lines) + "\n")
    if a.stdout:
        captured_run.write_whole(a.stdout, proc.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
