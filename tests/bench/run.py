#!/usr/bin/env python3
"""Runs uvref's benchmarks and prints the comparison table.

Each workload program (bench_<workload>_<impl>, impl = uvref, libuv or raw)
prints one line "RESULT name=... impl=... ops=N seconds=S unit=U rate=R" and
checks its own correctness; exit status 77 means "unsupported here".

Timed runs are interleaved (uvref, libuv, raw, uvref, libuv, raw, ...) for
--rounds rounds so that machine noise hits every implementation alike. Then,
separately (strace slows programs down a lot), each program runs under
`strace -f -c` twice, with N and 2N operations; the difference divided by
the difference in operations is the syscall cost per operation, with start-up
and tear-down cancelled out.

Exit status: 0 when every uvref row is at least --min-ratio x libuv (rows
that uvref cannot run yet are reported plainly and do not count, unless
--strict), 1 when a row is slower or a program failed a check, 2 on usage
errors. --smoke runs each program once with a tiny count and only checks
that it reports a valid result (the CTest test bench.smoke). --trace adds a
table of what watching costs: off (against bench_<workload>_unwatched, built
with the seam's flag test compiled out) and on (UVREF_TRACE=/dev/null).

Plain python3 standard library; runs with any python3 >= 3.6.
docs/benchmarks.md explains the workloads and the table.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

IMPLS = ("uvref", "libuv", "raw")

# name: (unit printed, operation for syscall counts, ops per operation,
#        count for strace run N, count for smoke run)
WORKLOADS = {
    "pump": ("bytes", "64 KiB chunk", 65536, 300, 4),
    "pingpong": ("roundtrips", "round trip", 1, 2000, 5),
    "fdpass": ("fds", "descriptor", 1, 2000, 5),
    "fdburst": ("fds", "descriptor", 1, 10000, 5),
    "loopinit": ("loops", "init+close", 1, 1000, 5),
    "echo": ("requests", "request", 1, 3000, 1000),
    "async": ("wakeups", "wake-up", 1, 2000, 5),
}

RESULT_RE = re.compile(
    r"^RESULT name=(\S+) impl=(\S+) ops=(\d+) seconds=([0-9.]+) unit=(\S+) rate=([0-9.]+) peak_rss_kib=(\d+)$")


class Run:
    """One finished program run."""

    def __init__(self, status, ops=0, seconds=0.0, rate=0.0, maxrss_kib=0, detail=""):
        self.status = status  # "ok", "unsupported", "failed"
        self.ops = ops
        self.seconds = seconds
        self.rate = rate
        self.maxrss_kib = maxrss_kib
        self.detail = detail


def run_program(path, args, workload, impl, timeout, prefix=(), env=None):
    """Runs one program; returns a Run."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(list(prefix) + [path] + list(args), stdout=out, stderr=err, env=env)
        deadline = time.monotonic() + timeout
        while True:
            pid, status = os.waitpid(proc.pid, os.WNOHANG)
            if pid != 0:
                break
            if time.monotonic() > deadline:
                proc.kill()
                os.waitpid(proc.pid, 0)
                proc.returncode = -9
                return Run("failed", detail="timed out after %.0f s" % timeout)
            time.sleep(0.005)
        proc.returncode = 0  # reaped here; stop Popen from waiting again
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace").strip()
    code = os.waitstatus_to_exitcode(status) if hasattr(os, "waitstatus_to_exitcode") else (
        os.WEXITSTATUS(status) if os.WIFEXITED(status) else -os.WTERMSIG(status))
    # The first verdict line says most (a child's failure precedes the
    # parent's "unexpected EOF"); otherwise the last line of stderr.
    err_lines = stderr.splitlines()
    verdicts = [l for l in err_lines if l.startswith(("FAIL ", "unsupported:"))]
    last_err = verdicts[0] if verdicts else (err_lines[-1] if err_lines else "")
    if code == 77:
        why = last_err[len("unsupported:"):].strip() if last_err.startswith("unsupported:") else last_err
        return Run("unsupported", detail=why or "exit status 77")
    if code != 0:
        why = "killed by signal %d" % -code if code < 0 else "exit status %d" % code
        return Run("failed", detail="%s: %s" % (why, last_err) if last_err else why)
    lines = [l for l in stdout.splitlines() if l.startswith("RESULT ")]
    m = RESULT_RE.match(lines[0]) if len(lines) == 1 else None
    if m is None:
        return Run("failed", detail="no single valid RESULT line in: %r" % stdout[-200:])
    name, rimpl, ops, seconds, unit, rate, peak_kib = m.groups()
    expect_unit = WORKLOADS[workload][0]
    if name != workload or rimpl != impl or unit != expect_unit:
        return Run("failed", detail="RESULT says name=%s impl=%s unit=%s, expected %s %s %s" % (
            name, rimpl, unit, workload, impl, expect_unit))
    ops, seconds = int(ops), float(seconds)
    if ops <= 0 or seconds <= 0:
        return Run("failed", detail="RESULT with ops=%d seconds=%g" % (ops, seconds))
    return Run("ok", ops, seconds, ops / seconds, int(peak_kib))


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def paired_ratio(a_runs, b_runs):
    """Median over rounds of a/b, each pair run back to back.

    Two runs of the same round see the same background load, so their ratio
    is steadier than a ratio of medians taken across rounds."""
    return median([a.rate / b.rate for a, b in zip(a_runs, b_runs)])


