"""Makes Debian's furo JavaScript run as the classic script furo's pages load.

Debian's furo 2022.12.07+dfsg ships the theme's script unbundled: its
static/scripts/furo.js begins with `import Gumshoe from "./gumshoe-patched.js"`
(the upstream wheel ships a webpack bundle instead). The pages load it with a
plain <script>, so every page logs "Uncaught SyntaxError: Cannot use import
statement outside a module" and furo's scripts (light/dark toggle, the table of
contents scroll-spy, the back-to-top button) never run. Loading it as a module
would not help readers who open the site from disk: browsers refuse module
scripts from file:// URLs.

After the HTML build this writes the bundle upstream would have shipped:
gumshoe-patched.js (a UMD script that sets window.Gumshoe) followed by furo.js
without its import line, in a function scope. It does nothing when furo.js
has no import (an upstream furo). docs.browser (check_browser.py) fails on any
console message, so a regression shows.
"""
import os
import re

from sphinx.application import Sphinx

from uvref_common import extension_metadata

IMPORT = re.compile(r'^import\s+Gumshoe\s+from\s+"\./gumshoe-patched\.js";?\s*$', re.M)


def _bundle(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    scripts = os.path.join(app.outdir, "_static", "scripts")
    furo = os.path.join(scripts, "furo.js")
    gumshoe = os.path.join(scripts, "gumshoe-patched.js")
    if not os.path.exists(furo):
        return
    with open(furo, encoding="utf-8") as f:
        code = f.read()
    if not IMPORT.search(code):
        return
    if re.search(r"^\s*(import|export)\s", IMPORT.sub("", code), re.M):
        raise RuntimeError(f"{furo}: unexpected import/export; the classic-script bundle "
                           "in docs/_ext/uvref_furo_js.py needs updating")
    with open(gumshoe, encoding="utf-8") as f:
        lib = f.read()
    bundle = (f"{lib}\n;(function () {{\n{IMPORT.sub('', code)}\n}})();\n")
    with open(furo + ".tmp", "w", encoding="utf-8") as f:
        f.write(bundle)
    os.replace(furo + ".tmp", furo)


def setup(app: Sphinx):
    app.connect("build-finished", _bundle)
    return extension_metadata()
