"""Walkthrough pages that live outside the Sphinx source directory.

Each walkthrough is a folder under walkthroughs/ (the GDB script, the
transcript CI replays, and walkthrough.md, the page). The site shows the page
through a one-line stub in docs/walkthroughs/, MyST's include:

    ```{include} ../../walkthroughs/loop-init/walkthrough.md
    ```

so the transcript on the page is the very file `ctest -R walkthrough` checks.

The catch is the relative paths inside walkthrough.md (`{literalinclude}
loop-init.gdb`): Sphinx resolves them against the *including* page's folder,
docs/walkthroughs/, where the files are not. This extension makes
`literalinclude` resolve a relative path against the file that contains the
directive, the way docutils resolves nested rST includes: while MyST renders
an included file it reports that file as the current source. For ordinary
pages (the directive is in the page itself) nothing changes.
"""
import os

from sphinx.application import Sphinx
from sphinx.directives.code import LiteralInclude

from uvref_common import extension_metadata


class SourceRelativeLiteralInclude(LiteralInclude):
    def run(self):
        arg = self.arguments[0]
        source, _line = self.get_source_info()
        page = self.env.doc2path(self.env.docname)
        if (not arg.startswith("/") and source
                and os.path.abspath(source) != os.path.abspath(page)):
            # Inside an included file: make the path srcdir-absolute ("/..."),
            # the form Sphinx resolves against its source directory.
            target = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(source)), arg))
            self.arguments[0] = "/" + os.path.relpath(target, self.env.srcdir)
        return super().run()


def setup(app: Sphinx):
    app.add_directive("literalinclude", SourceRelativeLiteralInclude, override=True)
    return extension_metadata()
