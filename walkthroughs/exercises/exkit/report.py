"""What a grade looks like: console lines, Gradescope's results.json, a class table and CSV."""
import csv
import json


def console(grade, out):
    ex = grade.exercise
    out.write(f"== {ex.name}: {ex.title}\n")
    width = max(len(r.check.title) for r in grade.results)
    for r in grade.results:
        mark = "PASS" if r.passed else "FAIL"
        out.write(f"  {mark}  {r.check.title:<{width}}  {r.score}/{r.check.points}\n")
    failed = [r for r in grade.results if not r.passed]
    if grade.build_log:
        out.write("\nYour code did not build:\n" + _indent(grade.build_log, 4) + "\n")
        failed = failed[:1]
    for r in failed:
        out.write(f"\n-- {r.check.title}\n")
        if not grade.build_log:
            out.write(_indent(r.output, 4) + "\n")
        out.write(_indent(r.hint, 4) + "\n")
    out.write(f"\nScore: {grade.score}/{grade.max_score}\n")


def _indent(text, n):
    pad = " " * n
    return "\n".join(pad + l if l else l for l in text.splitlines())


def results_json(grade):
    """Gradescope's autograder results shape."""
    tests = []
    for r in grade.results:
        output = "passed" if r.passed else (r.output + "\n\n" + r.hint).strip()
        tests.append({"name": f"{grade.exercise.name}: {r.check.title}", "score": r.score,
                      "max_score": r.check.points, "output": output, "visibility": "visible"})
    return {"score": grade.score, "max_score": grade.max_score,
            "output": f"{grade.exercise.name}: {grade.score}/{grade.max_score}", "tests": tests}


def write_json(grade, path):
    with open(path, "w", encoding="utf-8") as f:
        json.dump(results_json(grade), f, indent=2)
        f.write("\n")


def class_table(rows, exercises, out):
    """rows: [(submission, {exercise name: (score, max)})]; prints a table."""
    names = [e.name for e in exercises if any(e.name in r[1] for r in rows)]
    head = ["submission"] + names + ["total"]
    lines = [head]
    for sub, scores in rows:
        total = sum(s for s, _ in scores.values())
        total_max = sum(m for _, m in scores.values())
        lines.append([sub] + [f"{scores[n][0]}/{scores[n][1]}" if n in scores else "-" for n in names]
                     + [f"{total}/{total_max}"])
    widths = [max(len(l[i]) for l in lines) for i in range(len(head))]
    for l in lines:
        out.write("  ".join(c.ljust(w) for c, w in zip(l, widths)).rstrip() + "\n")


def class_csv(rows, exercises, path):
    names = [e.name for e in exercises if any(e.name in r[1] for r in rows)]
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["submission"] + [f"{n}" for n in names] + ["total", "max"])
        for sub, scores in rows:
            w.writerow([sub] + [scores[n][0] if n in scores else "" for n in names]
                       + [sum(s for s, _ in scores.values()), sum(m for _, m in scores.values())])
