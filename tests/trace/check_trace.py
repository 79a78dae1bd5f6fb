#!/usr/bin/env python3
"""Runs programs linked against uvref with UVREF_TRACE set and checks what they print.

  check_trace.py loop-init --tour BIN --docs DIR
      The tour, traced as JSON lines into a file with the filter `loop-init`: every line
      is loop-init; the descriptors are made in stage order (epoll_create1, the lock
      pipe, the signal pipe, the eventfd), each line names its stage and owner, and the
      owner agrees with the tour's own output, which reads the loop's fields; stages 1,
      3 and 4 name one loop by its address (the `loop` key, and in the owner text), the
      process-wide lock pipe names none.
  check_trace.py demo --demo BIN --docs DIR
      trace_demo (a signal handler, a pool thread, descriptor passing), traced three
      ways: JSON lines into a file (every line parses; the handler's and the pool
      thread's calls are there; sendmsg shows SCM_RIGHTS), text on stderr (every
      line has the documented shape), and filtered to `fdpass,loop-init`.
  check_trace.py hostile --demo BIN --docs DIR
      trace_demo with values of the variables a user may get wrong (empty, only commas, an
      unknown part, a directory, a missing directory, a FIFO with no reader, a path too
      long, /dev/full, a format spelled "JSON"), with at most 64 descriptors, and with
      stderr a pipe nobody reads: each run ends as the untraced one does (exit 0, the
      same stdout, no hang), and stderr says what was wrong in the documented words, or
      nothing where the value is a documented way to turn the trace off.
  check_trace.py setuid --demo BIN --docs DIR
      trace_demo copied, owned by nobody and set-user-ID, run with the trace asked for
      on stderr and into a file: it ignores the variables (no line, no file), since a
      program that runs with another user's rights must not write where its caller
      says. Exit status 77 (skipped, with the reason) when not run as root or on a
      nosuid file system.
  check_trace.py pages --table FILE --docs DIR
      Every page the trace can print (the build's unit -> page table) is a page in docs/.
  check_trace.py walkthroughs --walkthroughs DIR --build BUILD --docs DIR
      Each walkthrough page's sentence "Without GDB, `UVREF_TRACE=PARTS build/debug/PROGRAM`
      prints ..." is true: the program (from BUILD) prints lines of each part named, and
      every call (`sendmsg`), error (`EAGAIN`) and `SCM_RIGHTS` the sentence names; "thread
      id" means a line from another thread, "both processes" lines from two processes.

Any docs page a traced line names must exist as DIR/<page>.md. Exit status 0 when
every check passed, 1 otherwise (each failure is printed), 77 when skipped.
"""

import argparse
import json
import os
import re
import shutil
import resource
import subprocess
import sys
import tempfile

KEYS = {"pid", "tid", "part", "unit", "line", "function", "call", "text", "result", "detail", "error",
        "injected", "owner", "handle", "loop", "docs"}
TEXT_LINE = re.compile(r"^uvref\[\d+(/\d+)?\] (\S+) +(\S+/\S+):(\d+) (\S+) +(\w+)\(.*\) = (-1 E[A-Z0-9]+.*|\d+.*)$")

failures = []
SKIP = 77


def check(ok, what):
    if not ok:
        failures.append(what)
        print("FAIL:", what)
    return ok


def run(argv, env_extra, capture_stderr=False, timeout=60):
    env = dict(os.environ)
    env.pop("UVREF_TRACE", None)
    env.pop("UVREF_TRACE_FORMAT", None)
    env.update(env_extra)
    try:
        proc = subprocess.run(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=timeout)
    except subprocess.TimeoutExpired:
        check(False, "%s with %s still ran after %d s (hung?)" % (argv[0], env_extra, timeout))
        return "", ""
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    if proc.returncode != 0:
        check(False, "%s exited with %d\n%s" % (argv[0], proc.returncode, err[-4000:]))
    return out, err


