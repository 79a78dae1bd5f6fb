"""`ex grade-all SUBMISSIONS_DIR`: grade a class in one run.

Each entry of SUBMISSIONS_DIR is one submission: a directory (a whole student
tree, or only the unit files at their paths, e.g. alice/src/loop_init/...)
or a patch against the starter tree (alice.patch, applied with `patch -p1`).
Only the exercises' unit files are taken from a submission, never tests or
build files, and they are graded in one scratch tree, synced by content, so
each submission rebuilds only the units it changed. An exercise a submission
does not touch is not graded ('-' in the table, empty in the CSV).
"""
import os
import subprocess
import sys
import tempfile

from . import grade, report, spec, tree


def _from_dir(path, exercises):
    files = {}
    for ex in exercises:
        for rel in ex.files:
            p = os.path.join(path, rel)
            if os.path.isfile(p):
                with open(p, "rb") as f:
                    files[rel] = f.read()
    return files


def _from_patch(path, base, exercises):
    rels = sorted({rel for ex in exercises for rel in ex.files})
    with tempfile.TemporaryDirectory() as tmp:
        for rel in rels:
            dest = os.path.join(tmp, rel)
            os.makedirs(os.path.dirname(dest), exist_ok=True)
            with open(dest, "wb") as f:
                f.write(base[rel])
        with open(path, "rb") as patch:
            r = subprocess.run(["patch", "-p1", "-s", "--forward", "-d", tmp], stdin=patch,
                               capture_output=True, text=True)
        if r.returncode != 0:
            raise ValueError("patch does not apply to the starter tree:\n" + r.stdout + r.stderr)
        files = {}
        for rel in rels:
            with open(os.path.join(tmp, rel), "rb") as f:
                data = f.read()
            if data != base[rel]:
                files[rel] = data
        return files


def grade_all(root, subdir, csv_path, work):
    exercises = spec.load_all(root)
    work_tree = os.path.abspath(work or os.path.join(root, "build", "exercises-grade-all"))
    base = {k: v for k, v in tree.export_contents(root, exercises).items()}
    rows = []
    results_dir = os.path.join(os.path.dirname(os.path.abspath(csv_path)) or ".", "results")
    for entry in sorted(os.listdir(subdir)):
        path = os.path.join(subdir, entry)
        name = entry[:-6] if entry.endswith(".patch") else entry[:-5] if entry.endswith(".diff") else entry
        try:
            if os.path.isdir(path):
                files = _from_dir(path, exercises)
            elif entry.endswith((".patch", ".diff")):
                files = _from_patch(path, base, exercises)
            else:
                continue
        except ValueError as e:
            print(f"{name}: {e}", file=sys.stderr)
            rows.append((name, {}))
            continue
        contents = dict(base)
        contents.update(files)
        tree.sync(root, work_tree, contents)
        scores = {}
        for ex in exercises:
            if not any(rel in files for rel in ex.files):
                continue
            g = grade.grade(work_tree, ex, exercises)
            scores[ex.name] = (g.score, g.max_score)
            os.makedirs(os.path.join(results_dir, name), exist_ok=True)
            report.write_json(g, os.path.join(results_dir, name, f"{ex.name}.json"))
        print(f"{name}: " + ", ".join(f"{k} {s}/{m}" for k, (s, m) in scores.items()), flush=True)
        rows.append((name, scores))
    print()
    report.class_table(rows, exercises, sys.stdout)
    report.class_csv(rows, exercises, csv_path)
    print(f"\nCSV: {csv_path}; per-exercise results.json files: {results_dir}/")
    return 0
