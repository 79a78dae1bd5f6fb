"""{optional-toctree}: a toctree whose entries may not exist (yet).

Pages written by other parts of the project (docs/benchmarks.md) are listed
here; an entry whose page is absent is left out silently, and with every
entry absent the directive renders nothing. A plain toctree would warn about
the missing document, and a :glob: pattern that matches nothing warns too.
"""
from sphinx.application import Sphinx

from uvref_common import extension_metadata
from sphinx.directives.other import TocTree


class OptionalTocTree(TocTree):
    def run(self):
        found = self.env.found_docs
        kept = [line for line in self.content
                if not line.strip() or line.strip() in found]
        if not any(line.strip() for line in kept):
            return []
        self.content = kept
        return super().run()


def setup(app: Sphinx):
    app.add_directive("optional-toctree", OptionalTocTree)
    return extension_metadata()
