"""Runs an exercise's checks, each as its own process, and scores them.

A unit check runs the Catch2 binary on the check's test cases; a program
check runs the compiled C program. Each run has a timeout, so a student's
blocked read() costs one check, not the session; a crash or a sanitizer
report fails that check only and its stack is shown. The descriptor-leak
listener of the unit tests (tests/support/fd_leak_listener.cpp) prints a
DESCRIPTOR LEAK line per leaked descriptor: it is shown to the student and
fails the check.
"""
import dataclasses
import os
import re
import subprocess
import tempfile

from . import build, pointers

SANITIZER_ENV = {
    "ASAN_OPTIONS": "detect_leaks=1:abort_on_error=0:halt_on_error=1",
    "UBSAN_OPTIONS": "print_stacktrace=1:halt_on_error=1",
    "LSAN_OPTIONS": "",
}


@dataclasses.dataclass
class CheckResult:
    check: object
    passed: bool
    output: str        # what went wrong (empty when passed)
    hint: str          # the check's hint with its pointers (empty when passed)

    @property
    def score(self):
        return self.check.points if self.passed else 0


@dataclasses.dataclass
class Grade:
    exercise: object
    results: list
    build_log: str = ""

    @property
    def score(self):
        return sum(r.score for r in self.results)

    @property
    def max_score(self):
        return self.exercise.max_score


def catch_spec(names):
    """A Catch2 test spec selecting exactly these test names (',' separates, so escape it)."""
    return ",".join(n.replace("\\", "\\\\").replace(",", "\\,") for n in names)


def _sanitizer_report(text, limit=40):
    lines = text.splitlines()
    for i, l in enumerate(lines):
        if re.search(r"==\d+==ERROR: |runtime error: |==\d+==WARNING: ", l):
            return "\n".join(lines[i:i + limit])
    return ""


def _catch_failures(text, limit=50):
    """Catch2's console report from the first failing test case, without its banner."""
    lines = text.splitlines()
    start = next((i for i, l in enumerate(lines) if l.startswith("-----")), None)
    if start is None:
        return "\n".join(lines[-limit:])
    body = [l for l in lines[start:] if not l.startswith(("~~~~", "====="))]
    return "\n".join(body[:limit])


def _run(cmd, timeout, cwd):
    env = dict(os.environ)
    env.update(SANITIZER_ENV)
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, cwd=cwd, env=env,
                           errors="replace")
        return r.returncode, r.stdout, r.stderr, False
    except subprocess.TimeoutExpired as e:
        out = e.stdout.decode(errors="replace") if isinstance(e.stdout, bytes) else (e.stdout or "")
        err = e.stderr.decode(errors="replace") if isinstance(e.stderr, bytes) else (e.stderr or "")
        return None, out, err, True


def _verdict(code, out, err, timed_out, check):
    """(passed, what went wrong) from one finished process."""
    problems = []
    if timed_out:
        problems.append(f"timed out after {check.timeout:g} s (a call that blocks forever? a lost wake-up?)")
    leaks = [l for l in err.splitlines() if l.startswith("DESCRIPTOR LEAK")]
    for l in leaks:
        problems.append("leaked descriptor: " + l.split(": ", 1)[-1] + " (opened during the check, never closed)")
    san = _sanitizer_report(err)
    if san:
        problems.append("sanitizer report (AddressSanitizer/UBSan):\n" + san)
    if code is not None and code < 0:
        problems.append(f"killed by signal {-code}")
    if check.kind == "unit":
        if "No test cases matched" in out + err:
            problems.append("exercise.toml names a test case that does not exist: " + ", ".join(check.tests))
        elif code not in (0, None) and not san:
            problems.append(_catch_failures(out))
    else:
        if code is not None and code != check.exit and not san:
            problems.append(f"exit status {code}, expected {check.exit}")
        if check.stdout and not re.search(check.stdout, out, re.M):
            problems.append(f"output does not match /{check.stdout}/")
        if problems:
            problems.append("program output:\n" + "\n".join((out + err).splitlines()[-30:]))
    passed = not problems and code == (0 if check.kind == "unit" else check.exit)
    if not passed and not problems:
        problems.append(f"exit status {code}")
    return passed, "\n".join(problems)


def hint_text(root, check):
    try:
        where = pointers.describe(root, check)
    except pointers.PointerError as e:
        where = f"(stale pointer in exercise.toml: {e})"
    return f"Hint: {check.hint.strip()}\n  {where}"


def check_command(root, check):
    if check.kind == "unit":
        return [build.checks_binary(root), catch_spec(check.tests), "--use-colour", "no"]
    return [build.program_binary(root, check)] + list(check.args)


def traced_run(cmd, timeout, cwd, limit=80):
    """Runs cmd again with UVREF_TRACE on; returns (its last `limit` trace lines, how many in all).

    The trace goes to a file (not stderr), so it cannot mix with the program's own output."""
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "trace.log")
        env = {k: v for k, v in os.environ.items() if k != "UVREF_TRACE_FORMAT"}
        env.update(SANITIZER_ENV, UVREF_TRACE="1," + path)
        try:
            subprocess.run(cmd, capture_output=True, timeout=timeout, cwd=cwd, env=env)
        except subprocess.TimeoutExpired:
            pass  # what it printed until then is the interesting part
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                lines = f.read().splitlines()
        except FileNotFoundError:
            lines = []
    return lines[-limit:], len(lines)


def run_check(root, check):
    code, out, err, timed_out = _run(check_command(root, check), check.timeout, root)
    passed, what = _verdict(code, out, err, timed_out, check)
    return CheckResult(check=check, passed=passed, output=what, hint="" if passed else hint_text(root, check))


def grade(root, exercise, all_exercises):
    """Builds and runs every check of exercise; a build failure scores 0 with the compiler's errors."""
    try:
        build.ensure_built(root, all_exercises, build.targets_for(exercise))
    except build.BuildError as e:
        results = [CheckResult(check=c, passed=False, output="did not build:\n" + e.log,
                               hint=hint_text(root, c)) for c in exercise.checks]
        return Grade(exercise=exercise, results=results, build_log=e.log)
    return Grade(exercise=exercise, results=[run_check(root, c) for c in exercise.checks])


def tagged_tests(root, name):
    """The test case names the checks binary carries with the tag [ex:name]."""
    r = subprocess.run([build.checks_binary(root), f"[ex:{name}]", "--list-test-names-only"],
                       capture_output=True, text=True, env={**os.environ, **SANITIZER_ENV})
    return [l for l in r.stdout.splitlines() if l.strip()]


def matched_tests(root, check):
    r = subprocess.run([build.checks_binary(root), catch_spec(check.tests), "--list-test-names-only"],
                       capture_output=True, text=True, env={**os.environ, **SANITIZER_ENV})
    return [l for l in r.stdout.splitlines() if l.strip()]
