"""Exact rebuilds for CMake: a Ninja depfile listing everything the site read.

At the end of a successful build it writes `<stamp>: dep dep ...` into
`uvref_depfile`: every page, every file a directive noted as a dependency
(the source files {unit-code} shows, the generated diagrams, Doxygen XML
files Breathe parsed). CMake's add_custom_command(DEPFILE) then reruns
Sphinx when any of them changes, and only then.

After a failed run (a warning under -W, or an exception) it deletes the
saved environment: Sphinx would otherwise consider the pages it read as
up to date and not report their warnings again, and a second `make`
would pass with the same broken page.
"""
import os

from sphinx.application import Sphinx

from sphinx.util import logging

from uvref_common import add_config, extension_metadata

logger = logging.getLogger(__name__)


def _escape(path: str) -> str:
    # Make-style depfile: spaces and '#' need a backslash, '$' doubles.
    return path.replace("\\", "\\\\").replace(" ", "\\ ").replace("#", "\\#").replace("$", "$$")


def _collect(app: Sphinx) -> list:
    env = app.env
    deps = set()
    for docname in env.found_docs:
        deps.add(env.doc2path(docname))
    for docname, files in env.dependencies.items():
        for rel in files:
            deps.add(os.path.normpath(os.path.join(app.srcdir, rel)))
    for xml in getattr(env, "breathe_file_state", {}):
        deps.add(os.path.abspath(xml))
    deps.add(os.path.join(app.confdir, "conf.py"))
    return sorted(d for d in deps if os.path.exists(d))


def _finished(app: Sphinx, exception) -> None:
    failed = exception is not None or app._warncount > 0  # noqa: SLF001 (no public counter in 5.3)
    if failed:
        pickle = os.path.join(app.doctreedir, "environment.pickle")
        if os.path.exists(pickle):
            os.unlink(pickle)
        return
    if not app.config.uvref_depfile or not app.config.uvref_stamp:
        return
    lines = [_escape(os.path.abspath(app.config.uvref_stamp)) + ":"]
    lines += [" " + _escape(d) for d in _collect(app)]
    tmp = app.config.uvref_depfile + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(" \\\n".join(lines) + "\n")
    os.replace(tmp, app.config.uvref_depfile)


def setup(app: Sphinx):
    add_config(app, "uvref_depfile", "", "")
    add_config(app, "uvref_stamp", "", "")
    app.connect("build-finished", _finished)
    return extension_metadata()
