#!/usr/bin/env python3
"""Differential runner: the same C program against Debian's libuv and uvref.

For one program it builds a *report* per binary: the program's stdout (and
stderr) for each plain run, and the syscall sequence for each strace run,
each followed by the exit status. The report is normalised so that only
legitimate differences vanish:

  descriptor numbers  "fd:N" in program output and strace's "N<...>" become
                      fd#k, numbered by first appearance (consistently within
                      one run, so "the same descriptor" stays visible);
  inode numbers       pipe:[N] / socket:[N] become pipe:[#k] / socket:[#k] in
                      program output, and pipe:[#] / socket:[#] in strace;
  addresses, pids     0x... and pid:N are blanked;
  temporary paths     the per-run directory ($DIFF_TMPDIR) becomes $TMP;
  the program itself  its path and argv[0] in strace's execve line become
                      $PROG; every execve's environment size becomes /* # vars */;
  child pids          in strace's wait4/kill/... lines, the pids of traced
                      processes become pid#k, by first appearance;
  ephemeral ports     strace's sin_port=htons(N), N > 0, becomes htons(#).

Then the libuv report, with the program's declared differences applied
(<name>.diff-expected), must equal the uvref report line for line. A declared
difference is an exact hunk: "= " context lines, "- " lines only libuv prints,
"+ " lines only uvref prints, plus a "why:" and a "docs:" pointer ("<page>" or "<page> :: <heading>",
checked against the source tree when --docs-root is given). A hunk that
no longer matches the libuv report fails the test (stale declarations rot).

Modes:
  compare (default)  run both binaries and diff (needs --uvref);
  oracle             run only the libuv binary and compare its report with the
                     committed reference (<name>.libuv.out): the oracle's
                     behaviour is pinned, and the program is deterministic;
  --update-reference rewrite the reference from the libuv binary.

A run that did not happen cannot pass: a missing binary, strace failing to
start, a binary linked against the wrong library, or output without the final
"done" line are all failures.
"""

import argparse
import difflib
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile

TIMEOUT = 30


class Failure(Exception):
    pass


class Renumber:
    """Maps raw numbers to stable labels in order of first appearance."""

    def __init__(self, prefix):
        self.prefix = prefix
        self.map = {}

    def __call__(self, raw):
        if raw not in self.map:
            self.map[raw] = "%s%d" % (self.prefix, len(self.map))
        return self.map[raw]


def needed_libs(binary):
    out = subprocess.run(["readelf", "-d", binary], capture_output=True, text=True, check=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def check_linkage(side, binary):
    """The libuv binary must link libuv.so; the uvref binary must not."""
    if not os.access(binary, os.X_OK):
        raise Failure("%s binary missing or not executable: %s" % (side, binary))
    links_libuv = any(lib.startswith("libuv.so") for lib in needed_libs(binary))
    if side == "libuv" and not links_libuv:
        raise Failure("%s is supposed to link Debian's libuv.so but does not" % binary)
    if side == "uvref" and links_libuv:
        raise Failure("%s is supposed to be built against uvref but links libuv.so" % binary)


def normalise_common(line, tmpdir):
    if tmpdir:
        line = line.replace(tmpdir, "$TMP")
    line = re.sub(r"pid:\d+", "pid:#", line)
    line = re.sub(r"0x[0-9a-fA-F]{8,}", "0x#", line)
    return line


def normalise_output(text, tmpdir, stream):
    fds = Renumber("fd#")
    inodes = Renumber("#")
    lines = []
    for line in text.splitlines():
        line = normalise_common(line, tmpdir)
        line = re.sub(r"fd:(-?\d+)", lambda m: "fd:-1" if m.group(1) == "-1" else fds(m.group(1)), line)
        line = re.sub(r"(pipe|socket):\[(\d+)\]", lambda m: "%s:[%s]" % (m.group(1), inodes(m.group(2))), line)
        lines.append(("%s: " % stream if stream != "stdout" else "") + line)
    return lines


def run_bounded(cmd, env, cwd):
    """subprocess.run() with TIMEOUT, in a session of its own. On a timeout the whole session is
    killed, so nothing the command started outlives the test (strace's tracee would: killing
    strace alone detaches it, and a hung program then ran on for hours)."""
    with subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                          cwd=cwd, start_new_session=True) as p:
        try:
            out, err = p.communicate(timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)
            try:
                p.communicate(timeout=5)
            except subprocess.TimeoutExpired:
                pass  # a process that left the session still holds the pipes
            raise
    return subprocess.CompletedProcess(cmd, p.returncode, out, err)


