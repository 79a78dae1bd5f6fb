#!/usr/bin/python3
"""Checks every `libuv:` pointer in the tree against libuv 1.44.2.

    check_libuv_tags.py REPO_ROOT DEFINITIONS.txt

A pointer is either a comment tag, `libuv:` followed by a libuv file and the
names it mirrors (several groups separated by `;` or `,`, possibly over
several comment lines), or the "Mirrors" field at the top of a docs page. For each
one: every file it names must exist in libuv 1.44.2, and every name must be
defined in the file named before it, according to DEFINITIONS.txt (made by
gen_libuv_definitions.py from the 1.44.2 source). A name written as a family
(`uv__io_*`) needs one definition with that prefix. A tag on a declaration
may leave out the file when the tag in the file's leading comment names it:
the name must then be defined in one of the files that tag names; with no
such tag it is an error, as the reader would not know where to look. In an
exercise spec, a stub's tag reads like one in the source file the stub
replaces code in (its `file = "..."`).
Prose such as "as in libuv: ..." is not a pointer. Exits 1 on any error and
prints how many pointers and names were checked.
"""
import os
import re
import subprocess
import sys
from typing import Dict, List, Set, Tuple

SCANNED = ("src/", "tests/", "docs/", "walkthroughs/", "diagrams/", "README.md")
TAG = re.compile(r"(\(?)\blibuv:\s*(.*)$")
MIRRORS = re.compile(r"\*\*Mirrors:\*\*\s*libuv\s*(.*)$")
PATH = re.compile(r"^(?:src|include|test)/[\w./-]*[\w]$")
NAME = re.compile(r"^[A-Za-z_]\w*\*?$")
LIBUV_NAME = re.compile(r"^(?:uv_|uv__|UV_|QUEUE_)\w*\*?$")
KEYWORDS = {"struct", "union", "enum", "and", "plus"}
ERROR_CODE = re.compile(r"^UV_E[A-Z0-9]+$")  # a result, not a pointer
NO_COUNTERPART = "no counterpart"
PROSE = re.compile(r"\bas(\s+in)?\s*\(?$")  # "as in libuv: ..." is a comparison, not a pointer
STUB_FILE = re.compile(r'^\s*file\s*=\s*"([^"]+)"')  # an exercise spec's source file


def load_definitions(path: str) -> Tuple[Dict[str, Set[str]], Set[str]]:
    by_file: Dict[str, Set[str]] = {}
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        name, file, _kind = line.split(" ", 2)
        by_file.setdefault(file, set()).add(name)
    dirs = set()
    for file in by_file:
        parts = file.split("/")
        for i in range(1, len(parts)):
            dirs.add("/".join(parts[:i]))
    return by_file, dirs


def strip_comment(line: str) -> str:
    s = line.strip()
    for lead in ("///", "//", "/**", "/*", "*", "#"):
        if s.startswith(lead):
            s = s[len(lead):]
            break
    return s.strip()


def drop_parens(text: str) -> str:
    """Removes parenthesised remarks (one level of nesting is enough here)."""
    prev = None
    while prev != text:
        prev = text
        text = re.sub(r"\([^()]*\)", " ", text)
    return text


def balanced(text: str) -> bool:
    return text.count("(") <= text.count(")")


def continues(text: str) -> bool:
    t = text.rstrip()
    return t.endswith((",", ";", "+")) or not balanced(t) or t.split()[-1:] in (["plus"], ["and"])


def tag_text(lines: List[str], i: int, start: str, in_paren: bool) -> str:
    """The tag's text from line i on, with its continuation lines, comment marks removed."""
    text = start
    j = i
    while continues(text) and j + 1 < len(lines):
        nxt = strip_comment(lines[j + 1])
        if not nxt or nxt.startswith(("@", "\\", "Page:")):
            break
        j += 1
        text += " " + nxt
    # End of the comment, or of the parenthesis the tag was written in.
    text = text.split("*/")[0]
    if in_paren:
        depth = 0
        for k, ch in enumerate(text):
            depth += ch == "("
            depth -= ch == ")"
            if depth < 0:
                text = text[:k]
                break
    return text


def parse(text: str, markdown: bool) -> List[Tuple[str, List[str]]]:
    """'a.c f, g; b.c h' -> [('a.c', ['f', 'g']), ('b.c', ['h'])]; [('', [...])] if no file.

    Parenthesised remarks are skipped. In a page (markdown) only `quoted` words
    are files and names and the first other word ends the pointer; in a
    comment every identifier is a name, and anything else ends it.
    """
    groups: List[Tuple[str, List[str]]] = []
    for tok in re.findall(r"`[^`]*`|[^\s,;`]+", drop_parens(text)):
        quoted = tok.startswith("`")
        tok = tok.strip("`").strip().rstrip(".") if quoted else tok.rstrip(".")
        if tok in KEYWORDS or tok == ":":
            continue
        if markdown and not quoted:
            break
        if PATH.match(tok):
            groups.append((tok, []))
        elif NAME.match(tok):
            if not groups:
                groups.append(("", []))
            groups[-1][1].append(tok)
        else:
            break  # prose follows
    return groups