def human(x):
    """Three significant digits and an SI prefix: 4.86 G, 84.8 k, 104 k."""
    suffix = ""
    for div, sfx in ((1e9, " G"), (1e6, " M"), (1e3, " k")):
        if x >= div:
            x, suffix = x / div, sfx
            break
    digits = 0 if x >= 99.95 else 1 if x >= 9.995 else 2
    return "%.*f%s" % (digits, x, suffix)


def strace_counts(path, count, timeout):
    """Returns ({syscall: calls}, ops) for one run under strace -f -c."""
    fd, out = tempfile.mkstemp(prefix="uvref-bench-strace-")
    os.close(fd)
    try:
        cmd = ("strace", "-f", "-c", "-U", "calls,name", "-o", out)
        with tempfile.TemporaryFile() as so:
            r = subprocess.run(list(cmd) + [path, "-n", str(count)], stdout=so, stderr=subprocess.PIPE,
                               timeout=timeout)
            so.seek(0)
            stdout = so.read().decode(errors="replace")
        if r.returncode != 0:
            return None, 0
        m = [RESULT_RE.match(l) for l in stdout.splitlines()]
        m = [x for x in m if x]
        if len(m) != 1:
            return None, 0
        counts = {}
        with open(out) as f:
            for line in f:
                parts = line.split()
                if len(parts) == 2 and parts[0].isdigit() and parts[1] != "total":
                    counts[parts[1]] = counts.get(parts[1], 0) + int(parts[0])
        return counts, int(m[0].group(3))
    except subprocess.TimeoutExpired:
        return None, 0
    finally:
        os.unlink(out)


def syscalls_per_op(path, workload, timeout):
    """Syscalls per operation from two strace runs (N and 2N operations)."""
    _, _, per_op, n, _ = WORKLOADS[workload]
    c1, ops1 = strace_counts(path, n, timeout)
    c2, ops2 = strace_counts(path, 2 * n, timeout)
    if c1 is None or c2 is None or ops2 <= ops1:
        return None
    dops = (ops2 - ops1) / per_op
    diff = {k: (c2.get(k, 0) - c1.get(k, 0)) / dops for k in set(c1) | set(c2)}
    return {k: v for k, v in diff.items() if v >= 0.02}


def fmt_syscalls(d):
    if d is None:
        return "n/a", ""
    total = sum(d.values())
    top = sorted(d.items(), key=lambda kv: (-kv[1], kv[0]))[:6]
    return "%.2f" % total, " ".join("%s %.2f" % (k, v) for k, v in top)


def trace_table(only, bare, bare_state, traced, traced_state):
    """The cost of watching, per workload: off (the flag test) and on (every call printed)."""
    lines = ["| workload | no flag test (uvref_unwatched) | trace off (uvref) | UVREF_TRACE=/dev/null "
             "| off / no flag test | on / off |", "|---|---|---|---|---|---|"]
    for w in only:
        unit = WORKLOADS[w][0]
        cells = [w]
        if bare_state[w] == "ok" and bare[w]:
            cells += ["%s %s/s" % (human(median([p[0].rate for p in bare[w]])), unit),
                      "%s %s/s" % (human(median([p[1].rate for p in bare[w]])), unit)]
            off_ratio = "%.3f" % median([p[1].rate / p[0].rate for p in bare[w]])
        else:
            cells += [bare_state[w] if bare_state[w] != "ok" else "not run", ""]
            off_ratio = ""
        if traced_state[w] == "ok" and traced[w]:
            cells.append("%s %s/s" % (human(median([p[1].rate for p in traced[w]])), unit))
            on_ratio = "%.3f" % median([p[1].rate / p[0].rate for p in traced[w]])
        else:
            cells.append(traced_state[w] if traced_state[w] != "ok" else "not run")
            on_ratio = ""
        lines.append("| " + " | ".join(cells + [off_ratio, on_ratio]) + " |")
    return "\n".join(lines) + "\n"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


