"""Fast checks of the exercise framework itself (no build): CTest exercises.framework."""
import contextlib
import io
import os
import tempfile
import time
import unittest

from exkit import grade, pointers, regions, report, selfcheck, spec, tree

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))))

UNIT = """int a;
// [docs:one]
int f() { return 1; }
// [/docs:one]
  // [docs:two]
  int g() { return 2; }
  // [/docs:two]
"""


class Regions(unittest.TestCase):
    def test_body_and_replace_keep_the_markers(self):
        self.assertEqual(regions.body(UNIT, "one"), "int f() { return 1; }\n")
        out = regions.replace_body(UNIT, "two", "  int g() { return 0; }  // TODO")
        self.assertIn("  // [docs:two]\n  int g() { return 0; }  // TODO\n  // [/docs:two]", out)
        self.assertEqual(regions.body(out, "one"), regions.body(UNIT, "one"))

    def test_missing_or_duplicate_markers_are_errors(self):
        with self.assertRaises(regions.RegionError):
            regions.body(UNIT, "three")
        with self.assertRaises(regions.RegionError):
            regions.body(UNIT + "// [docs:one]\n", "one")
        with self.assertRaises(regions.RegionError):
            regions.body("// [docs:x]\nint x;\n", "x")

    def test_a_mutation_must_match_once_inside_the_region(self):
        self.assertIn("return 7", regions.mutate(UNIT, "one", "return 1", "return 7"))
        with self.assertRaises(regions.RegionError):
            regions.mutate(UNIT, "one", "return 2", "return 7")  # only in region two


class Specs(unittest.TestCase):
    def test_every_exercise_loads_and_its_pointers_resolve(self):
        exercises = spec.load_all(ROOT)
        self.assertGreater(len(exercises), 0)
        for ex in exercises:
            pointers.docs_section(ROOT, ex.read_first)
            pointers.walkthrough(ROOT, ex.walkthrough)
            for c in ex.checks:
                pointers.describe(ROOT, c)
                self.assertTrue(c.hint.strip())
            for r in ex.regions:
                body = regions.body(tree.read(ROOT, r.file), r.name)
                self.assertIn("TODO", r.stub, f"{ex.name}/{r.name}: a stub says what to do")
                self.assertNotEqual(body.strip(), r.stub.strip())
            for w in ex.wrong:
                r = ex.region(w.region)
                regions.mutate(tree.read(ROOT, r.file), w.region, w.replace, w.with_)

    def test_every_exercise_has_its_page_and_its_unit_pages_link_to_it(self):
        for ex in spec.load_all(ROOT):
            with open(os.path.join(ROOT, "docs", "exercises", ex.name + ".md"), encoding="utf-8") as f:
                page = f.read()
            self.assertIn(f"# Exercise: {ex.title}\n", page)
            self.assertIn(f"```{{exercise}} {ex.name}\n", page)
            with open(os.path.join(ROOT, "docs", ex.read_first), encoding="utf-8") as f:
                self.assertIn(f"exercises/{ex.name}.md", f.read(), f"docs/{ex.read_first} links to its exercise")

    def test_at_least_a_third_have_a_known_wrong_solution(self):
        exercises = spec.load_all(ROOT)
        self.assertGreaterEqual(3 * sum(1 for e in exercises if e.wrong), len(exercises))

    def test_a_missing_key_is_reported(self):
        with tempfile.TemporaryDirectory() as d:
            os.makedirs(os.path.join(d, "x"))
            with open(os.path.join(d, "x", "exercise.toml"), "w") as f:
                f.write('title = "t"\npart = "I"\n')
            with self.assertRaises(spec.SpecError):
                spec.load(os.path.join(d, "x"))


