"""Skip rules: `step` stays in uvref's own code and walks it in the order it runs.

Skipped: glibc (its sources are compiled with relative paths, so they are matched as
./... and ../... files), the C++ library's inlines, the syscall seam uvref::sys (the flag
test of fault injection and the trace, the call, the errno conversion, the trace's
printer), the intrusive-list helpers, one-line accessors, and loop_init_stages' scope
guards and observer call. `info skip` lists them;
`skip delete N` takes one back. A breakpoint in a skipped function still stops there
(`break uvref::sys::pipe2`).

One callback runs from inside glibc: pthread_once() calls the lock pipe's
signal_global_init. Stepping over a skipped function never stops inside it, so
`step` on that line would miss the stage; a silent breakpoint on the callback stops
there when (and only when) the command was `step` from its caller.
"""
import gdb

FUNCTIONS = [
    r"^(std|__gnu_cxx)::",                               # C++ library inlines
    r"^uvref::sys::",                                    # the seam: flag test, syscall, errno, trace
    r"^uvref::detail::(queue_[a-z_]+|entry<.*>)[(]",     # intrusive-list helpers
    r"^uvref::detail::(handle_(is_active|is_closing|start|stop|ref|unref)|req_init|req_unregister"
    r"|stream_fd|stream_of|stream_is_ipc|update_time|hrtime_ns)[(]",  # one-line accessors
    r"::Undo<.*>::",                                     # loop_init_stages' scope guards
    r"^operator.void",                                   # a lambda's conversion to a function pointer
]
# glibc's files: FNM_FILE_NAME globbing, so one pattern per depth.
FILES = ["./*", "./*/*", "./*/*/*"] + ["../" + "/".join(["*"] * n) for n in range(1, 7)]
# (file, function): the observer lambda loop_init_stages calls after each stage (NULL from uv_loop_init).
FILE_FUNCTIONS = [("stages.cpp", r"^operator[(][)]")]
# caller -> the callback glibc runs for it, where `step` should arrive.
STEP_THROUGH = {"uvref::detail::signal_global_once_init": "uvref::detail::signal_global_init"}

_stepping = False
_last_function = None


_step_through = []  # the StepThrough breakpoints, made at the first stop (see install)


def _make_step_through():
    for caller, callback in STEP_THROUGH.items():
        if any(b.caller == caller for b in _step_through):
            continue
        try:
            _step_through.append(StepThrough(caller, callback))
        except gdb.error:
            pass  # not in this program: an internal breakpoint cannot be pending


def _on_stop(event):
    global _stepping, _last_function
    _stepping = False
    _make_step_through()
    if isinstance(event, gdb.BreakpointEvent) and any(isinstance(b, StepThrough) for b in event.breakpoints):
        gdb.write(gdb.execute("frame", to_string=True).replace("#0  ", "", 1))
    try:
        _last_function = gdb.selected_frame().name()
    except gdb.error:
        _last_function = None


def arm_step():
    """Called by hook-step: the next resumption is a `step`."""
    global _stepping
    _stepping = True


class StepThrough(gdb.Breakpoint):
    def __init__(self, caller, callback):
        super().__init__(callback.split("::")[-1], internal=True)
        self.caller = caller
        self.silent = True  # _on_stop prints where it stopped, as a `step` would

    def stop(self):
        return _stepping and _last_function == self.caller


def install():
    # GDB's argument parser eats backslashes, so a literal ( or { is written [(] or [{].
    for rule in FUNCTIONS:
        gdb.execute("skip -rfunction %s" % rule, to_string=True)
    for pattern in FILES:
        gdb.execute("skip -gfile %s" % pattern, to_string=True)
    for path, rule in FILE_FUNCTIONS:
        gdb.execute("skip -file %s -rfunction %s" % (path, rule), to_string=True)
    gdb.events.stop.connect(_on_stop)
    gdb.execute("define hook-step\npython import uvrefgdb.skips; uvrefgdb.skips.arm_step()\nend", to_string=True)
    # While GDB auto-loads this from the program's own objfile, its symbols cannot be
    # looked up yet: the breakpoints are made at the first stop instead.