def is_pointer(text: str, mirrors: bool) -> bool:
    first = drop_parens(text.replace("`", " ")).split()
    if not first:
        return False
    tok = first[0].rstrip(",;.:")
    if mirrors or PATH.match(tok):
        return True
    return bool(LIBUV_NAME.match(tok)) and not ERROR_CODE.match(tok)


def leading_block_end(lines: List[str]) -> int:
    """Index of the first line after the file's leading comment block."""
    i = 0
    while i < len(lines) and (not lines[i].strip()
                              or lines[i].lstrip().startswith(("//", "/*", "*", "#!"))):
        i += 1
    return i


def tracked_files(root: str) -> List[str]:
    out = subprocess.run(["git", "ls-files", "-z", "--", *SCANNED], cwd=root, check=True,
                         capture_output=True, text=True).stdout
    return [p for p in out.split("\0") if p and not p.startswith("tests/meta/libuv-")]


def pointers_in(lines: List[str]):
    """Yields (line index, text) of each libuv pointer in a file's lines."""
    for i, line in enumerate(lines):
        if line.rstrip().endswith("**Mirrors:**") and i + 1 < len(lines):
            line = line + " " + lines[i + 1]  # "libuv ..." starts the next line
        m = MIRRORS.search(line)
        mirrors = bool(m)
        if m:
            start, in_paren = re.split(r"\*\*\w", m.group(1))[0], False
        else:
            m = TAG.search(line)
            if not m or PROSE.search(line[:m.start()]):
                continue
            start, in_paren = m.group(2), bool(m.group(1))
        if start.strip().startswith(NO_COUNTERPART):
            continue
        text = tag_text(lines, i, start, in_paren)
        if mirrors:
            text = re.split(r"\*\*\w", text)[0]
        if is_pointer(text, mirrors):
            yield i, text, mirrors


def read_lines(path: str) -> List[str]:
    try:
        with open(path, encoding="utf-8") as f:
            return f.read().splitlines()
    except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
        return []


def unit_files_of(lines: List[str]) -> List[str]:
    """The libuv files named by the tags in the leading comment block."""
    end = leading_block_end(lines)
    return [file for i, text, mirrors in pointers_in(lines) if i < end
            for file, _ in parse(text, mirrors) if file]


def check(root: str, defs_path: str) -> int:
    by_file, dirs = load_definitions(defs_path)
    errors: List[str] = []
    pointers = names = 0
    for rel in tracked_files(root):
        lines = read_lines(os.path.join(root, rel))
        unit_files = unit_files_of(lines)
        stub_of = {i: m.group(1) for i, l in enumerate(lines) for m in [STUB_FILE.match(l)] if m}
        for i, text, mirrors in pointers_in(lines):
            # An exercise's stub replaces code in `file = "..."`: its tags read like that file's.
            stubbed = [f for j, f in stub_of.items() if j < i]
            if stubbed:
                unit_files = unit_files_of(read_lines(os.path.join(root, stubbed[-1])))
            where = f"{rel}:{i + 1}"
            pointers += 1
            groups = parse(text, mirrors)
            if not groups:
                errors.append(f"{where}: a libuv pointer that names nothing: {text.strip()!r}")
            for file, funcs in groups:
                if file and file not in by_file and file not in dirs:
                    errors.append(f"{where}: {file} is not in libuv 1.44.2")
                    continue
                if not file and not unit_files:
                    errors.append(f"{where}: {', '.join(funcs)}: no libuv file named, here or in "
                                  f"the file's leading comment")
                    continue
                files = [file] if file else unit_files
                for func in funcs:
                    names += 1
                    defined = set().union(*(by_file.get(f, set()) for f in files))
                    ok = (any(n.startswith(func[:-1]) for n in defined) if func.endswith("*")
                          else func in defined)
                    if not ok:
                        file = file or " or ".join(files)
                        elsewhere = sorted(f for f, ns in by_file.items()
                                           if func in ns and not f.startswith("src/win/"))
                        hint = f" (defined in {', '.join(elsewhere)})" if elsewhere else \
                            " (not defined anywhere in libuv 1.44.2)"
                        errors.append(f"{where}: {func} is not defined in {file}{hint}")
    for e in errors:
        print(e)
    print(f"checked {pointers} libuv pointers naming {names} definitions: {len(errors)} wrong")
    return 1 if errors or pointers == 0 else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(check(sys.argv[1], sys.argv[2]))