def find_programs(bin_dir, only):
    progs = {}
    for w in only:
        for impl in IMPLS:
            p = os.path.join(bin_dir, "bench_%s_%s" % (w, impl))
            progs[(w, impl)] = p if os.access(p, os.X_OK) else None
    return progs


def smoke(progs, strict):
    bad = 0
    for (w, impl), path in progs.items():
        if path is None:
            if impl == "raw" and w in ("echo", "async"):
                continue
            if impl == "uvref":
                print("%-9s %-6s uvref: not built" % (w, impl))
                bad += strict
                continue
            print("%-9s %-6s FAILED: program missing" % (w, impl))
            bad += 1
            continue
        count = WORKLOADS[w][4]
        r = run_program(path, ["-n", str(count)], w, impl, timeout=60)
        expect = count * WORKLOADS[w][2]
        if r.status == "ok" and r.ops != expect:
            r = Run("failed", detail="ops=%d, expected %d for -n %d" % (r.ops, expect, count))
        if r.status == "ok":
            print("%-9s %-6s ok (%d %s)" % (w, impl, r.ops, WORKLOADS[w][0]))
        elif r.status == "unsupported":
            print("%-9s %-6s %s: unsupported (%s)" % (w, impl, impl, r.detail))
            bad += strict
        else:
            print("%-9s %-6s FAILED: %s" % (w, impl, r.detail))
            bad += 1
    return 1 if bad else 0


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--bin-dir", default=os.path.join(here, "..", "..", "build", "release", "tests", "bench"),
                    help="directory holding bench_<workload>_<impl> (default: build/release/tests/bench)")
    ap.add_argument("--rounds", type=int, default=9, help="interleaved rounds (default 9, minimum 5)")
    ap.add_argument("--seconds", type=float, default=0.4, help="duration of each timed run (default 0.4)")
    ap.add_argument("--only", default=",".join(WORKLOADS), help="comma-separated workloads")
    ap.add_argument("--min-ratio", type=float, default=0.9, help="fail when uvref/libuv is below (0.9)")
    ap.add_argument("--no-strace", action="store_true", help="skip the syscall-count runs")
    ap.add_argument("--smoke", action="store_true", help="run each program once, tiny count; check only")
    ap.add_argument("--strict", action="store_true", help="count uvref rows that cannot run as failures")
    ap.add_argument("--trace", action="store_true",
                    help="also time each uvref program against its build with no flag test "
                         "(bench_<workload>_unwatched) and with UVREF_TRACE on (into /dev/null)")
    a = ap.parse_args()

    only = [w for w in a.only.split(",") if w]
    unknown = [w for w in only if w not in WORKLOADS]
    if unknown:
        ap.error("unknown workload(s): %s" % ", ".join(unknown))
    if not os.path.isdir(a.bin_dir):
        ap.error("no such directory: %s (build the bench programs first)" % a.bin_dir)
    progs = find_programs(a.bin_dir, only)
    if a.smoke:
        return smoke(progs, a.strict)
    if a.rounds < 5:
        ap.error("--rounds must be at least 5")

    started = time.monotonic()
    runs = {key: [] for key in progs}
    # --trace: the cost of watching. In every round, each uvref program runs between the same
    # program built against uvref_unwatched (no flag test in the seam at all: the cost when
    # off) and itself again with its trace written to /dev/null (the cost when on).
    traced_env = dict(os.environ, UVREF_TRACE="/dev/null")
    traced = {w: [] for w in only}
    traced_state = {w: "ok" for w in only}
    unwatched = {w: os.path.join(a.bin_dir, "bench_%s_unwatched" % w) for w in only}
    bare = {w: [] for w in only}
    bare_state = {w: "ok" if os.access(unwatched[w], os.X_OK) else "not built" for w in only}
    state = {key: ("not built" if path is None else "ok", "") for key, path in progs.items()}
    for rnd in range(a.rounds):
        for w in only:
            for impl in IMPLS:
                key = (w, impl)
                if state[key][0] != "ok":
                    continue
                if a.trace and impl == "uvref" and bare_state[w] == "ok":
                    b = run_program(unwatched[w], ["-d", str(a.seconds)], w, impl, timeout=a.seconds * 4 + 60)
                    if b.status != "ok":
                        bare_state[w] = "%s: %s" % (b.status, b.detail)
                r = run_program(progs[key], ["-d", str(a.seconds)], w, impl, timeout=a.seconds * 4 + 60)
                if a.trace and impl == "uvref" and bare_state[w] == "ok" and r.status == "ok":
                    bare[w].append((b, r))
                if r.status != "ok":
                    state[key] = (r.status, r.detail)
                else:
                    runs[key].append(r)
                if a.trace and impl == "uvref" and r.status == "ok" and traced_state[w] == "ok":
                    t = run_program(progs[key], ["-d", str(a.seconds)], w, impl, timeout=a.seconds * 40 + 60,
                                    env=traced_env)
                    if t.status == "ok":
                        traced[w].append((r, t))
                    else:
                        traced_state[w] = "%s: %s" % (t.status, t.detail)
        print("round %d/%d done (%.0f s)" % (rnd + 1, a.rounds, time.monotonic() - started),
              file=sys.stderr, flush=True)

    have_strace = not a.no_strace and shutil.which("strace") is not None and subprocess.run(
        ["strace", "-f", "-c", "-o", os.devnull, "true"], stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL).returncode == 0
    sysc = {}
    if have_strace:
        for key, path in progs.items():
            if state[key][0] == "ok":
                sysc[key] = syscalls_per_op(path, key[0], timeout=120)
        print("syscall counts done (%.0f s)" % (time.monotonic() - started), file=sys.stderr, flush=True)

    header = ["workload", "impl", "median/s", "min/s", "max/s", "uvref/libuv", "uvref/raw", "peak RSS",
              "syscalls/op", "top syscalls per op"]
    rows = []
    failed = False
    slow = []
    for w in only:
        unit, op = WORKLOADS[w][0], WORKLOADS[w][1]
        med = {}
        for impl in IMPLS:
            key = (w, impl)
            if progs[key] is None and impl == "raw":
                continue  # no raw baseline for this workload
            st, detail = state[key]
            if st == "not built":
                rows.append([w, impl, "%s: not built" % impl] + [""] * 7)
                failed |= impl != "uvref" or a.strict
                continue
            if st == "unsupported":
                rows.append([w, impl, "%s: unsupported (%s)" % (impl, detail)] + [""] * 7)
                failed |= impl != "uvref" or a.strict
                continue
            if st == "failed":
                rows.append([w, impl, "FAILED: %s" % detail] + [""] * 7)
                failed = True
                continue
            rates = [r.rate for r in runs[key]]
            med[impl] = median(rates)
            rss = max(r.maxrss_kib for r in runs[key]) / 1024.0
            total, top = fmt_syscalls(sysc.get(key)) if have_strace else ("n/a", "strace not run")
            rows.append([w, impl, human(med[impl]) + " " + unit, human(min(rates)), human(max(rates)),
                         "", "", "%.1f MiB" % rss, total, top])
        if "uvref" in med:
            row = next(r for r in rows if r[0] == w and r[1] == "uvref")
            if "libuv" in med:
                ratio = paired_ratio(runs[(w, "uvref")], runs[(w, "libuv")])
                row[5] = "%.2f" % ratio
                if ratio < a.min_ratio:
                    slow.append("%s: uvref/libuv = %.2f < %.2f" % (w, ratio, a.min_ratio))
            if "raw" in med:
                row[6] = "%.2f" % paired_ratio(runs[(w, "uvref")], runs[(w, "raw")])

    print()
    print("uvref benchmarks: %d interleaved rounds of %.2g s per program; %s; python %s" % (
        a.rounds, a.seconds, time.strftime("%Y-%m-%d %H:%M"), sys.version.split()[0]))
    print("machine: %s, %d CPUs, Linux %s; syscalls per operation from strace -f -c (N vs 2N ops)" % (
        cpu_model(), os.cpu_count() or 0, os.uname().release))
    print("operations: " + ", ".join("%s = %s" % (w, WORKLOADS[w][1]) for w in only))
    print()
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    print("| " + " | ".join(h.ljust(widths[i]) for i, h in enumerate(header)) + " |")
    print("|" + "|".join("-" * (wd + 2) for wd in widths) + "|")
    for r in rows:
        print("| " + " | ".join(str(c).ljust(widths[i]) for i, c in enumerate(r)) + " |")
    print()
    if a.trace:
        print(trace_table(only, bare, bare_state, traced, traced_state))
    print("total time: %.0f s" % (time.monotonic() - started))
    for s in slow:
        print("REGRESSION " + s)
    if failed:
        print("FAILED: see the rows above")
    return 1 if (slow or failed) else 0


if __name__ == "__main__":
    sys.exit(main())
