"""uvref's GDB extensions: pretty-printers, skip rules, `show-fds`, `uvref-fds`, `uvref-handles`.

Loaded automatically with any program linked against uvref (the library carries a
.debug_gdb_scripts section, see src/debug/gdb_scripts.S.in), or by hand with
`source walkthroughs/gdb/uvref_gdb.py`. The page docs/walkthroughs/gdb-extensions.md
describes every command and printer. install() is idempotent.
"""
import gdb
import gdb.printing

from . import fds, handles, loop, msg, skips, values

_installed = False


def lookup(value):
    """The printer for @value's struct, chosen by its tag (uv_pipe_s...), or None."""
    t = value.type.strip_typedefs()
    if t.code != gdb.TYPE_CODE_STRUCT:
        return None
    tag = t.tag or t.name
    if tag in values.HANDLE_TAGS:
        return handles.HandlePrinter(value)
    printer = {"uv_loop_s": loop.LoopPrinter, "uv__queue": loop.QueuePrinter, "uv_buf_t": msg.BufPrinter,
               "msghdr": msg.MsghdrPrinter, "cmsghdr": msg.CmsghdrPrinter}.get(tag)
    return printer(value) if printer else None


lookup.name = "uvref"  # `info pretty-printer`, `disable pretty-printer global uvref`
lookup.enabled = True


def install():
    global _installed
    if _installed:
        return
    _installed = True
    gdb.pretty_printers.append(lookup)
    fds.ShowFds()
    fds.UvrefFds()
    handles.UvrefHandles()
    skips.install()
