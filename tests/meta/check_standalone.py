#!/usr/bin/python3
"""Fails if a tracked file points outside the project.

    check_standalone.py REPO_ROOT

A clone must stand on its own: no tracked file may name the directory this
project was written in, a file beside the clone, or the notes kept there.
Facts measured there are restated in docs/libuv-facts.md. Prints each
offending line and exits 1.
"""
import subprocess
import sys

# Spelled in pieces so that this file does not match itself.
FORBIDDEN = ["../" + "shared/", "/" + "work/", "LIBUV-" + "FACTS", "TOOLCHAIN" + ".md"]


def main() -> int:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    root = sys.argv[1]
    files = subprocess.run(["git", "ls-files", "-z"], cwd=root, check=True,
                           capture_output=True, text=True).stdout.split("\0")
    bad = 0
    for rel in filter(None, files):
        try:
            with open(f"{root}/{rel}", encoding="utf-8") as f:
                lines = f.read().splitlines()
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
        for n, line in enumerate(lines, 1):
            for word in FORBIDDEN:
                if word in line:
                    print(f"{rel}:{n}: names {word!r}: {line.strip()}")
                    bad += 1
    print(f"{len(files) - 1} tracked files read, {bad} reference(s) outside the project")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