def run_json(argv, spec):
    """Runs argv with the trace going to a file as JSON lines; returns (stdout, records)."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "trace.jsonl")
        out, _ = run(argv, {"UVREF_TRACE": spec + ("," if spec else "") + path,
                            "UVREF_TRACE_FORMAT": "json"})
        records = []
        with open(path, encoding="utf-8") as f:
            for n, line in enumerate(f, 1):
                try:
                    rec = json.loads(line)
                except ValueError as e:
                    check(False, "line %d is not JSON (%s): %r" % (n, e, line))
                    continue
                check(set(rec) == KEYS, "line %d keys %s" % (n, sorted(rec)))
                check(rec["result"] is not None or rec["call"] == "execve",
                      "line %d: no result, and not an execve: %r" % (n, line))
                records.append(rec)
    check(records, "%s printed no trace line" % argv[0])
    return out, records


def check_pages(records, docs):
    for rec in records:
        if rec.get("docs") is not None:
            check(os.path.isfile(os.path.join(docs, rec["docs"] + ".md")),
                  "docs: %s (from %s) is not a page in docs/" % (rec["docs"], rec["unit"]))


def fds_of(rec):
    """The descriptors a creating call returned: its result, or the pair in pipe2([a, b], ...)."""
    m = re.match(r"\w+\(\[(\d+), (\d+)\]", rec["text"])
    return [int(m.group(1)), int(m.group(2))] if m else [rec["result"]]


def loop_init(args):
    out, records = run_json([args.tour], "loop-init")
    check_pages(records, args.docs)
    check(all(r["part"] == "loop-init" for r in records),
          "the filter let through: %s" % sorted({r["part"] for r in records} - {"loop-init"}))
    creating = [r for r in records if r["call"] in ("epoll_create1", "pipe2", "eventfd2")][:4]
    # LOOP: "loop 0x...", the address the line's `loop` key holds.
    expected = [("epoll_create1", "Stage 1: LOOP->backend_fd", "loop->backend_fd"),
                ("pipe2", "Stage 2: signal_lock_pipefd", "signal_lock_pipefd[0]"),
                ("pipe2", "Stage 3: LOOP->signal_pipefd", "loop->signal_pipefd[0]"),
                ("eventfd2", "Stage 4: LOOP->async_io_watcher.fd", "loop->async_io_watcher.fd")]
    check(len(creating) == 4, "four descriptor-making calls expected, got %d" % len(creating))
    # The tour prints "fd N  <kind>  <flags>  <owner>" for each new descriptor, the owner
    # read off the loop's fields (src/debug/fd_owner.cpp).
    tour_owner = {}
    for line in out.splitlines():
        m = re.match(r"\s+fd (\d+)\s+\S+\s+\S+\s+\S+ (.*)$", line)
        if m:
            tour_owner.setdefault(int(m.group(1)), m.group(2))
    for rec, (call, owner, field) in zip(creating, expected):
        check(rec["call"] == call, "expected %s, got %s" % (call, rec["text"]))
        check(rec["error"] is None, "%s failed: %s" % (rec["text"], rec["error"]))
        if "LOOP" in owner:
            check(rec["loop"] is not None and re.fullmatch(r"0x[0-9a-f]+", rec["loop"]) is not None,
                  "%s: no loop address: %r" % (call, rec["loop"]))
            owner = owner.replace("LOOP", "loop %s" % rec["loop"])
        else:
            check(rec["loop"] is None, "%s: the lock pipe belongs to no loop, the line says %r" % (call, rec["loop"]))
        check(rec["handle"] is None, "%s: a loop-init line names a handle: %r" % (call, rec["handle"]))
        check((rec["owner"] or "").startswith(owner), "%s: owner %r, expected %r" % (call, rec["owner"], owner))
        fd = fds_of(rec)[0]
        check(tour_owner.get(fd, "").startswith(field),
              "%s: fd %d is %r in the tour's output, the trace says %r" % (call, fd, tour_owner.get(fd), field))
    loops = {r["loop"] for r in creating if r["call"] != "pipe2" or "signal_pipe" in r["unit"]}
    check(len(loops) == 1, "stages 1, 3 and 4 of the first loop name different loops: %s" % sorted(map(str, loops)))
    units = [r["unit"] for r in creating]
    check(units == ["loop_init/epoll_create.cpp", "loop_init/signal_lock_pipe.cpp",
                    "loop_init/signal_pipe.cpp", "loop_init/async_eventfd.cpp"], "units: %s" % units)


def demo(args):
    _, records = run_json([args.demo], "")
    check_pages(records, args.docs)
    by_function = {r["function"] for r in records}
    check("signal_handler" in by_function, "no call from the signal handler")
    check(any(r["function"] == "signal_handler" and r["call"] == "write" for r in records),
          "the handler's write to the signal pipe is missing")
    check(any(r["call"] == "write" and r["unit"] == "loop_init/async_eventfd.cpp" and r["tid"] != r["pid"]
              for r in records), "no uv_async_send write from a pool thread")
    check(any(r["call"] == "sendmsg" and "SCM_RIGHTS[" in r["text"] for r in records),
          "no sendmsg with SCM_RIGHTS")
    check(any(r["call"] == "recvmsg" and "SCM_RIGHTS[" in r["text"] for r in records),
          "no recvmsg that received a descriptor")

    _, err = run([args.demo], {"UVREF_TRACE": "1"})
    lines = [l for l in err.splitlines() if l.startswith("uvref[")]
    # Not line for line equal to the JSON run: how many wake-ups a uv_async_send makes depends on timing.
    check(len(lines) > len(records) // 2, "text: %d lines, JSON: %d" % (len(lines), len(records)))
    check(not [l for l in err.splitlines() if not l.startswith("uvref[")], "stderr has other lines")
    for line in lines:
        check(TEXT_LINE.match(line) is not None, "text line has another shape: %r" % line)

    _, filtered = run_json([args.demo], "fdpass,loop-init")
    parts = {r["part"] for r in filtered}
    check(parts == {"fdpass", "loop-init"}, "filter fdpass,loop-init printed parts %s" % sorted(parts))


def hostile(args):
    untraced, _ = run([args.demo], {})
    with tempfile.TemporaryDirectory() as tmp:
        fifo = os.path.join(tmp, "fifo")
        os.mkfifo(fifo)
        long_path = "/" + "a" * 5000
        # (UVREF_TRACE, UVREF_TRACE_FORMAT, what stderr must match, whether trace lines follow)
        cases = [
            ("", None, r"", False),
            (",,,", None, r"", False),
            ("fdpas", None, r"^uvref: UVREF_TRACE: 'fdpas' is not a part, 1, all or a path .*parts: loop-init ", False),
            ("fdpass,bogus", None, r"^uvref: UVREF_TRACE: 'bogus' is not a part", True),
            (tmp, None, r"^uvref: UVREF_TRACE: cannot open the trace file '%s': EISDIR; the trace is off$" % re.escape(tmp), False),
            (tmp + "/no/such", None, r"cannot open the trace file '.*/no/such': ENOENT; the trace is off$", False),
            (fifo, None, r"cannot open the trace file '.*/fifo': ENXIO \(a FIFO with no reader: start the reader first\); the trace is off$", False),
            (long_path, None, r"cannot open the trace file '/aaaa.*\.\.\.$", False),
            ("/dev/full", None, r"", False),
            ("1", "JSON", r"^uvref: UVREF_TRACE_FORMAT: 'JSON' is not json or text; printing text$", True),
        ]
        for spec, fmt, message, lines_follow in cases:
            env = {"UVREF_TRACE": spec}
            if fmt is not None:
                env["UVREF_TRACE_FORMAT"] = fmt
            what = "UVREF_TRACE=%r UVREF_TRACE_FORMAT=%r" % (spec[:40], fmt)
            out, err = run([args.demo], env, timeout=10)  # the demo takes milliseconds
            check(out == untraced, "%s: stdout %r, untraced %r" % (what, out, untraced))
            others = [l for l in err.splitlines() if not TEXT_LINE.match(l)]
            if message:
                check(len(others) == 1 and re.search(message, others[0]) is not None,
                      "%s: stderr should say %r, says %r" % (what, message, others))
            else:
                check(not others, "%s: stderr should be quiet, says %r" % (what, others))
            traced = [l for l in err.splitlines() if TEXT_LINE.match(l)]
            check(bool(traced) == lines_follow, "%s: %d trace lines" % (what, len(traced)))
            if spec == "fdpass,bogus":
                check(all(TEXT_LINE.match(l).group(2) == "fdpass" for l in traced), "%s: other parts" % what)

    # `ulimit -n 64`: no descriptor number of 100 or above. Stderr still gets the lines; a
    # trace file cannot be opened there, and says why.
    def low_limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (64, 64))
    tmp = tempfile.TemporaryDirectory()
    for spec, message in [("1", None), (os.path.join(tmp.name, "t.log"), r"EINVAL \(the open files limit is 100 or less")]:
        env = dict(os.environ, UVREF_TRACE=spec)
        env.pop("UVREF_TRACE_FORMAT", None)
        proc = subprocess.run([args.demo], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=10,
                              preexec_fn=low_limit)
        err = proc.stderr.decode("utf-8", "replace").splitlines()
        what = "UVREF_TRACE=%s with 64 descriptors at most" % spec
        check(proc.returncode == 0 and proc.stdout.decode() == untraced, "%s: exit %d" % (what, proc.returncode))
        if message is None:
            check(err and all(TEXT_LINE.match(l) for l in err), "%s: stderr %r" % (what, err[:3]))
        else:
            check(len(err) == 1 and re.search(message, err[0]), "%s: stderr %r" % (what, err[:3]))
    tmp.cleanup()

    # `demo 2>&1 | head -1`: stderr is a pipe whose reader has gone. Untraced, the demo never
    # writes there; traced it must not die of SIGPIPE.
    reader, writer = os.pipe()
    os.close(reader)
    env = dict(os.environ, UVREF_TRACE="1")
    env.pop("UVREF_TRACE_FORMAT", None)
    proc = subprocess.run([args.demo], env=env, stdout=subprocess.PIPE, stderr=writer, timeout=60)
    os.close(writer)
    check(proc.returncode == 0, "stderr a pipe without reader: exit status %d" % proc.returncode)
    check(proc.stdout.decode() == untraced, "stderr a pipe without reader: stdout %r" % proc.stdout)


def setuid(args):
    """The demo installed setuid to another user: UVREF_TRACE must be ignored (secure mode)."""
    if os.geteuid() != 0:
        print("SKIPPED: making a setuid program of another user needs root")
        return SKIP
    with open(args.demo, "rb") as f:
        binary = f.read()
    if b"__asan_init" in binary or b"__tsan_init" in binary:
        print("SKIPPED: the sanitizers' runtime does not run set-user-ID (this is an ASan or TSan build)")
        return SKIP
    with tempfile.TemporaryDirectory() as tmp:
        os.chmod(tmp, 0o755)
        os.chown(tmp, 65534, -1)  # nobody's directory: the program, as nobody, could make the file
        prog = os.path.join(tmp, "demo")
        shutil.copy(args.demo, prog)
        os.chown(prog, 65534, -1)
        os.chmod(prog, 0o4755)
        # In secure mode the dynamic loader ignores LD_SHOW_AUXV: if it prints the auxiliary
        # vector, the set-user-ID bit did not take (a nosuid mount) and there is nothing to test.
        probe = subprocess.run([prog], env=dict(os.environ, LD_SHOW_AUXV="1"), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, timeout=10)
        if b"AT_SECURE" in probe.stdout:
            print("SKIPPED: %s does not run set-user-ID here (nosuid mount?)" % tmp)
            return SKIP
        target = os.path.join(tmp, "appended-by-nobody")
        untraced, _ = run([prog], {})
        for spec in ["1", target]:
            out, err = run([prog], {"UVREF_TRACE": spec, "UVREF_TRACE_FORMAT": "json"})
            check(out == untraced, "setuid, UVREF_TRACE=%s: stdout %r" % (spec, out))
            check(err == "", "setuid, UVREF_TRACE=%s: stderr %r" % (spec, err[:300]))
        check(not os.path.exists(target), "setuid: the trace made %s" % target)
    return 0


def pages(args):
    with open(args.table, encoding="utf-8") as f:
        table = re.findall(r'^ *\{"([^"]+)", "([^"]+)"\},$', f.read(), re.M)
    check(len(table) > 0, "empty page table")
    for unit, page in table:
        check(os.path.isfile(os.path.join(args.docs, page + ".md")),
              "%s -> %s: not a page in docs/" % (unit, page))


CALLS = {"accept4", "bind", "close", "connect", "epoll_create1", "epoll_ctl", "epoll_wait",
         "eventfd2", "execve", "fork", "listen", "pipe2", "read", "recvmsg", "sendmsg", "socket",
         "socketpair", "unlink", "waitpid", "write", "writev", "kill", "rt_sigaction"}


def walkthroughs(args):
    pages = sorted(os.path.join(args.walkthroughs, d, "walkthrough.md") for d in os.listdir(args.walkthroughs)
                   if os.path.isfile(os.path.join(args.walkthroughs, d, "walkthrough.md")))
    check(pages, "no walkthrough pages in %s" % args.walkthroughs)
    for page in pages:
        with open(page, encoding="utf-8") as f:
            text = " ".join(f.read().split())
        m = re.search(r"Without GDB, `UVREF_TRACE=(\S+) build/debug/(\S+)` (.*?)\(\{ref\}`watching`\)", text)
        if not check(m is not None, "%s: no UVREF_TRACE sentence" % page):
            continue
        parts, program, claim = m.groups()
        _, records = run_json([os.path.join(args.build, program)], parts)
        check_pages(records, args.docs)
        seen = {r["part"] for r in records}
        for part in parts.split(","):
            check(part in seen, "%s: no %s line from %s" % (page, part, program))
        for word in re.findall(r"`([A-Za-z_0-9]+)`", claim):
            if word in CALLS:
                check(any(r["call"] == word for r in records), "%s: no %s call" % (page, word))
            elif re.fullmatch(r"E[A-Z]+", word):
                check(any(r["error"] == word for r in records), "%s: no call failed with %s" % (page, word))
            elif word == "SCM_RIGHTS":
                check(any("SCM_RIGHTS[" in r["text"] for r in records), "%s: no SCM_RIGHTS" % page)
            else:
                check(False, "%s: the check does not know `%s`" % (page, word))
        if "thread id" in claim:
            check(any(r["tid"] != r["pid"] for r in records), "%s: no line from another thread" % page)
        if "both processes" in claim:
            check(len({r["pid"] for r in records}) >= 2, "%s: lines from one process only" % page)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("mode", choices=["loop-init", "demo", "hostile", "setuid", "pages", "walkthroughs"])
    p.add_argument("--walkthroughs")
    p.add_argument("--build")
    p.add_argument("--tour")
    p.add_argument("--demo")
    p.add_argument("--table")
    p.add_argument("--docs", required=True)
    args = p.parse_args()
    skipped = {"loop-init": loop_init, "demo": demo, "hostile": hostile, "setuid": setuid,
               "pages": pages, "walkthroughs": walkthroughs}[args.mode](args) == SKIP
    if skipped and not failures:
        return SKIP
    print("%s: %s" % (args.mode, "FAILED (%d)" % len(failures) if failures else "ok"))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
