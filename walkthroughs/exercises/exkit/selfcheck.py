"""The honesty check: does the grading tell the truth about every exercise?

On a copy of the tree under the work directory (never the source tree; the
copy is synced by content, so a second run rebuilds only what changed):

A. reference: every exercise gets full marks; every check's test cases carry
   the exercise's [ex:NAME] tag and every tagged test case is graded; every
   hint's docs page section and walkthrough exist.
B. starter (that exercise blanked, the rest reference): it builds and fails
   every check it grades (a check that passes on a stub is a defect); each
   known-wrong solution fails the checks it names, with their hints.
C. export: the tree `ex export` writes has no instructor notes, no known-wrong
   solutions and no reference region; its own `ex grade NAME --json` builds,
   scores 0 and writes Gradescope's JSON shape; then, solving the exercises
   one by one in course order, each gets full marks with the later ones still
   blanked (the stubs leave the rest of the library usable).
D. grade-all: two submissions (a directory with the first exercise's
   reference unit, a patch with the first two) graded at the expected scores.
"""
import csv
import difflib
import io
import json
import os
import subprocess
import sys
import time

from . import batch, grade, pointers, regions, report, spec, tree


class Failures:
    def __init__(self):
        self.items = []

    def add(self, what):
        self.items.append(what)
        print("  DEFECT: " + what, flush=True)


def _grade(work_tree, ex, all_ex):
    return grade.grade(work_tree, ex, all_ex)


def _summary(g):
    return " ".join(f"{r.check.id}={'P' if r.passed else 'F'}" for r in g.results)


def _check_pointers(root, ex, bad):
    for c in ex.checks:
        try:
            pointers.describe(root, c)
            pointers.walkthrough(root, c.gdb)
        except pointers.PointerError as e:
            bad.add(f"{ex.name}/{c.id}: {e}")
    try:
        pointers.docs_section(root, ex.read_first)
        pointers.walkthrough(root, ex.walkthrough)
    except pointers.PointerError as e:
        bad.add(f"{ex.name}: {e}")


def _check_tags(work_tree, ex, bad):
    tagged = set(grade.tagged_tests(work_tree, ex.name))
    used = set()
    for c in ex.checks:
        if c.kind != "unit":
            continue
        matched = grade.matched_tests(work_tree, c)
        if not matched:
            bad.add(f"{ex.name}/{c.id}: its tests match no test case: {c.tests}")
        for t in matched:
            if t not in tagged:
                bad.add(f"{ex.name}/{c.id}: test case {t!r} lacks the tag [ex:{ex.name}]")
        used.update(matched)
    for t in sorted(tagged - used):
        bad.add(f"{ex.name}: test case {t!r} is tagged [ex:{ex.name}] but no check grades it")


def _phase_reference(root, work_tree, exercises, all_ex, bad):
    tree.sync(root, work_tree)
    for ex in exercises:
        _check_pointers(root, ex, bad)
        g = _grade(work_tree, ex, all_ex)
        print(f"  reference {ex.name}: {g.score}/{g.max_score}  {_summary(g)}", flush=True)
        if g.build_log:
            bad.add(f"{ex.name}: the reference does not build:\n{g.build_log}")
            continue
        if g.score != g.max_score:
            for r in g.results:
                if not r.passed:
                    bad.add(f"{ex.name}/{r.check.id}: fails on the reference:\n{r.output}")
        _check_tags(work_tree, ex, bad)


def _phase_starter(root, work_tree, exercises, all_ex, bad):
    for ex in exercises:
        tree.sync(root, work_tree, tree.blanked_files(root, [ex]))
        g = _grade(work_tree, ex, all_ex)
        print(f"  starter   {ex.name}: {g.score}/{g.max_score}  {_summary(g)}", flush=True)
        if g.build_log:
            bad.add(f"{ex.name}: the starter does not build:\n{g.build_log}")
        for r in g.results:
            if r.passed:
                bad.add(f"{ex.name}/{r.check.id}: passes on the starter (the check cannot tell a stub "
                        "from a solution)")
        for w in ex.wrong:
            region = ex.region(w.region)
            text = regions.mutate(tree.read(root, region.file), w.region, w.replace, w.with_)
            tree.sync(root, work_tree, {region.file: text})
            g = _grade(work_tree, ex, all_ex)
            print(f"  wrong     {ex.name}/{w.id}: {g.score}/{g.max_score}  {_summary(g)}", flush=True)
            if g.build_log:
                bad.add(f"{ex.name}/{w.id}: the known-wrong solution does not build:\n{g.build_log}")
                continue
            out = io.StringIO()
            report.console(g, out)
            for r in g.results:
                if r.check.id in w.fails:
                    if r.passed:
                        bad.add(f"{ex.name}/{w.id}: check {r.check.id} passes the known-wrong solution "
                                f"({w.what})")
                    elif r.check.hint.strip() not in out.getvalue():
                        bad.add(f"{ex.name}/{w.id}: check {r.check.id} fails without its hint")