class Export(unittest.TestCase):
    def test_the_export_holds_stubs_only_and_no_instructor_material(self):
        exercises = spec.load_all(ROOT)
        contents = tree.export_contents(ROOT, exercises)
        for ex in exercises:
            rel = os.path.relpath(ex.folder, ROOT)
            self.assertIsNone(contents[os.path.join(rel, "INSTRUCTOR.md")])
            self.assertIsNone(contents[os.path.join("walkthroughs", "exercises", "INSTRUCTOR.md")])
            toml = contents[os.path.join(rel, "exercise.toml")].decode()
            self.assertNotIn("[[wrong]]", toml)
            for r in ex.regions:
                self.assertEqual(regions.body(contents[r.file].decode(), r.name).strip(), r.stub.strip())
                self.assertNotIn(regions.body(tree.read(ROOT, r.file), r.name).strip(), contents[r.file].decode())

    def test_sync_rewrites_only_what_changed(self):
        with tempfile.TemporaryDirectory() as src, tempfile.TemporaryDirectory() as dst:
            for name in ("a.txt", "b.txt"):
                with open(os.path.join(src, name), "w") as f:
                    f.write(name)
            self.assertEqual(tree.sync(src, dst), 2)
            before = os.stat(os.path.join(dst, "a.txt")).st_mtime_ns
            time.sleep(0.01)
            self.assertEqual(tree.sync(src, dst, {"b.txt": b"new"}), 1)
            self.assertEqual(os.stat(os.path.join(dst, "a.txt")).st_mtime_ns, before)
            self.assertEqual(tree.sync(src, dst, {"b.txt": None}), 1)  # removed
            self.assertFalse(os.path.exists(os.path.join(dst, "b.txt")))

    def test_a_mirror_writes_only_what_changed_since_its_last_state(self):
        with tempfile.TemporaryDirectory() as src, tempfile.TemporaryDirectory() as dst:
            for name in ("a.txt", "b.txt"):
                with open(os.path.join(src, name), "w") as f:
                    f.write(name)
            m = tree.Mirror(src, dst)
            self.assertEqual(m.sync({"b.txt": "one"}), 2)
            before = os.stat(os.path.join(dst, "a.txt")).st_mtime_ns
            time.sleep(0.01)
            self.assertEqual(m.sync({"b.txt": "one"}), 0)
            self.assertEqual(m.sync({"b.txt": b"two", "c.txt": "new"}), 2)
            self.assertEqual(tree.read(dst, "b.txt"), "two")
            self.assertEqual(m.sync(), 2)  # b back to the source's, c removed
            self.assertEqual(tree.read(dst, "b.txt"), "b.txt")
            self.assertFalse(os.path.exists(os.path.join(dst, "c.txt")))
            self.assertEqual(os.stat(os.path.join(dst, "a.txt")).st_mtime_ns, before)


class Reports(unittest.TestCase):
    def _grade(self):
        ex = spec.load_all(ROOT)[0]
        results = [grade.CheckResult(check=c, passed=(i == 0), output="" if i == 0 else "boom",
                                     hint="" if i == 0 else grade.hint_text(ROOT, c))
                   for i, c in enumerate(ex.checks)]
        return grade.Grade(exercise=ex, results=results)

    def test_gradescope_json_shape(self):
        g = self._grade()
        data = report.results_json(g)
        self.assertEqual(data["max_score"], g.exercise.max_score)
        self.assertEqual(data["score"], sum(t["score"] for t in data["tests"]))
        self.assertEqual(data["score"], g.exercise.checks[0].points)
        for t in data["tests"]:
            self.assertEqual(set(t), {"name", "score", "max_score", "output", "visibility"})
            self.assertEqual(t["visibility"], "visible")
        self.assertIn(g.exercise.checks[1].hint.strip(), data["tests"][1]["output"])

    def test_console_shows_each_failed_check_with_its_hint(self):
        g = self._grade()
        out = io.StringIO()
        report.console(g, out)
        text = out.getvalue()
        self.assertIn(f"Score: {g.score}/{g.max_score}", text)
        for r in g.results[1:]:
            self.assertIn(r.check.hint.strip(), text)

    def test_catch_spec_escapes_commas(self):
        self.assertEqual(grade.catch_spec(["a, b", "c"]), "a\\, b,c")

    def test_trace_of_a_check_is_read_from_its_own_file(self):
        # A stand-in for a check's program: it writes three "trace lines" where UVREF_TRACE says.
        script = 'p=${UVREF_TRACE#1,}; for l in one two "fmt ${UVREF_TRACE_FORMAT-text}"; do echo "$l" >> "$p"; done'
        os.environ["UVREF_TRACE_FORMAT"] = "json"  # the caller's setting must not reach the rerun
        try:
            lines, total = grade.traced_run(["/bin/sh", "-c", script], 10, ROOT, limit=2)
        finally:
            del os.environ["UVREF_TRACE_FORMAT"]
        self.assertEqual((lines, total), (["two", "fmt text"], 3))