def run_plain(binary, args, tmpdir, env):
    try:
        proc = run_bounded([binary] + args, env, tmpdir)
    except subprocess.TimeoutExpired:
        raise Failure("%s %s: timed out after %ds" % (binary, " ".join(args), TIMEOUT))
    return proc.returncode, proc.stdout, proc.stderr


def side_check(side, stdout, where):
    lines = stdout.splitlines()
    if not lines or lines[0] != "side: " + side:
        raise Failure("%s: first line should be 'side: %s', got %r (built against the wrong uv.h?)"
                      % (where, side, lines[0] if lines else ""))
    if lines[-1] != "done":
        # A program that stopped early (crashed, exited, hung up on an assert)
        # must not pass on the lines it printed before.
        raise Failure("%s: last line should be 'done', got %r (the program stopped early)"
                      % (where, lines[-1]))
    return "\n".join(lines[1:])


def parse_strace_file(path):
    """Syscall lines of one strace -ff output file, with unfinished/resumed
    pairs joined (threads can interleave even within one tid's file when a
    signal arrives)."""
    calls = []
    pending = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for raw in f:
            line = raw.rstrip("\n")
            m = re.match(r"^(\w+)\((.*) <unfinished \.\.\.>$", line)
            if m:
                pending[m.group(1)] = "%s(%s" % (m.group(1), m.group(2))
                continue
            m = re.match(r"^<\.\.\. (\w+) resumed>(.*)$", line)
            if m:
                line = pending.pop(m.group(1), m.group(1) + "(?") + m.group(2)
            if line.startswith("+++") or line.startswith("---"):
                continue
            calls.append(line)
    return calls


# Syscalls whose arguments or result name a process: their pids are relabelled.
PID_CALLS = ("wait4", "waitid", "kill", "tgkill", "clone", "clone3", "fork", "vfork")


def normalise_syscalls(lines, tmpdir, program=None, pids=None):
    """Descriptors are renumbered; inode numbers are dropped altogether: one
    socket more or less on one side would shift every later inode label, and
    the descriptor number already says which object a line is about. The
    traced program's own path (it differs between the two binaries) becomes
    $PROG; in PID_CALLS lines, the pids of traced processes (a Renumber shared
    by all of one run's processes, keyed by the pids from strace's file
    names) become pid#k."""
    fds = Renumber("fd#")
    out = []
    for line in lines:
        if program and line.startswith('execve("%s"' % program):
            # argv[0] is the same path, possibly cut short by strace ("...").
            line = line.replace(program, "$PROG")
            line = re.sub(r'\["[^"]*"(\.\.\.)?', '["$PROG"', line, count=1)
        if line.startswith("execve("):
            # The environment (inherited by children) depends on who runs the test.
            line = re.sub(r"/\* \d+ vars \*/", "/* # vars */", line)
        if pids is not None and line.split("(", 1)[0] in PID_CALLS:
            line = re.sub(r"\b(\d+)\b", lambda m: pids(m.group(1)) if m.group(1) in pids.known else m.group(1),
                          line)
        line = normalise_common(line, tmpdir)
        # Ephemeral TCP/UDP ports (port 0 asked for "any"; stays visible).
        line = re.sub(r"sin_port=htons\([1-9]\d*\)", "sin_port=htons(#)", line)
        # A sockaddr_in cut short by a small buffer shows its port bytes raw.
        line = re.sub(r'(sa_family=AF_INET, sa_data=)"(?:[^"\\]|\\.)*"', r'\1"#"', line)
        raw_fds = set()

        def fd_repl(m):
            raw_fds.add(m.group(1))
            inner = re.sub(r"(pipe|socket):\[(\d+)\]", lambda k: "%s:[#]" % k.group(1), m.group(2))
            return "%s<%s>" % (fds(m.group(1)), inner)

        line = re.sub(r"\b(\d+)<([^<>]*)>", fd_repl, line)
        # epoll_event.data: libuv stores the descriptor there; show it as one.
        line = re.sub(r"(u32|u64)=(\d+)",
                      lambda m: "%s=%s" % (m.group(1), fds.map.get(m.group(2), m.group(2))), line)
        # Column alignment padding before " = " depends on the line's length.
        line = re.sub(r"\)\s+= ", ") = ", line)
        out.append(line)
    return out


