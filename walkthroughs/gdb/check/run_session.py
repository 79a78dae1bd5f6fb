"""Runs inside GDB (`gdb -batch -x run_session.py`): executes one session's commands in order.

The commands come from the file named by $UVREF_GDB_SESSION (JSON: [[line, command, expect]]).
Each result is printed as one line `RESULT <line> ok|FAIL <reason>` for check_instructions.py.
"""
import json
import os

import gdb

RESUMING = ("run", "r", "start", "continue", "c", "next", "n", "step", "s", "finish", "until", "advance")


def stopped():
    inferior = gdb.selected_inferior()
    return inferior.pid != 0 and len(inferior.threads()) > 0


def main():
    with open(os.environ["UVREF_GDB_SESSION"]) as f:
        commands = json.load(f)
    for line, command, expect in commands:
        try:
            out = gdb.execute(command, to_string=True)
        except gdb.error as e:
            print("RESULT %d FAIL %s" % (line, str(e).splitlines()[0] if str(e) else "error"))
            return
        word = command.split()[0] if command.split() else ""
        if word in RESUMING:
            if not stopped():
                if (expect or "") != "exited":
                    print("RESULT %d FAIL the program exited instead of stopping" % line)
                    return
            else:
                # GDB prints where it stopped (and finish's value) after the command's own
                # output, outside to_string: add them, so `# =>` can check the stop.
                out += gdb.execute("frame", to_string=True)
                if word == "finish":
                    try:
                        out += gdb.execute("p $", to_string=True)
                    except gdb.error:
                        pass  # a void function returns nothing
        if expect is not None and expect != "exited" and " ".join(expect.split()) not in " ".join(out.split()):
            print("RESULT %d FAIL expected %r in: %s" % (line, expect, " ".join(out.split())[:200]))
            return
        print("RESULT %d ok" % line)


main()