class Honesty(unittest.TestCase):
    """The honesty check's judgement, with made-up grades (no build): it must be able to fail."""

    @staticmethod
    def _grade(ex, passed, build_log=""):
        return grade.Grade(exercise=ex, build_log=build_log, results=[
            grade.CheckResult(check=c, passed=passed(c), output="" if passed(c) else "boom",
                              hint="" if passed(c) else grade.hint_text(ROOT, c)) for c in ex.checks])

    def test_a_starter_that_passes_a_check_or_does_not_build_is_a_defect(self):
        ex = spec.load_all(ROOT)[0]
        self.assertEqual(selfcheck.starter_defects(ex, self._grade(ex, lambda c: False)), [])
        first = ex.checks[0]
        self.assertIn(f"{ex.name}/{first.id}: passes on the starter",
                      selfcheck.starter_defects(ex, self._grade(ex, lambda c: c is first))[0])
        self.assertTrue(selfcheck.starter_defects(ex, self._grade(ex, lambda c: False, build_log="error: x")))

    def test_a_known_wrong_solution_must_fail_its_checks_with_their_hints(self):
        ex = next(e for e in spec.load_all(ROOT) if e.wrong)
        w = ex.wrong[0]
        self.assertEqual(selfcheck.wrong_defects(ex, w, self._grade(ex, lambda c: c.id not in w.fails)), [])
        self.assertTrue(selfcheck.wrong_defects(ex, w, self._grade(ex, lambda c: True)))
        g = self._grade(ex, lambda c: c.id not in w.fails)
        for r in g.results:
            r.hint = ""
        self.assertTrue(selfcheck.wrong_defects(ex, w, g))

    def test_the_course_order_walk_grades_each_state_and_catches_a_starter_that_scores(self):
        all_ex = spec.load_all(ROOT)
        checked = all_ex[:3]

        def state_of(work, ex):
            """'stub', 'solved' or 'other' for ex's regions in the copy."""
            bodies = [regions.body(tree.read(work, r.file), r.name) for r in ex.regions]
            if all(b.strip() == r.stub.strip() for b, r in zip(bodies, ex.regions)):
                return "stub"
            if all(b == regions.body(tree.read(ROOT, r.file), r.name) for b, r in zip(bodies, ex.regions)):
                return "solved"
            return "other"

        seen = []

        def fake(leaky):
            def grade_fn(work, ex, _all):
                i = all_ex.index(ex)
                earlier = all(state_of(work, e) == "solved" for e in all_ex[:i])
                later = all(state_of(work, e) == "stub" for e in all_ex[i + 1:])
                mine = state_of(work, ex)
                seen.append((ex.name, mine, earlier and later))
                return self._grade(ex, lambda c: mine == "solved" or (leaky and mine == "stub" and c is ex.checks[0]))
            return grade_fn

        with tempfile.TemporaryDirectory() as work, contextlib.redirect_stdout(io.StringIO()):
            bad = selfcheck.Failures()
            selfcheck._phase_course_order(ROOT, tree.Mirror(ROOT, work), checked, all_ex, bad, fake(False))
            self.assertEqual(bad.items, [])
            wrongs = sum(len(e.wrong) for e in checked)
            self.assertEqual(len(seen), 2 * len(checked) + wrongs)
            self.assertTrue(all(in_order for _, _, in_order in seen), seen)
            mine = [m for n, m, _ in seen if n == checked[0].name]
            self.assertEqual((mine[0], mine[-1]), ("stub", "solved"))
            self.assertEqual(sum(1 for _, m, _ in seen if m == "other"), wrongs)
            bad = selfcheck.Failures()
            selfcheck._phase_course_order(ROOT, tree.Mirror(ROOT, work), checked, all_ex, bad, fake(True))
            self.assertEqual(len(bad.items), len(checked))
            self.assertIn("passes on the starter", bad.items[0])


if __name__ == "__main__":
    unittest.main()