def run_strace(binary, args, trace, tmpdir, env):
    strace = shutil.which("strace")
    if not strace:
        raise Failure("strace not found: the syscall comparison cannot run")
    outdir = tempfile.mkdtemp(prefix="strace-", dir=tmpdir)
    prefix = os.path.join(outdir, "trace")
    env = dict(env)
    # LeakSanitizer stops the world with ptrace, which fails under strace.
    env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":detect_leaks=0").lstrip(":")
    cmd = [strace, "-ff", "-qq", "-y", "-e", "signal=none", "-e", "trace=" + trace, "-o", prefix,
           "--", binary] + args
    try:
        proc = run_bounded(cmd, env, tmpdir)
    except subprocess.TimeoutExpired:
        raise Failure("strace %s: timed out" % binary)
    files = [n for n in os.listdir(outdir) if n.startswith("trace.")]
    if not files:
        raise Failure("strace produced no trace for %s (ptrace not permitted?): %s"
                      % (binary, proc.stderr.strip()))
    # One file per process/thread; creation order is pid order.
    files.sort(key=lambda n: int(n.split(".")[-1]))
    pids = Renumber("pid#")
    pids.known = {n.split(".")[-1] for n in files}
    sections = []
    for index, name in enumerate(files):
        calls = parse_strace_file(os.path.join(outdir, name))
        if calls or index == 0:
            sections.append(normalise_syscalls(calls, tmpdir, binary, pids))
    return proc.returncode, proc.stdout, proc.stderr, sections


def build_report(side, binary, runs, straces, env_base):
    binary = os.path.abspath(binary)
    check_linkage(side, binary)
    report = []
    # Always under /tmp (not $TMPDIR): socket paths then have the same length
    # on every machine, and lengths show up in getsockname results.
    base = tempfile.mkdtemp(prefix="diff-%s-" % side, dir="/tmp")
    try:
        for args in runs:
            tmpdir = tempfile.mkdtemp(prefix="run-", dir=base)
            env = dict(env_base, DIFF_TMPDIR=tmpdir)
            code, out, err = run_plain(binary, args, tmpdir, env)
            where = "%s %s" % (binary, " ".join(args))
            body = side_check(side, out, where)
            report.append("== run %s" % " ".join(args))
            report += normalise_output(body, tmpdir, "stdout")
            report += normalise_output(err, tmpdir, "stderr")
            report.append("exit %d" % code)
        for args, trace in straces:
            tmpdir = tempfile.mkdtemp(prefix="strace-run-", dir=base)
            env = dict(env_base, DIFF_TMPDIR=tmpdir)
            code, out, err, sections = run_strace(binary, args, trace, tmpdir, env)
            side_check(side, out, "strace " + binary)
            report.append("== strace %s (trace=%s)" % (" ".join(args), trace))
            for index, calls in enumerate(sections):
                if len(sections) > 1:
                    report.append("-- process/thread %d" % index)
                report += calls
            report.append("exit %d" % code)
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return report


def check_docs_pointer(hunk, docs_root):
    """'docs: <path>' or 'docs: <path> :: <heading>': the page must exist in
    the tree and, when a heading is named, carry it exactly: a difference is
    never declared without the page that explains it."""
    page, _, heading = (part.strip() for part in hunk["docs"].partition("::"))
    if not os.path.isfile(os.path.join(docs_root, page)):
        raise Failure("%s: docs page %s does not exist" % (hunk["where"], page))
    if heading:
        with open(os.path.join(docs_root, page), encoding="utf-8") as f:
            headings = [l.lstrip("#").strip() for l in f if l.startswith("#")]
        if heading not in headings:
            raise Failure("%s: %s has no heading %r" % (hunk["where"], page, heading))


def parse_expected(path, docs_root=None):
    """Hunks of declared differences: list of (title, old_lines, new_lines)."""
    hunks = []
    if not os.path.exists(path):
        return hunks
    current = None
    with open(path, encoding="utf-8") as f:
        for number, raw in enumerate(f, 1):
            line = raw.rstrip("\n")
            where = "%s:%d" % (path, number)
            if line.startswith("#") or not line.strip():
                continue
            if line.startswith("difference:"):
                current = {"title": line[11:].strip(), "why": "", "docs": "", "old": [], "new": [],
                           "where": where}
                hunks.append(current)
            elif current is None:
                raise Failure("%s: expected 'difference: <title>' first" % where)
            elif line.startswith("why:"):
                current["why"] = line[4:].strip()
            elif line.startswith("docs:"):
                current["docs"] = line[5:].strip()
            elif line.startswith("= "):
                current["old"].append(line[2:])
                current["new"].append(line[2:])
            elif line.startswith("- "):
                current["old"].append(line[2:])
            elif line.startswith("+ "):
                current["new"].append(line[2:])
            else:
                raise Failure("%s: unrecognised line %r" % (where, line))
    for h in hunks:
        if not h["why"] or not h["docs"]:
            raise Failure("%s: difference %r needs both 'why:' and 'docs:'" % (h["where"], h["title"]))
        if not h["old"] or h["old"] == h["new"]:
            raise Failure("%s: difference %r changes nothing or has no libuv lines to anchor it"
                          % (h["where"], h["title"]))
        if docs_root:
            check_docs_pointer(h, docs_root)
    return hunks


