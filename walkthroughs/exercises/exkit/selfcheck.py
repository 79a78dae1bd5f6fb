"""The honesty check: does the grading tell the truth about every exercise?

On a copy of the tree under the work directory (never the source tree; the
copy is synced by content, so each state rebuilds only what changed):

A. reference: every exercise gets full marks; every check's test cases carry
   the exercise's [ex:NAME] tag and every tagged test case is graded; every
   hint's docs page section and walkthrough exist.
B. export: the tree `ex export` writes has no instructor notes, no known-wrong
   solutions and no reference region; its own `ex grade NAME --json` builds,
   scores 0 and writes Gradescope's JSON shape, for every exercise.
C. grade-all: two submissions (a directory with the first exercise's
   reference unit, a patch with the first two) graded at the expected scores.
   It runs before D, while the copy is still the export: few units to rebuild.
D. course order: starting from the export, the exercises are solved one by
   one in course order, the later ones still blanked. Before exercise k is
   solved the tree is k's starter as a student meets it (the exercises before
   k solved, k and the rest blanked): it builds and fails every check of k (a
   check that passes on a stub is a defect). Each known-wrong solution of k,
   put in place of k's solution, fails the checks it names, with their hints.
   Solved, k gets full marks (so the stubs of later exercises leave the rest
   of the library usable). The solved tree is the next exercise's starter: no
   build of its own.
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


def _summary(g, seconds):
    marks = " ".join(f"{r.check.id}={'P' if r.passed else 'F'}" for r in g.results)
    return f"{g.score}/{g.max_score}  {marks}  ({seconds:.1f} s)"


def _timed(grade_fn, *args):
    t = time.monotonic()
    g = grade_fn(*args)
    return g, time.monotonic() - t


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


def _phase_reference(root, copy, exercises, all_ex, bad):
    work_tree = copy.dst_root
    copy.sync()
    for ex in exercises:
        _check_pointers(root, ex, bad)
        g, seconds = _timed(_grade, work_tree, ex, all_ex)
        print(f"  reference {ex.name}: {_summary(g, seconds)}", flush=True)
        if g.build_log:
            bad.add(f"{ex.name}: the reference does not build:\n{g.build_log}")
            continue
        if g.score != g.max_score:
            for r in g.results:
                if not r.passed:
                    bad.add(f"{ex.name}/{r.check.id}: fails on the reference:\n{r.output}")
        _check_tags(work_tree, ex, bad)


def _phase_export(root, copy, exercises, all_ex, bad):
    work_tree = copy.dst_root
    copy.sync(tree.export_contents(root, all_ex))
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
        t = time.monotonic()
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
        print(f"  export    {ex.name}: {data.get('score')}/{data.get('max_score')} (ex grade --json, exit 1)"
              f"  ({time.monotonic() - t:.1f} s)", flush=True)
        if data.get("score") != 0:
            bad.add(f"export: {ex.name} scores {data.get('score')} on the starter, expected 0")


def starter_defects(ex, g):
    """What is wrong with grade g of exercise ex's starter: it must build and fail every check."""
    out = []
    if g.build_log:
        out.append(f"{ex.name}: the starter does not build:\n{g.build_log}")
    for r in g.results:
        if r.passed:
            out.append(f"{ex.name}/{r.check.id}: passes on the starter (the check cannot tell a stub from a "
                       "solution)")
    return out


def solved_defects(ex, g):
    """What is wrong with grade g of exercise ex solved in course order: it must get full marks."""
    if g.score == g.max_score:
        return []
    return [f"{ex.name}: solved in course order (later exercises blanked) it gets {g.score}/{g.max_score}: "
            "a later exercise's stub breaks its checks:\n" + "\n".join(r.output for r in g.results if not r.passed)]


def wrong_defects(ex, w, g):
    """What is wrong with grade g of the known-wrong solution w: each check it names fails, with its hint."""
    if g.build_log:
        return [f"{ex.name}/{w.id}: the known-wrong solution does not build:\n{g.build_log}"]
    out = io.StringIO()
    report.console(g, out)
    bad = []
    for r in g.results:
        if r.check.id in w.fails:
            if r.passed:
                bad.append(f"{ex.name}/{w.id}: check {r.check.id} passes the known-wrong solution ({w.what})")
            elif r.check.hint.strip() not in out.getvalue():
                bad.append(f"{ex.name}/{w.id}: check {r.check.id} fails without its hint")
    return bad


def _phase_course_order(root, copy, exercises, all_ex, bad, grade_fn=None):
    grade_fn = grade_fn or _grade
    work_tree = copy.dst_root
    state = tree.export_contents(root, all_ex)
    for ex in all_ex:
        checked = ex in exercises
        if checked:
            copy.sync(state)
            g, seconds = _timed(grade_fn, work_tree, ex, all_ex)
            print(f"  starter   {ex.name}: {_summary(g, seconds)}", flush=True)
            for d in starter_defects(ex, g):
                bad.add(d)
        for r in ex.regions:
            text = state[r.file].decode()
            state[r.file] = regions.replace_body(text, r.name, regions.body(tree.read(root, r.file), r.name)).encode()
        if not checked:
            continue
        # The known-wrong solutions before the solution itself: the tree then ends in the
        # solved state, which is the next exercise's starter, already built.
        for w in ex.wrong:
            region = ex.region(w.region)
            wrong = dict(state)
            wrong[region.file] = regions.mutate(state[region.file].decode(), w.region, w.replace, w.with_).encode()
            copy.sync(wrong)
            g, seconds = _timed(grade_fn, work_tree, ex, all_ex)
            print(f"  wrong     {ex.name}/{w.id}: {_summary(g, seconds)}", flush=True)
            for d in wrong_defects(ex, w, g):
                bad.add(d)
        copy.sync(state)
        g, seconds = _timed(grade_fn, work_tree, ex, all_ex)
        print(f"  solved    {ex.name}: {_summary(g, seconds)}", flush=True)
        for d in solved_defects(ex, g):
            bad.add(d)


def _phase_grade_all(root, copy, exercises, all_ex, bad):
    work_tree = copy.dst_root
    work = os.path.dirname(work_tree)
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
    copy.forget()  # grade-all synced the copy itself
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
    copy = tree.Mirror(root, work_tree)
    phases = [("A. reference", _phase_reference), ("B. export", _phase_export)]
    if not only:
        phases.append(("C. grade-all", _phase_grade_all))
    phases.append(("D. course order: starter, known-wrong, solved", _phase_course_order))
    for title, phase in phases:
        t = time.monotonic()
        print(title, flush=True)
        phase(root, copy, exercises, all_ex, bad)
        print(f"   ({time.monotonic() - t:.0f} s)", flush=True)
    print(f"honesty check: {len(bad.items)} defects, {time.monotonic() - t0:.0f} s")
    return 1 if bad.items else 0
