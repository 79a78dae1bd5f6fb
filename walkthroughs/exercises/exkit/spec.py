"""exercise.toml: one file per exercise folder, loaded and checked here.

The format is documented in walkthroughs/exercises/AUTHORING.md. Everything a
student sees (task, stubs, hints, checks) and the instructor's known-wrong
solutions live in the one file; the known-wrong part comes last, after
INSTRUCTOR_LINE, so that `ex export` can cut it off.
"""
import dataclasses
import os
import re
import tomllib

INSTRUCTOR_LINE = "# --- instructor only: known-wrong solutions (ex export removes everything below) ---"
PARTS = {"I": "Part I: loop initialisation", "core": "Core: the loop's own machinery",
         "II": "Part II: streams and pipes", "III": "Part III: passing descriptors",
         "IV": "Part IV: descriptors in flight"}
DIFFICULTY = {1: "easy", 2: "medium", 3: "hard"}


class SpecError(Exception):
    pass


@dataclasses.dataclass
class Region:
    file: str          # path from the repository root
    name: str          # the NAME of // [docs:NAME]
    stub: str          # what the starter has between the markers


@dataclasses.dataclass
class Check:
    id: str
    title: str
    points: int
    kind: str          # "unit" (Catch2 test cases) or "program" (a C program built against uvref)
    hint: str
    docs: str          # docs page (path under docs/, optional #anchor) the hint points at
    gdb: str           # walkthrough folder under walkthroughs/ the hint points at
    tests: list        # unit: Catch2 test names (wildcards * allowed)
    source: str = ""   # program: C file from the repository root
    args: list = dataclasses.field(default_factory=list)
    exit: int = 0
    stdout: str = ""   # program: a regex the output must match
    timeout: float = 30.0

    @property
    def target(self):
        """The CMake target of a program check."""
        folder = os.path.basename(os.path.dirname(self.source))
        stem = os.path.splitext(os.path.basename(self.source))[0]
        return "ex-prog-" + re.sub(r"[^A-Za-z0-9_-]", "-", f"{folder}-{stem}")


@dataclasses.dataclass
class Wrong:
    id: str
    what: str
    region: str
    replace: str
    with_: str
    fails: list


@dataclasses.dataclass
class Exercise:
    name: str
    folder: str
    title: str
    part: str
    order: int
    difficulty: int
    minutes: int
    read_first: str
    walkthrough: str
    goals: list
    prerequisites: list
    task: str
    regions: list
    checks: list
    hints: list
    wrong: list
    week: int = 1          # the week of the 4-week course plan
    workshop: bool = False  # part of the 1-day workshop plan

    @property
    def files(self):
        out = []
        for r in self.regions:
            if r.file not in out:
                out.append(r.file)
        return out

    @property
    def max_score(self):
        return sum(c.points for c in self.checks)

    def region(self, name):
        for r in self.regions:
            if r.name == name:
                return r
        raise SpecError(f"{self.name}: no region {name}")


def _need(d, key, typ, where):
    if key not in d:
        raise SpecError(f"{where}: missing '{key}'")
    if not isinstance(d[key], typ):
        raise SpecError(f"{where}: '{key}' must be {typ.__name__}")
    return d[key]


def load(folder):
    name = os.path.basename(os.path.normpath(folder))
    path = os.path.join(folder, "exercise.toml")
    with open(path, "rb") as f:
        try:
            d = tomllib.load(f)
        except tomllib.TOMLDecodeError as e:
            raise SpecError(f"{path}: {e}") from None
    w = path
    part = _need(d, "part", str, w)
    if part not in PARTS:
        raise SpecError(f"{w}: part must be one of {', '.join(PARTS)}")
    difficulty = _need(d, "difficulty", int, w)
    if difficulty not in DIFFICULTY:
        raise SpecError(f"{w}: difficulty must be 1, 2 or 3")
    regions = [Region(file=_need(r, "file", str, w), name=_need(r, "name", str, w), stub=_need(r, "stub", str, w))
               for r in _need(d, "region", list, w)]
    checks = []
    for c in _need(d, "check", list, w):
        cw = f"{w} [[check]] {c.get('id', '?')}"
        kind = c.get("kind", "unit")
        check = Check(id=_need(c, "id", str, cw), title=_need(c, "title", str, cw),
                      points=_need(c, "points", int, cw), kind=kind, hint=_need(c, "hint", str, cw),
                      docs=_need(c, "docs", str, cw), gdb=_need(c, "gdb", str, cw),
                      tests=c.get("tests", []), source=c.get("source", ""), args=c.get("args", []),
                      exit=c.get("exit", 0), stdout=c.get("stdout", ""),
                      timeout=float(c.get("timeout", 30)))
        if kind == "unit" and not check.tests:
            raise SpecError(f"{cw}: a unit check needs tests = [...]")
        if kind == "program" and not check.source:
            raise SpecError(f"{cw}: a program check needs source = \"...\"")
        if kind not in ("unit", "program"):
            raise SpecError(f"{cw}: kind must be unit or program")
        if check.points <= 0:
            raise SpecError(f"{cw}: points must be positive")
        checks.append(check)
    ids = [c.id for c in checks]
    if len(set(ids)) != len(ids):
        raise SpecError(f"{w}: check ids must be unique")
    wrong = [Wrong(id=_need(x, "id", str, w), what=_need(x, "what", str, w), region=_need(x, "region", str, w),
                   replace=_need(x, "replace", str, w), with_=_need(x, "with", str, w),
                   fails=_need(x, "fails", list, w)) for x in d.get("wrong", [])]
    for x in wrong:
        for f in x.fails:
            if f not in ids:
                raise SpecError(f"{w}: known-wrong {x.id} expects unknown check {f}")
    hints = _need(d, "hints", list, w)
    if len(hints) != 3:
        raise SpecError(f"{w}: the hint ladder has exactly 3 hints")
    ex = Exercise(name=name, folder=folder, title=_need(d, "title", str, w), part=part,
                  order=_need(d, "order", int, w), difficulty=difficulty, minutes=_need(d, "minutes", int, w),
                  read_first=_need(d, "read_first", str, w), walkthrough=_need(d, "walkthrough", str, w),
                  goals=_need(d, "goals", list, w), prerequisites=d.get("prerequisites", []),
                  task=_need(d, "task", str, w), regions=regions, checks=checks, hints=hints, wrong=wrong,
                  week=_need(d, "week", int, w), workshop=d.get("workshop", False))
    if ex.week not in (1, 2, 3, 4):
        raise SpecError(f"{w}: week must be 1 to 4 (the 4-week course plan)")
    for x in wrong:
        ex.region(x.region)
    return ex


def exercises_dir(root):
    return os.path.join(root, "walkthroughs", "exercises")


def load_all(root):
    """Every exercise under walkthroughs/exercises/, in the suggested course order."""
    base = exercises_dir(root)
    out = []
    for entry in sorted(os.listdir(base)):
        folder = os.path.join(base, entry)
        if os.path.isfile(os.path.join(folder, "exercise.toml")):
            out.append(load(folder))
    out.sort(key=lambda e: (e.order, e.name))
    orders = [e.order for e in out]
    if len(set(orders)) != len(orders):
        raise SpecError("two exercises have the same 'order'")
    return out


def find(root, name):
    for ex in load_all(root):
        if ex.name == name:
            return ex
    raise SpecError(f"no exercise named {name!r} (see: ex list)")
