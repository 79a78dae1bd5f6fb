#!/usr/bin/python3
"""The meta checkers can fail: each is run on a small repository made here.

    test_checkers.py TESTS_META_DIR [LIBUV_PROBE UVREF_PROBE [UVREF_TOUR]]

check_libuv_tags.py must reject a wrong file, a name defined elsewhere, a
name no file names, and accept a right tag; check_standalone.py must reject
a path outside the project; check_struct_sizes.py must reject a README that
lists a different type as byte for byte and a wrong quoted size;
check_readme_tour.py must reject an excerpt line the tour does not print;
check_layers.py must reject a core/ file that includes a header from above;
check_libuv_doc_links.py must reject a versioned URL, an unknown page and an entry documented
on another page.
"""
import os
import subprocess
import sys
import tempfile

HERE = sys.argv[1] if len(sys.argv) > 1 else os.path.dirname(__file__)
DEFS = os.path.join(HERE, "libuv-1.44.2-definitions.txt")
failures = []
checks = []


def run(*args):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True)


def repo(files):
    root = tempfile.mkdtemp(prefix="uvref-meta-")
    for rel, text in files.items():
        os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
        with open(os.path.join(root, rel), "w", encoding="utf-8") as f:
            f.write(text)
    subprocess.run(["git", "init", "-q", root], check=True)
    subprocess.run(["git", "-C", root, "add", "."], check=True)
    return root


def expect(name, result, code, needle):
    checks.append(name)
    if result.returncode != code or needle not in result.stdout:
        failures.append(f"{name}: exit {result.returncode} (wanted {code}), output:\n{result.stdout}"
                        f"{result.stderr}\n(wanted {needle!r})")


tag = "lib" + "uv: "  # so that the tag checker does not read these as tags
cases = {
    "right": (f"/* {tag}src/unix/epoll.c uv__io_poll */\n", 0, "0 wrong"),
    "wrong file": (f"/* {tag}src/unix/linux-core.c uv__io_poll */\n", 1,
                   "uv__io_poll is not defined in src/unix/linux-core.c"),
    "no such file": (f"/* {tag}src/unix/nothere.c uv_run */\n", 1, "is not in libuv 1.44.2"),
    "later api": (f"/* {tag}src/unix/pipe.c uv_pipe_bind2 */\n", 1,
                  "not defined anywhere in libuv 1.44.2"),
    "no file": (f"int x;\n/** {tag}uv__io_poll */\nint y;\n", 1, "no libuv file named"),
    "unit file": (f"/* {tag}src/unix/epoll.c */\nint x;\n/** {tag}uv__io_poll */\nint y;\n", 0,
                  "0 wrong"),
    "prose": (f"/* {tag}src/unix/epoll.c uv__io_poll */\n"
              f"/* A closing handle is UV_EINVAL, as in {tag}uv_close() closed it. */\n", 0,
              "checked 1 libuv pointers naming 1 definitions: 0 wrong"),
    "page": ("**Mirrors:" + "** libuv `src/uv-common.c` `uv_now`, `uv_hrtime`.\n", 1,
             "uv_hrtime is not defined in src/uv-common.c"),
}
for name, (text, code, needle) in cases.items():
    root = repo({"src/a.cpp" if not name == "page" else "docs/a.md": text})
    expect(f"tags: {name}", run(os.path.join(HERE, "check_libuv_tags.py"), root, DEFS), code, needle)

outside = "../" + "shared/notes.md"
root = repo({"docs/a.md": f"see {outside}\n"})
expect("standalone: outside path", run(os.path.join(HERE, "check_standalone.py"), root), 1,
       "1 reference(s) outside")
root = repo({"docs/a.md": "all here\n"})
expect("standalone: clean", run(os.path.join(HERE, "check_standalone.py"), root), 0,
       "0 reference(s) outside")

ext = 'LIBUV_DOCS = "https://docs.libuv.org/en/v1.x/"\n'
good = "See {libuv-doc}`pipe#uv_pipe_open` and https://docs.libuv.org/en/v1.x/stream.html#c.uv_listen.\n"
for name, page, code, needle in [
        ("versioned URL", "https://docs.libuv.org/en/v1.44.2/pipe.html\n", 1, "not of the form"),
        ("unknown page", "{libuv-doc}`pipes`\n", 1, "no documentation page 'pipes'"),
        ("entry on another page", "{libuv-doc}`pipe#uv_listen`\n", 1, "does not document 'uv_listen'"),
        ("clean", good, 0, "2 links to libuv's documentation checked, 0 problem(s)")]:
    root = repo({"docs/_ext/uvref_libuvdocs.py": ext, "docs/a.md": page})
    expect(f"libuv doc links: {name}", run(os.path.join(HERE, "check_libuv_doc_links.py"), root), code, needle)

root = repo({"src/core/a.cpp": '#include "core/internal.h"\n#include "pipe/pipe.h"\n',
             "src/pipe/pipe.h": "#pragma once\n"})
expect("layers: core includes pipe/", run(os.path.join(HERE, "check_layers.py"), os.path.join(root, "src")),
       1, 'includes "pipe/pipe.h"')
root = repo({"src/core/a.cpp": '#include "core/internal.h"\n#include "sys/sys.h"\n#include "uv.h"\n',
             "src/pipe/pipe.h": '#include "core/internal.h"\n'})
expect("layers: clean", run(os.path.join(HERE, "check_layers.py"), os.path.join(root, "src")), 0,
       "3 includes of core/ and sys/ checked, 0 point upward")

if len(sys.argv) >= 4:
    libuv_probe, uvref_probe = sys.argv[2], sys.argv[3]
    facts = "% libuv-sizes\n`uv_loop_t` is 848 bytes.\n% /libuv-sizes\n"
    wrong_facts = "% libuv-sizes\n`uv_loop_t` is 712 bytes.\n% /libuv-sizes\n"
    readme = ("<!-- struct-layouts -->\nByte for byte: `uv_handle_t`, `uv_loop_t`.\n"
              "Different: `uv_timer_t` (136; 152).\n<!-- /struct-layouts -->\n")
    root = repo({"README.md": readme, "facts.md": wrong_facts})
    r = run(os.path.join(HERE, "check_struct_sizes.py"), libuv_probe, uvref_probe,
            os.path.join(root, "README.md"), os.path.join(root, "facts.md"))
    expect("sizes: loop listed as same", r, 1, "says uv_loop_t is byte for byte")
    expect("sizes: pipe not listed", r, 1, "uv_pipe_t is byte for byte libuv's but is not listed")
    expect("sizes: wrong libuv size", r, 1, "says libuv's uv_loop_t is 712 bytes; it is 848")

if len(sys.argv) == 5:
    tour = sys.argv[4]
    readme = "Run uvref-tour:\n```text\n== 1. epoll_create1: the backend descriptor\n...\n== 9. no such stage\n```\n"
    root = repo({"README.md": readme})
    expect("tour: a line it does not print",
           run(os.path.join(HERE, "check_readme_tour.py"), tour, os.path.join(root, "README.md")), 1,
           "the tour does not print, at this point: '== 9. no such stage'")

for f in failures:
    print("FAIL", f)
print(f"{len(checks)} checks, "
      f"{len(failures)} failed")
sys.exit(1 if failures else 0)
