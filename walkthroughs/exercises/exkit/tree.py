"""Tree copies: by content, so a copied tree rebuilds incrementally.

A file is rewritten only when its bytes differ, so its mtime (what Ninja looks
at) changes only when its content does. The honesty check, `ex export` and
`ex grade-all` all work on such copies, never on the source tree.
"""
import os
import shutil
import subprocess

from . import regions, spec

# Never copied: build output, version control, editor droppings.
SKIP_DIRS = {"build", ".git", "__pycache__", ".cache", "Testing"}
EXPORTED_MARK = os.path.join("walkthroughs", "exercises", "EXPORTED")


def list_files(root):
    """The tree's files (paths relative to root): git's list when root is a clone, else a walk."""
    if os.path.isdir(os.path.join(root, ".git")) or os.path.isfile(os.path.join(root, ".git")):
        r = subprocess.run(["git", "-C", root, "ls-files", "-co", "--exclude-standard", "-z"],
                           capture_output=True, text=True)
        if r.returncode == 0:
            return sorted(p for p in r.stdout.split("\0") if p and os.path.isfile(os.path.join(root, p)))
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if d not in SKIP_DIRS]
        for fn in filenames:
            if fn.endswith(".pyc"):
                continue
            out.append(os.path.relpath(os.path.join(dirpath, fn), root))
    return sorted(out)


def write_if_changed(path, data):
    """Writes bytes (or str) to path unless it already holds them. True if written."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    try:
        with open(path, "rb") as f:
            if f.read() == data:
                return False
    except FileNotFoundError:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)
    return True


def sync(src_root, dst_root, contents=None):
    """Makes dst_root hold src_root's files (or the given {relpath: bytes}), by content.

    Files in dst_root that src does not have are removed, except its build/.
    """
    files = list_files(src_root)
    wanted = {}
    for rel in files:
        if contents and rel in contents:
            continue
        with open(os.path.join(src_root, rel), "rb") as f:
            wanted[rel] = f.read()
    if contents:
        wanted.update({k: v for k, v in contents.items() if v is not None})
        for k, v in contents.items():
            if v is None:
                wanted.pop(k, None)
    changed = 0
    for rel, data in wanted.items():
        changed += write_if_changed(os.path.join(dst_root, rel), data)
        if os.path.exists(os.path.join(src_root, rel)):
            shutil.copymode(os.path.join(src_root, rel), os.path.join(dst_root, rel))  # keeps `ex` executable
    for dirpath, dirnames, filenames in os.walk(dst_root):
        if dirpath == dst_root:
            dirnames[:] = [d for d in dirnames if d != "build"]
        dirnames[:] = [d for d in dirnames if d not in ("__pycache__",)]
        for fn in filenames:
            rel = os.path.relpath(os.path.join(dirpath, fn), dst_root)
            if rel not in wanted:
                os.remove(os.path.join(dirpath, fn))
                changed += 1
    return changed


class Mirror:
    """A copy of src_root at dst_root that one process keeps in step, state after state.

    The first sync() is a full tree.sync(); the source files and what the copy holds are then
    remembered, so each later sync() compares in memory and touches only the files whose
    content changes (the honesty check syncs about a hundred states of one tree). Nothing
    else may write to dst_root meanwhile, except under its build/.
    """

    def __init__(self, src_root, dst_root):
        self.src_root = src_root
        self.dst_root = dst_root
        self._source = None  # {rel: bytes} of src_root
        self._held = None    # {rel: bytes} that dst_root holds

    def sync(self, contents=None):
        """Like sync(src_root, dst_root, contents); returns the number of files written or removed."""
        if self._held is None:
            changed = sync(self.src_root, self.dst_root, contents)
            self._source = {}
            for rel in list_files(self.src_root):
                with open(os.path.join(self.src_root, rel), "rb") as f:
                    self._source[rel] = f.read()
            self._held = self._wanted(contents)
            return changed
        wanted = self._wanted(contents)
        changed = 0
        for rel, data in wanted.items():
            if self._held.get(rel) != data:
                path = os.path.join(self.dst_root, rel)
                write_if_changed(path, data)
                if rel in self._source:
                    shutil.copymode(os.path.join(self.src_root, rel), path)
                changed += 1
        for rel in self._held.keys() - wanted.keys():
            os.remove(os.path.join(self.dst_root, rel))
            changed += 1
        self._held = wanted
        return changed

    def forget(self):
        """Something else wrote to dst_root: the next sync() is a full one again."""
        self._held = None

    def _wanted(self, contents):
        wanted = dict(self._source)
        for rel, data in (contents or {}).items():
            if data is None:
                wanted.pop(rel, None)
            else:
                wanted[rel] = data.encode("utf-8") if isinstance(data, str) else data
        return wanted


def read(root, rel):
    with open(os.path.join(root, rel), encoding="utf-8") as f:
        return f.read()


def blanked_files(root, exercises, base=None):
    """{relpath: text} of every unit file with the given exercises' regions replaced by their stubs.

    base: {relpath: text} to start from (default: the files as they are in root).
    """
    out = dict(base or {})
    for ex in exercises:
        for r in ex.regions:
            text = out.get(r.file)
            if text is None:
                text = read(root, r.file)
            out[r.file] = regions.replace_body(text, r.name, r.stub)
    return out


def export_contents(root, exercises):
    """{relpath: bytes or None} that turns a copy of root into the students' starter tree."""
    out = {k: v.encode() for k, v in blanked_files(root, exercises).items()}
    for rel in list_files(root):
        if os.path.basename(rel) == "INSTRUCTOR.md" and rel.startswith(os.path.join("walkthroughs", "exercises")):
            out[rel] = None
    for ex in exercises:
        rel = os.path.relpath(ex.folder, root)
        toml = read(root, os.path.join(rel, "exercise.toml"))
        cut = toml.find(spec.INSTRUCTOR_LINE)
        if cut >= 0:
            toml = toml[:cut].rstrip("\n") + "\n"
        out[os.path.join(rel, "exercise.toml")] = toml.encode()
    out[EXPORTED_MARK] = (b"This is a starter tree made by `ex export`: every exercise is blanked,\n"
                          b"no reference solution and no instructor notes are included.\n")
    return out


def is_exported(root):
    return os.path.isfile(os.path.join(root, EXPORTED_MARK))