def apply_expected(report, hunks):
    """Applies each hunk in file order, each after the previous one."""
    out = list(report)
    start = 0
    for h in hunks:
        n = len(h["old"])
        for i in range(start, len(out) - n + 1):
            if out[i:i + n] == h["old"]:
                out[i:i + n] = h["new"]
                start = i + len(h["new"])
                break
        else:
            raise Failure("%s: declared difference %r does not match the libuv report any more "
                          "(fix or remove it)" % (h["where"], h["title"]))
    return out


def show_diff(a, b, a_name, b_name):
    sys.stdout.write("".join(difflib.unified_diff([l + "\n" for l in a], [l + "\n" for l in b],
                                                  a_name, b_name, n=3)))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--name", required=True)
    p.add_argument("--libuv", required=True, help="the program built against Debian's libuv")
    p.add_argument("--uvref", help="the program built against uvref")
    p.add_argument("--expected", help="<name>.diff-expected")
    p.add_argument("--reference", help="<name>.libuv.out (committed libuv report)")
    p.add_argument("--docs-root", help="source tree root: check that each docs: pointer exists")
    p.add_argument("--run", action="append", default=[],
                   help="arguments of one plain run (space separated; may repeat)")
    p.add_argument("--strace", action="append", default=[],
                   help="ARGS=TRACELIST: one strace run (may repeat)")
    p.add_argument("--mode", choices=["compare", "oracle"], default="compare")
    p.add_argument("--update-reference", action="store_true")
    p.add_argument("--save", help="directory to write both reports into (for inspection)")
    o = p.parse_args()

    runs = [r.split() for r in o.run] or [[]]
    straces = []
    for s in o.strace:
        args, sep, trace = s.rpartition("=")
        if not sep or not trace:
            p.error("--strace wants ARGS=TRACELIST, got %r" % s)
        straces.append((args.split(), trace))
    env = dict(os.environ)

    try:
        libuv = build_report("libuv", o.libuv, runs, straces, env)
        if o.save:
            os.makedirs(o.save, exist_ok=True)
            with open(os.path.join(o.save, o.name + ".libuv.report"), "w") as f:
                f.write("\n".join(libuv) + "\n")
        if o.update_reference:
            with open(o.reference, "w") as f:
                f.write("\n".join(libuv) + "\n")
            print("wrote %s (%d lines)" % (o.reference, len(libuv)))
            return 0
        if o.mode == "oracle":
            if not o.reference:
                raise Failure("--mode oracle needs --reference")
            with open(o.reference, encoding="utf-8") as f:
                ref = f.read().splitlines()
            if ref != libuv:
                print("FAIL %s: Debian's libuv no longer gives the committed reference report:" % o.name)
                show_diff(ref, libuv, o.reference, "libuv (now)")
                return 1
            print("ok %s: libuv report matches %s (%d lines)" % (o.name, o.reference, len(libuv)))
            return 0

        if not o.uvref:
            raise Failure("compare mode needs --uvref: a differential test never passes without it")
        hunks = parse_expected(o.expected, o.docs_root) if o.expected else []
        uvref = build_report("uvref", o.uvref, runs, straces, env)
        if o.save:
            with open(os.path.join(o.save, o.name + ".uvref.report"), "w") as f:
                f.write("\n".join(uvref) + "\n")
        expected = apply_expected(libuv, hunks)
        if expected != uvref:
            print("FAIL %s: uvref differs from libuv beyond the declared differences." % o.name)
            print("(--- libuv with %d declared difference(s) applied, +++ uvref)" % len(hunks))
            show_diff(expected, uvref, "libuv+expected", "uvref")
            return 1
        print("ok %s: %d report lines identical, %d declared difference(s):" % (o.name, len(uvref), len(hunks)))
        for h in hunks:
            print("  - %s (%s)" % (h["title"], h["docs"]))
        return 0
    except Failure as e:
        print("FAIL %s: %s" % (o.name, e))
        return 1


if __name__ == "__main__":
    sys.exit(main())
