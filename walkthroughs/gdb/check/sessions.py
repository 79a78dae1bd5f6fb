"""Finds the GDB sessions and loose GDB instructions written in docs pages and source comments.

The convention (docs/walkthroughs/gdb-extensions.md, "Every GDB line is checked"):

    gdb --args build/debug/PROGRAM [ARGS...]     <- names the program (or `gdb build/debug/PROGRAM`)
    (gdb) break some_function                    <- then one command per line, run in order
    (gdb) run
    (gdb) p some_value                # => 24    <- `# => TEXT`: the output must contain TEXT
                                                    (TEXT ends at a `;`: what follows is prose)

A session is such a block in a fenced code block of a page, or in a source comment
(comment markers are stripped first). Inside an "In GDB" part of a page or comment,
a GDB instruction in backticks (`break ...`, `p ...`) outside a session is "loose":
the check cannot know which program it belongs to, so a loose instruction fails.
"""
import re
import shlex
from dataclasses import dataclass, field

START = re.compile(r"^gdb\s+(--args\s+)?(?P<rest>(?:\S*/)?build/\S+.*)$")
COMMAND = re.compile(r"^\(gdb\)\s?(?P<cmd>.*)$")
EXPECT = re.compile(r"\s+#\s*=>\s*(?P<text>.*)$")
COMMENT = re.compile(r"\s+#\s.*$")
INSTRUCTION = re.compile(r"^(break|b|tbreak|catch|watch|rwatch|awatch|p|print|x|display|finish|run)(/\w+)?(\s|$)")
SPAN = re.compile(r"`([^`]+)`")
COMMENT_PREFIX = re.compile(r"^\s*(/\*\*?|\*/?|//+|#)\s?")


@dataclass
class Command:
    line: int
    text: str
    expect: str | None
    note: str = ""  # the whole comment after the command


@dataclass
class Session:
    path: str
    line: int
    argv: list
    commands: list = field(default_factory=list)


@dataclass
class Loose:
    path: str
    line: int
    text: str


def plain_lines(path, text):
    """The file's lines as a reader sees them: comment markers stripped in source files."""
    source = not path.endswith(".md")
    for n, raw in enumerate(text.splitlines(), 1):
        line = raw
        if source:
            m = COMMENT_PREFIX.match(line)
            if not m:
                yield n, "", False
                continue
            line = line[m.end():]
        yield n, line.strip(), True


def parse(path, text):
    """([Session], [Loose]) found in one file."""
    sessions, loose = [], []
    current = None
    in_gdb_part = False
    md = path.endswith(".md")
    for n, line, is_text in plain_lines(path, text):
        m = START.match(line)
        if m:
            current = Session(path, n, shlex.split(m.group("rest")))
            sessions.append(current)
            continue
        c = COMMAND.match(line)
        if c and current is not None:
            cmd = c.group("cmd")
            e = EXPECT.search(cmd)
            expect = e.group("text").split(";")[0].strip() if e else None
            note = COMMENT.search(cmd)
            cmd = COMMENT.sub("", EXPECT.sub("", cmd)).strip()
            current.commands.append(Command(n, cmd, expect, note.group(0) if note else (e.group(0) if e else "")))
            continue
        current = None
        # Where is an "In GDB" part? A heading or paragraph that starts with it, up to the
        # next heading (pages) or the next blank comment line (source comments).
        if re.match(r"^(#+\s*|[-*]\s*)?In GDB\b", line):
            in_gdb_part = True
        elif (md and line.startswith("#")) or (not md and not line) or not is_text:
            in_gdb_part = False
        if in_gdb_part:
            for span in SPAN.findall(line):
                if INSTRUCTION.match(span.strip()):
                    loose.append(Loose(path, n, span.strip()))
    return sessions, loose
