"""Sphinx configuration for the uvref site.

Run by docs/CMakeLists.txt with Debian's /usr/bin/sphinx-build; the build
system passes the paths below with -D (breathe_projects.uvref,
uvref_source_root, uvref_diagram_dir, uvref_depfile, uvref_stamp,
uvref_doxygen_html). Run by hand, the defaults assume build/debug.
"""
import os
import sys

_here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(_here, "_ext"))
_root = os.path.dirname(_here)
_build = os.path.join(_root, "build", "debug")

project = "uvref"
author = "the uvref authors"
copyright = "uvref authors; libuv names and API are libuv's (MIT)"

extensions = [
    "myst_parser",
    "sphinx.ext.graphviz",
    "breathe",
    "uvref_depfile",      # stamp + depfile for CMake, env reset after a failed run
    "uvref_unitcode",     # {unit-code} file marker: real code between // [docs:NAME] markers
    "uvref_xref",         # {libuv-xref}: table from `libuv:` tags; \docpage labels checked
    "uvref_diagrams",     # {uvref-diagram} name: DOT generated at build time from the code
    "uvref_srclink",      # [source] link from each API signature to Doxygen's source browser
    "uvref_optional_toctree",  # toctree entries that may be absent (benchmarks.md)
    "uvref_walkthroughs",  # literalinclude inside an included walkthroughs/*/walkthrough.md
    "uvref_furo_js",      # Debian's unbundled furo.js made a classic script again
    "uvref_exercises",    # {exercise} NAME: an exercise page from walkthroughs/exercises/NAME/exercise.toml
    "uvref_libuvdocs",    # {libuv-doc}`pipe`: links to libuv's site, checked against 1.44.2's pages
    "uvref_related",      # unit pages <-> their exercises and walkthroughs, computed
]

root_doc = "index"
source_suffix = {".md": "markdown"}
exclude_patterns = ["_build", "README.md"]
templates_path = []

myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

# Nitpicky mode (-n) must resolve every reference; these are system types
# the C signatures use, documented by POSIX and glibc, not by this site.
nitpicky = True
nitpick_ignore = [
    (kind, name)
    for kind in ("c:identifier", "c:type", "cpp:identifier")
    for name in ("size_t", "ssize_t", "int64_t", "uint64_t", "uint32_t", "pid_t", "uid_t", "gid_t",
                 "sockaddr", "sockaddr_in", "sockaddr_in6", "pthread_mutex_t", "va_list", "std", "uint8_t",
                 # the system types uv.h's thread types are (libuv's on Linux)
                 "pthread_t", "pthread_rwlock_t", "pthread_cond_t", "pthread_barrier_t", "pthread_once_t",
                 "pthread_key_t", "sem_t")
]

# Anonymous unions and structs inside a struct (uv_loop_t::active_reqs,
# uv_stdio_container_t::data) have no name to link to.
nitpick_ignore_regex = [(r"c:identifier", r".*\.@\d+")]

# Two Doxygen runs: "uvref" is the public header alone (the API reference
# renders exactly the contract), "internals" is every source (unit pages,
# the cross-reference table, links into the source browser).
breathe_projects = {"uvref": os.path.join(_build, "docs", "doxygen-public", "xml"),
                    "internals": os.path.join(_build, "docs", "doxygen", "xml")}
breathe_default_project = "uvref"
# The public header is C (libuv's API); everything else is C++20.
breathe_domain_by_extension = {"h": "cpp", "cpp": "cpp"}
breathe_domain_by_file_pattern = {"*/include/uv.h": "c", "*/include/uv/*.h": "c", "*uv.h": "c",
                                  "*uv/errno.h": "c"}
breathe_default_members = ()
breathe_show_include = False

graphviz_output_format = "svg"
graphviz_dot_args = ["-Gfontname=Helvetica", "-Nfontname=Helvetica", "-Efontname=Helvetica"]

html_theme = "furo"
html_title = "uvref: libuv's pipe I/O, explained in code"
html_static_path = ["_static"]
html_css_files = ["uvref.css"]
html_show_sourcelink = False
html_copy_source = False

# Paths passed in by CMake (-D). Defaults let a reader run sphinx-build by hand.
uvref_source_root = _root
uvref_diagram_dir = os.path.join(_build, "diagrams")
uvref_depfile = ""
uvref_stamp = ""
uvref_doxygen_html = "doxygen"
