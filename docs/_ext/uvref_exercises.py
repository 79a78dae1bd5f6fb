"""Exercise pages generated from walkthroughs/exercises/*/exercise.toml.

    ```{exercise} lock-pipe
    ```

renders one exercise: goals, prerequisites (links to the unit pages and the
walkthrough), the task and its stubs, the expected time, the checks with
their points and hints, and the hint ladder folded in <details>. The
grader (walkthroughs/exercises/ex) reads the same file with the same loader
(exkit.spec), so the page and the grader cannot disagree; a stale pointer is
a warning, so with -W the site does not build.

    ```{exercise-list}
    ```

renders the table of every exercise, in course order, and

    ```{exercise-plan}
    ```

the 4-week course and the 1-day workshop, from each exercise's `week` and
`workshop` fields.
"""
import os
import sys

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.application import Sphinx
from sphinx.util.docutils import SphinxDirective

from uvref_common import extension_metadata, setup_common, source_root


def _exkit(app_root):
    path = os.path.join(app_root, "walkthroughs", "exercises")
    if path not in sys.path:
        sys.path.insert(0, path)
    from exkit import pointers, spec  # noqa: E402
    return pointers, spec


def _rel(docname, target_doc):
    """A relative link from the page docname to docs/<target_doc> (a path with .md)."""
    here = os.path.dirname(docname)
    return os.path.relpath(target_doc, here or ".")


class _Base(SphinxDirective):
    has_content = False

    def _load(self):
        root = source_root(self.env.app)
        pointers, spec = _exkit(root)
        return root, pointers, spec

    def _note(self, root, ex):
        for name in ("exercise.toml",):
            self.env.note_dependency(os.path.join(ex.folder, name))
        for rel in ex.files:
            self.env.note_dependency(os.path.join(root, rel))

    def _render(self, text):
        node = nodes.container()
        self.state.nested_parse(StringList(text.splitlines(), source=self.env.docname), self.content_offset, node)
        return node.children


class Exercise(_Base):
    required_arguments = 1

    def run(self):
        root, pointers, spec = self._load()
        try:
            ex = spec.find(root, self.arguments[0])
        except spec.SpecError as e:
            raise self.error(str(e))
        self._note(root, ex)
        doc = self.env.docname
        link = lambda page: _rel(doc, page)  # noqa: E731
        try:
            first_page, first_title, _ = pointers.docs_section(root, ex.read_first)
            walk = pointers.walkthrough(root, ex.walkthrough)
        except pointers.PointerError as e:
            raise self.error(f"{ex.name}: {e}")
        walk_doc = f"walkthroughs/{ex.walkthrough}.md"
        out = [f"**{spec.PARTS[ex.part]}** · difficulty: {spec.DIFFICULTY[ex.difficulty]} · "
               f"expected time: {ex.minutes} min · {ex.max_score} points", ""]
        out += ["```{rubric} Goals", "```"] + [f"- {g}" for g in ex.goals] + [""]
        out += ["```{rubric} Before you start", "```",
                f"- Read [{first_title}]({link(ex.read_first)}).",
                f"- Step through the walkthrough [{ex.walkthrough}]({link(walk_doc)}) "
                f"(`{walk}`)."]
        for p in ex.prerequisites:
            _, title, _ = pointers.docs_section(root, p)
            out.append(f"- Prerequisite: [{title}]({link(p)}).")
        out += ["", "```{rubric} The task", "```", ex.task.strip(), "",
                "You write the code between these markers; the starter has the stub shown:", ""]
        for r in ex.regions:
            lang = "c" if r.file.endswith(".c") else "cpp"
            out += [f"`{r.file}`, region `{r.name}`:", "", f"```{lang}", r.stub.rstrip("\n"), "```", ""]
        out += ["```{rubric} Commands", "```", "```sh",
                f"walkthroughs/exercises/ex start {ex.name}   # put the starter in place",
                f"walkthroughs/exercises/ex grade {ex.name}   # build with ASan+UBSan, run the checks",
                f"walkthroughs/exercises/ex hint {ex.name} 1  # the hint ladder: 1, 2, 3",
                f"walkthroughs/exercises/ex reset {ex.name}   # back to the file before start",
                "```", ""]
        out += ["```{rubric} Checks", "```", "| Check | Points | When it fails |", "| --- | --- | --- |"]
        for c in ex.checks:
            try:
                page, _title, section = pointers.docs_section(root, c.docs)
            except pointers.PointerError as e:
                raise self.error(f"{ex.name}/{c.id}: {e}")
            target = c.docs[len("") :]
            where = f"[{section or _title}]({link(target.split('#')[0])}" + (
                f"#{target.split('#')[1]})" if "#" in target else ")")
            hint = c.hint.strip().replace("|", "\\|").replace("\n", " ")
            kind = "program" if c.kind == "program" else "test"
            out.append(f"| {c.title} ({kind}) | {c.points} | {hint} Read: {where}; "
                       f"GDB: [{c.gdb}]({link('walkthroughs/' + c.gdb + '.md')}). |")
        out += ["", "```{rubric} Hints", "```", ""]
        for i, h in enumerate(ex.hints, 1):
            out += [f"<details><summary>Hint {i} of {len(ex.hints)}</summary>", "", h.strip(), "", "</details>", ""]
        return self._render("\n".join(out))


class ExerciseList(_Base):
    def run(self):
        root, pointers, spec = self._load()
        exercises = spec.load_all(root)
        out = ["| # | Exercise | Part | Difficulty | Time | Points |", "| --- | --- | --- | --- | --- | --- |"]
        for ex in exercises:
            self._note(root, ex)
            out.append(f"| {ex.order} | [{ex.title}]({_rel(self.env.docname, 'exercises/' + ex.name + '.md')}) "
                       f"(`{ex.name}`) | {ex.part} | {spec.DIFFICULTY[ex.difficulty]} | {ex.minutes} min "
                       f"| {ex.max_score} |")
        return self._render("\n".join(out))


class ExercisePlan(_Base):
    """The suggested order: the 4-week course (by `week`) and the 1-day workshop (`workshop = true`)."""

    def run(self):
        root, pointers, spec = self._load()
        exercises = spec.load_all(root)
        page = lambda ex: _rel(self.env.docname, "exercises/" + ex.name + ".md")  # noqa: E731
        out = ["```{rubric} A 4-week course", "```", "| Week | Exercises, in order | Time |", "| --- | --- | --- |"]
        for week in (1, 2, 3, 4):
            these = [e for e in exercises if e.week == week]
            if not these:
                continue
            names = ", ".join(f"[{e.name}]({page(e)})" for e in these)
            out.append(f"| {week} | {names} | {sum(e.minutes for e in these)} min |")
        day = [e for e in exercises if e.workshop]
        out += ["", "```{rubric} A 1-day workshop", "```",
                f"In this order, about {sum(e.minutes for e in day)} min of exercise time:", ""]
        out += [f"{i}. [{e.title}]({page(e)}) ({e.minutes} min)" for i, e in enumerate(day, 1)]
        for ex in exercises:
            self._note(root, ex)
        return self._render("\n".join(out))


def setup(app: Sphinx):
    setup_common(app)
    app.add_directive("exercise", Exercise)
    app.add_directive("exercise-list", ExerciseList)
    app.add_directive("exercise-plan", ExercisePlan)
    return extension_metadata()
