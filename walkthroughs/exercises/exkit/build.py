"""The grading build: the library and the checks with AddressSanitizer and UBSan.

It lives in a build directory of its own (build/exercises), configured from
the top-level CMakeLists.txt with the flags of the `asan` configure preset
(read from CMakePresets.json, so there is one copy of them; -O0 instead of
-O1) plus:

- UVREF_EX_TEST_SOURCES: the unit-test files that hold `[ex:...]` test cases,
  compiled into one Catch2 binary, uvref_ex_checks (walkthroughs/exercises/CMakeLists.txt);
- UVREF_EX_PROGRAMS: the C programs of program checks, one target each.

Only those targets are built, so grading compiles the library once and a
student's edit recompiles one unit and relinks.
"""
import glob
import json
import os
import re
import subprocess

CHECKS_TARGET = "uvref_ex_checks"


class BuildError(Exception):
    def __init__(self, log):
        super().__init__("build failed")
        self.log = log


def build_dir(root):
    return os.path.join(root, "build", "exercises")


def tagged_test_sources(root):
    """tests/unit/test_*.cpp files that contain at least one [ex:...] tag."""
    out = []
    for path in sorted(glob.glob(os.path.join(root, "tests", "unit", "test_*.cpp"))):
        with open(path, encoding="utf-8") as f:
            if "[ex:" in f.read():
                out.append(os.path.relpath(path, root))
    return out


def sanitizer_cache(root):
    """The asan preset's cache variables, at -O0: Catch2's runner alone takes minutes to compile
    at -O1 with the sanitizers, and at -O0 a report's stack shows every frame of the student's code."""
    with open(os.path.join(root, "CMakePresets.json"), encoding="utf-8") as f:
        presets = json.load(f)
    for p in presets["configurePresets"]:
        if p["name"] == "asan":
            return {k: v.replace("-O1 ", "-O0 ") for k, v in p["cacheVariables"].items()}
    raise RuntimeError("CMakePresets.json has no 'asan' configure preset")


def _configure_args(root, exercises):
    cache = sanitizer_cache(root)
    cache["UVREF_BUILD_DOCS"] = "OFF"
    cache["UVREF_BUILD_TESTS"] = "ON"
    cache["UVREF_EX_TEST_SOURCES"] = ";".join(tagged_test_sources(root))
    programs = sorted({f"{c.target}={c.source}" for ex in exercises for c in ex.checks if c.kind == "program"})
    cache["UVREF_EX_PROGRAMS"] = ";".join(programs)
    return ["-G", "Ninja"] + [f"-D{k}={v}" for k, v in sorted(cache.items())]


def _short_log(text, limit=80):
    """The compiler's errors with a little context, not the whole Ninja log."""
    lines = text.splitlines()
    keep = [i for i, l in enumerate(lines) if re.search(r"error|Error|undefined reference", l)]
    if not keep:
        return "\n".join(lines[-limit:])
    picked = []
    for i in keep:
        for j in range(max(0, i - 2), min(len(lines), i + 4)):
            if j not in picked:
                picked.append(j)
    return "\n".join(lines[j] for j in picked[:limit])


def ensure_built(root, exercises, targets, quiet=True):
    """Configures (when the inputs changed) and builds targets; raises BuildError with the errors."""
    bdir = build_dir(root)
    args = _configure_args(root, exercises)
    stamp = os.path.join(bdir, "ex-configure.json")
    old = None
    if os.path.isfile(stamp) and os.path.isfile(os.path.join(bdir, "build.ninja")):
        with open(stamp, encoding="utf-8") as f:
            old = json.load(f)
    if old != args:
        r = subprocess.run(["cmake", "-S", root, "-B", bdir] + args, capture_output=True, text=True)
        if r.returncode != 0:
            raise BuildError(r.stdout[-3000:] + r.stderr[-3000:])
        with open(stamp, "w", encoding="utf-8") as f:
            json.dump(args, f)
    cmd = ["cmake", "--build", bdir, "--target"] + sorted(set(targets))
    r = subprocess.run(cmd, capture_output=True, text=True)
    if not quiet:
        print(r.stdout, end="")
    if r.returncode != 0:
        raise BuildError(_short_log(r.stdout + r.stderr))
    return bdir


def checks_binary(root):
    return os.path.join(build_dir(root), "walkthroughs", "exercises", CHECKS_TARGET)


def program_binary(root, check):
    return os.path.join(build_dir(root), "walkthroughs", "exercises", check.target)


def targets_for(exercise):
    out = set()
    for c in exercise.checks:
        out.add(CHECKS_TARGET if c.kind == "unit" else c.target)
    return out