def _phase_export(root, work_tree, exercises, all_ex, bad):
    contents = tree.export_contents(root, all_ex)
    tree.sync(root, work_tree, contents)
    for dirpath, _, files in os.walk(os.path.join(work_tree, "walkthroughs", "exercises")):
        for fn in files:
            path = os.path.join(dirpath, fn)
            if fn == "INSTRUCTOR.md":
                bad.add(f"export contains {os.path.relpath(path, work_tree)}")
            if fn == "exercise.toml" and spec.INSTRUCTOR_LINE in tree.read(work_tree, os.path.relpath(path, work_tree)):
                bad.add(f"export contains known-wrong solutions: {os.path.relpath(path, work_tree)}")
    for ex in all_ex:
        for r in ex.regions:
            if regions.body(tree.read(work_tree, r.file), r.name) != regions.body(
                    regions.replace_body(tree.read(root, r.file), r.name, r.stub), r.name):
                bad.add(f"export: {r.file} region {r.name} is not the stub")
    ex_script = os.path.join(work_tree, "walkthroughs", "exercises", "ex")
    for ex in exercises:
        out_json = os.path.join(work_tree, "build", f"results-{ex.name}.json")
        p = subprocess.run([sys.executable, ex_script, "grade", ex.name, "--json", out_json],
                           capture_output=True, text=True)
        if p.returncode != 1:
            bad.add(f"export: `ex grade {ex.name}` exited {p.returncode}, expected 1 (not full marks):\n"
                    + p.stdout[-2000:] + p.stderr[-2000:])
            continue
        with open(out_json, encoding="utf-8") as f:
            data = json.load(f)
        problems = _json_shape_problems(data)
        if problems:
            bad.add(f"export: {ex.name} results.json: {problems}")
        print(f"  export    {ex.name}: {data.get('score')}/{data.get('max_score')} (ex grade --json, exit 1)",
              flush=True)
        if data.get("score") != 0:
            bad.add(f"export: {ex.name} scores {data.get('score')} on the starter, expected 0")
    # Solve the exercises in course order, later ones still blanked: each gets full marks.
    solved = {k: v for k, v in contents.items()}
    for ex in all_ex:
        for r in ex.regions:
            text = solved[r.file].decode()
            solved[r.file] = regions.replace_body(text, r.name, regions.body(tree.read(root, r.file), r.name)).encode()
        if ex not in exercises:
            continue
        tree.sync(root, work_tree, solved)
        g = _grade(work_tree, ex, all_ex)
        print(f"  in order  {ex.name}: {g.score}/{g.max_score}  {_summary(g)}", flush=True)
        if g.score != g.max_score:
            bad.add(f"{ex.name}: solved in course order (later exercises blanked) it gets "
                    f"{g.score}/{g.max_score}: a later exercise's stub breaks its checks:\n"
                    + "\n".join(r.output for r in g.results if not r.passed))


def _phase_grade_all(root, work, work_tree, exercises, all_ex, bad):
    first_two = all_ex[:2]
    subs = os.path.join(work, "submissions")
    starter = {rel: text.decode() for rel, text in tree.export_contents(root, all_ex).items()
               if text is not None and rel.startswith("src/")}
    one = first_two[0]
    for rel in one.files:
        tree.write_if_changed(os.path.join(subs, "dir-" + one.name, rel), tree.read(root, rel))
    diff = []
    for ex in first_two:
        for rel in ex.files:
            if any(d.startswith(f"--- a/{rel}") for d in diff):
                continue
            diff += difflib.unified_diff(starter[rel].splitlines(True), tree.read(root, rel).splitlines(True),
                                         f"a/{rel}", f"b/{rel}")
    tree.write_if_changed(os.path.join(subs, "patched.patch"), "".join(diff))
    csv_path = os.path.join(work, "grades.csv")
    batch.grade_all(root, subs, csv_path, work_tree)
    with open(csv_path, encoding="utf-8") as f:
        rows = {r["submission"]: r for r in csv.DictReader(f)}
    want = {f"dir-{one.name}": {one.name: one.max_score},
            "patched": {ex.name: ex.max_score for ex in first_two}}
    for sub, scores in want.items():
        for name, score in scores.items():
            got = rows.get(sub, {}).get(name)
            if got != str(score):
                bad.add(f"grade-all: {sub} {name} scored {got!r}, expected {score}")


def _json_shape_problems(data):
    if not isinstance(data, dict):
        return "not an object"
    for key, typ in (("score", (int, float)), ("max_score", (int, float)), ("tests", list)):
        if not isinstance(data.get(key), typ):
            return f"missing or mistyped '{key}'"
    total = 0
    for t in data["tests"]:
        for key, typ in (("name", str), ("score", (int, float)), ("max_score", (int, float)), ("output", str)):
            if not isinstance(t.get(key), typ):
                return f"a test lacks '{key}'"
        if t.get("visibility") not in ("visible", "hidden", "after_due_date", "after_published"):
            return "a test has no valid visibility"
        total += t["score"]
    if total != data["score"]:
        return "score is not the sum of the tests' scores"
    return ""


def run(root, work, only):
    work = os.path.abspath(work or os.path.join(root, "build", "exercises-selfcheck"))
    if os.path.commonpath([work, root]) == root and not work.startswith(os.path.join(root, "build") + os.sep):
        print("selfcheck: the work directory must be outside the source tree or under build/", file=sys.stderr)
        return 2
    work_tree = os.path.join(work, "tree")
    all_ex = spec.load_all(root)
    exercises = [e for e in all_ex if not only or e.name in only]
    bad = Failures()
    t0 = time.monotonic()
    print(f"honesty check of {len(exercises)} exercises in {work_tree}", flush=True)
    for title, phase in (("A. reference", _phase_reference), ("B. starter and known-wrong", _phase_starter),
                         ("C. export", _phase_export)):
        t = time.monotonic()
        print(title, flush=True)
        phase(root, work_tree, exercises, all_ex, bad)
        print(f"   ({time.monotonic() - t:.0f} s)", flush=True)
    if not only:
        t = time.monotonic()
        print("D. grade-all", flush=True)
        _phase_grade_all(root, work, work_tree, exercises, all_ex, bad)
        print(f"   ({time.monotonic() - t:.0f} s)", flush=True)
    print(f"honesty check: {len(bad.items)} defects, {time.monotonic() - t0:.0f} s")
    return 1 if bad.items else 0
