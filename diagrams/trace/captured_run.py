"""What the build-time capture scripts (strace_capture.py, uvref_trace_capture.py) share:
the program named after `--`, one run of it with only descriptors 0, 1 and 2 open (stdin
/dev/null, stdout and stderr kept) and a time limit, and writing a result whole or not at all.

A run that cannot start or exits with a failure stops the build with the program's own
words, so a docs page never shows a stale or empty capture.
"""
import os
import subprocess
import sys


def fail(tool, message):
    """Stops the build: `tool` says what went wrong, and why the site needs the capture."""
    sys.exit(f"{tool}: {message}\n{tool}: the docs show what this build's programs did; without "
             "the capture the site cannot be built (configure with -DUVREF_BUILD_DOCS=OFF to skip the docs)")


def program(parser, words):
    """The command after `--` (argparse.REMAINDER keeps the `--`); none is a usage error."""
    command = words[1:] if words[:1] == ["--"] else words
    if not command:
        parser.error("no program given")
    return command


def run(tool, argv, env=None, timeout=60, hint=""):
    """Runs argv to its end and returns it (text output); a missing program, a time-out or a
    failing exit stops the build with the tail of its stderr and `hint`."""
    try:
        # close_fds (the default) leaves the child only 0, 1 and 2.
        proc = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              text=True, errors="replace", close_fds=True, timeout=timeout)
    except FileNotFoundError:
        fail(tool, f"{argv[0]} not found")
    except subprocess.TimeoutExpired:
        fail(tool, f"'{' '.join(argv)}' still ran after {timeout} s")
    if proc.returncode != 0:
        fail(tool, f"'{' '.join(argv)}' exited with {proc.returncode}; it said:\n"
                   f"{proc.stderr.strip()[-2000:] or '(nothing)'}{hint}")
    return proc


def write_whole(path, text):
    """Writes text beside path and renames it into place: a failed build leaves no half file."""
    with open(path + ".tmp", "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(path + ".tmp", path)
