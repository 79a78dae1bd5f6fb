"""The commands of walkthroughs/exercises/ex."""
import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys

from . import build, grade, pointers, regions, report, spec, tree


def _state_path(root):
    return os.path.join(build.build_dir(root), "state.json")


def _load_state(root):
    try:
        with open(_state_path(root), encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError:
        return {"started": [], "passing": {}}


def _save_state(root, state):
    os.makedirs(build.build_dir(root), exist_ok=True)
    with open(_state_path(root), "w", encoding="utf-8") as f:
        json.dump(state, f, indent=1)


def _files_hash(root, ex):
    h = hashlib.sha256()
    for rel in ex.files:
        h.update(tree.read(root, rel).encode())
    return h.hexdigest()


def _is_starter(root, ex):
    for r in ex.regions:
        if regions.body(tree.read(root, r.file), r.name).strip() != r.stub.strip():
            return False
    return True


def status(root, ex, state):
    if state["passing"].get(ex.name) == _files_hash(root, ex):
        return "passing"
    if _is_starter(root, ex):
        return "starter"
    if ex.name in state["started"] or tree.is_exported(root):
        return "started"
    return "reference"


def cmd_list(root, args):
    exercises = spec.load_all(root)
    state = _load_state(root)
    rows = [("#", "name", "part", "difficulty", "time", "points", "status")]
    for ex in exercises:
        rows.append((str(ex.order), ex.name, ex.part, spec.DIFFICULTY[ex.difficulty], f"{ex.minutes} min",
                     str(ex.max_score), status(root, ex, state)))
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    for r in rows:
        print("  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip())
    print("\nStart one with: walkthroughs/exercises/ex start NAME")
    return 0


def _saved_path(root, ex, rel):
    return os.path.join(build.build_dir(root), "saved", ex.name, rel)


def cmd_start(root, args):
    ex = spec.find(root, args.name)
    state = _load_state(root)
    if _is_starter(root, ex):
        print(f"{ex.name}: already the starter.")
    else:
        for rel in ex.files:
            saved = _saved_path(root, ex, rel)
            os.makedirs(os.path.dirname(saved), exist_ok=True)
            shutil.copy2(os.path.join(root, rel), saved)
        for rel, text in tree.blanked_files(root, [ex]).items():
            tree.write_if_changed(os.path.join(root, rel), text)
        if ex.name not in state["started"]:
            state["started"].append(ex.name)
        state["passing"].pop(ex.name, None)
        _save_state(root, state)
        print(f"{ex.name}: starter in place (your previous file is kept for `ex reset {ex.name}`).")
    print(f"\n{ex.title}  ({spec.PARTS[ex.part]}, {spec.DIFFICULTY[ex.difficulty]}, about {ex.minutes} min)\n")
    print("Edit:")
    for r in ex.regions:
        print(f"  {r.file}   between // [docs:{r.name}] and // [/docs:{r.name}] (look for TODO)")
    page, title, _ = pointers.docs_section(root, ex.read_first)
    print(f"\nRead first: {page} ({title})")
    print(f"Then step through: {pointers.walkthrough(root, ex.walkthrough)}")
    print(f"\nThe task:\n{_wrap(ex.task)}\n")
    print(f"Grade: walkthroughs/exercises/ex grade {ex.name}    Hints: walkthroughs/exercises/ex hint {ex.name}")
    return 0


def _wrap(text):
    return "\n".join("  " + l if l else l for l in text.strip().splitlines())


def cmd_grade(root, args):
    exercises = spec.load_all(root)
    ex = spec.find(root, args.name)
    print(f"Building {ex.name} with AddressSanitizer + UBSan in {os.path.relpath(build.build_dir(root))} ...",
          flush=True)
    g = grade.grade(root, ex, exercises)
    report.console(g, sys.stdout)
    if args.trace:
        for r in g.results:
            if r.passed or g.build_log:
                continue
            lines, total = grade.traced_run(grade.check_command(root, r.check), r.check.timeout, root)
            print(f"\nUVREF_TRACE of the failed check {r.check.title!r}: the system calls uvref made"
                  + (f" (the last {len(lines)} of {total})" if total > len(lines) else ""))
            print("\n".join("  " + l for l in lines) if lines else "  (no system call through uvref)")
    if args.json:
        report.write_json(g, args.json)
    state = _load_state(root)
    if g.score == g.max_score:
        state["passing"][ex.name] = _files_hash(root, ex)
    else:
        state["passing"].pop(ex.name, None)
    _save_state(root, state)
    return 0 if g.score == g.max_score else 1


def cmd_hint(root, args):
    ex = spec.find(root, args.name)
    n = args.n or 1
    if not 1 <= n <= len(ex.hints):
        print(f"hints go from 1 to {len(ex.hints)}", file=sys.stderr)
        return 2
    for i in range(n):
        print(f"Hint {i + 1}/{len(ex.hints)}:\n{_wrap(ex.hints[i])}\n")
    if n < len(ex.hints):
        print(f"More concrete: walkthroughs/exercises/ex hint {ex.name} {n + 1}")
    return 0


def cmd_reset(root, args):
    ex = spec.find(root, args.name)
    state = _load_state(root)
    for rel in ex.files:
        saved = _saved_path(root, ex, rel)
        if os.path.isfile(saved):
            # copyfile, not copy2: the restored file must look newer than the starter's object
            # file, or Ninja keeps grading the starter after a reset.
            shutil.copyfile(saved, os.path.join(root, rel))
            continue
        if tree.is_exported(root):  # a starter tree's "reference" is the starter itself
            text = tree.read(root, rel)
            for r in ex.regions:
                if r.file == rel:
                    text = regions.replace_body(text, r.name, r.stub)
            tree.write_if_changed(os.path.join(root, rel), text)
            continue
        r = subprocess.run(["git", "-C", root, "show", f"HEAD:{rel}"], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"{rel}: no copy from before `ex start` and no git history to restore it from",
                  file=sys.stderr)
            return 1
        tree.write_if_changed(os.path.join(root, rel), r.stdout)
    if ex.name in state["started"]:
        state["started"].remove(ex.name)
    state["passing"].pop(ex.name, None)
    _save_state(root, state)
    what = "the starter" if tree.is_exported(root) else "the reference"
    print(f"{ex.name}: back to {what} ({', '.join(ex.files)}).")
    return 0


def cmd_export(root, args):
    dest = os.path.abspath(args.dir)
    if os.path.commonpath([dest, root]) == root and not dest.startswith(os.path.join(root, "build") + os.sep):
        print("export into a directory outside the source tree (or under its build/)", file=sys.stderr)
        return 2
    exercises = spec.load_all(root)
    n = tree.sync(root, dest, tree.export_contents(root, exercises))
    print(f"Starter tree in {dest}: {len(exercises)} exercises blanked, instructor notes and "
          f"known-wrong solutions left out ({n} files written).")
    print(f"Students: cd {dest} && walkthroughs/exercises/ex list")
    return 0


def cmd_grade_all(root, args):
    from . import batch
    return batch.grade_all(root, args.dir, args.csv, args.work)


def cmd_selfcheck(root, args):
    from . import selfcheck
    return selfcheck.run(root, args.work, args.only)


def main(root, argv, doc):
    p = argparse.ArgumentParser(prog="ex", description=doc, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("list", help="every exercise and its status").set_defaults(f=cmd_list)
    s = sub.add_parser("start", help="put the starter in place")
    s.add_argument("name")
    s.set_defaults(f=cmd_start)
    s = sub.add_parser("grade", help="build and run the checks")
    s.add_argument("name")
    s.add_argument("--json", metavar="FILE", help="also write Gradescope's results.json shape")
    s.add_argument("--trace", action="store_true",
                   help="run each failed check again with UVREF_TRACE and print its system calls")
    s.set_defaults(f=cmd_grade)
    s = sub.add_parser("hint", help="the hint ladder")
    s.add_argument("name")
    s.add_argument("n", nargs="?", type=int)
    s.set_defaults(f=cmd_hint)
    s = sub.add_parser("reset", help="back to the file before `start`")
    s.add_argument("name")
    s.set_defaults(f=cmd_reset)
    s = sub.add_parser("export", help="write a starter tree")
    s.add_argument("dir")
    s.set_defaults(f=cmd_export)
    s = sub.add_parser("grade-all", help="grade a directory of submissions")
    s.add_argument("dir")
    s.add_argument("--csv", metavar="FILE", default="grades.csv")
    s.add_argument("--work", metavar="DIR", help="scratch tree (default: build/exercises-grade-all)")
    s.set_defaults(f=cmd_grade_all)
    s = sub.add_parser("selfcheck", help="the honesty check")
    s.add_argument("--work", metavar="DIR", help="scratch directory (default: build/exercises-selfcheck)")
    s.add_argument("--only", metavar="NAME", action="append", help="check only these exercises")
    s.set_defaults(f=cmd_selfcheck)
    args = p.parse_args(argv)
    try:
        return args.f(root, args)
    except (spec.SpecError, regions.RegionError, pointers.PointerError) as e:
        print(f"ex: {e}", file=sys.stderr)
        return 2
