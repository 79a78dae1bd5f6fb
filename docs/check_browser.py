#!/usr/bin/python3
"""docs.browser: load pages of the built site in headless Chromium, as a reader would.

    check_browser.py --html build/debug/docs/html [--chromium /usr/bin/chromium]
                     [--screenshot start.png] [PAGE.html ...]

For each page (default: the start page, a unit page, the uv_pipe_t layout
page) Chromium loads a small probe page that shows the page in an iframe and,
once everything has loaded, reports from inside the browser:
  * every <object> diagram and <img> loaded (an SVG diagram: its document's
    root element is <svg>); the start and layout pages must have diagrams;
  * every stylesheet loaded (the theme's CSS and uvref.css);
  * every link as the browser resolved it.
Then this script checks that there were no console messages at all (Chromium
logs each one to stderr with --enable-logging=stderr: a script error, a
resource that failed to load), and that every internal link points to an
existing file and, with a #fragment, to an id in that file.

Chromium runs with a fresh profile and no network services:
--headless --no-sandbox --disable-gpu --disable-background-networking ...
--allow-file-access-from-files lets the probe read the iframe's document
(file:// pages are otherwise each their own origin).
"""
import argparse
import html.parser
import json
import os
import re
import subprocess
import sys
import tempfile
import urllib.parse

DEFAULT_PAGES = [("index.html", True), ("loop-init/epoll.html", False),
                 ("streams/pipe-t.html", True)]
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--no-first-run", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio",
         "--allow-file-access-from-files", "--enable-logging=stderr", "--v=0"]

PROBE = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>probe</title></head>
<body><pre id="result">pending</pre>
<iframe id="page" src="%(url)s" style="width:1280px;height:900px"></iframe>
<script>
window.addEventListener("load", function () {
  var out = {objects: [], images: [], sheets: [], links: [], error: null};
  try {
    var doc = document.getElementById("page").contentDocument;
    out.title = doc.title;
    doc.querySelectorAll("object").forEach(function (o) {
      var d = o.contentDocument;
      out.objects.push({data: o.data, root: d && d.documentElement ? d.documentElement.nodeName : null,
                        width: o.getBoundingClientRect().width});
    });
    doc.querySelectorAll("img").forEach(function (i) {
      out.images.push({src: i.src, ok: i.complete && i.naturalWidth > 0});
    });
    doc.querySelectorAll("link[rel=stylesheet]").forEach(function (l) {
      out.sheets.push({href: l.href, ok: l.sheet !== null});
    });
    doc.querySelectorAll("a[href]").forEach(function (a) { out.links.push(a.href); });
  } catch (e) {
    out.error = String(e);
  }
  document.getElementById("result").textContent = JSON.stringify(out);
});
</script></body></html>
"""


class Ids(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids = set()

    def handle_starttag(self, tag, attrs):
        for key, value in attrs:
            if key in ("id", "name") and value:
                self.ids.add(value)


_ids_cache = {}


def ids_of(path):
    if path not in _ids_cache:
        p = Ids()
        with open(path, encoding="utf-8", errors="replace") as f:
            p.feed(f.read())
        _ids_cache[path] = p.ids
    return _ids_cache[path]


def run_chromium(chromium, profile, args, timeout=60):
    cmd = [chromium] + FLAGS + [f"--user-data-dir={profile}"] + args
    return subprocess.run(cmd, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def console_lines(stderr):
    # '[pid:tid:date:INFO:CONSOLE:12] "message", source: file:///... (12)'
    # (older Chromium: CONSOLE(12)).
    return [line for line in stderr.splitlines() if re.search(r":CONSOLE[:(]\d", line)]


def check_page(chromium, tmp, root, rel, needs_diagram, errors):
    page = os.path.join(root, rel)
    if not os.path.exists(page):
        errors.append(f"{rel}: not in the built site")
        return
    url = "file://" + urllib.parse.quote(page)
    probe = os.path.join(tmp, "probe.html")
    with open(probe, "w", encoding="utf-8") as f:
        f.write(PROBE % {"url": url})
    proc = run_chromium(chromium, os.path.join(tmp, "profile-" + re.sub(r"\W", "_", rel)),
                        ["--virtual-time-budget=10000", "--dump-dom", "file://" + probe])
    for line in console_lines(proc.stderr):
        errors.append(f"{rel}: browser console: {line.split('] ', 1)[-1]}")
    m = re.search(r'<pre id="result">(.*?)</pre>', proc.stdout, re.S)
    if proc.returncode != 0 or not m:
        errors.append(f"{rel}: chromium exited {proc.returncode} without a result; stderr:\n"
                      + proc.stderr[-2000:])
        return
    text = html.unescape(m.group(1))
    try:
        out = json.loads(text)
    except json.JSONDecodeError:
        errors.append(f"{rel}: the probe did not finish (result: {text[:200]!r})")
        return
    if out.get("error"):
        errors.append(f"{rel}: probe error: {out['error']}")
        return
    for o in out["objects"]:
        if (o["root"] or "").lower() != "svg":
            errors.append(f"{rel}: diagram {o['data']} did not load as SVG (root {o['root']})")
        elif o["width"] < 50:
            errors.append(f"{rel}: diagram {o['data']} is {o['width']} px wide")
    for i in out["images"]:
        if not i["ok"]:
            errors.append(f"{rel}: image {i['src']} did not load")
    for s in out["sheets"]:
        if not s["ok"]:
            errors.append(f"{rel}: stylesheet {s['href']} did not load")
    if not out["sheets"]:
        errors.append(f"{rel}: no stylesheet at all")
    if needs_diagram and not out["objects"]:
        errors.append(f"{rel}: expected at least one diagram, found none")
    broken = 0
    for href in out["links"]:
        u = urllib.parse.urlsplit(href)
        if u.scheme != "file":
            continue
        target = urllib.parse.unquote(u.path)
        if os.path.isdir(target):
            target = os.path.join(target, "index.html")
        if not os.path.exists(target):
            errors.append(f"{rel}: broken link {href}")
            broken += 1
        elif u.fragment and target.endswith(".html") and u.fragment not in ids_of(target):
            errors.append(f"{rel}: link {href}: no id '{u.fragment}'")
            broken += 1
    print(f"{rel}: '{out.get('title', '')}': {len(out['objects'])} diagram(s), "
          f"{len(out['images'])} image(s), {len(out['sheets'])} stylesheet(s), "
          f"{len(out['links'])} link(s), {broken} broken")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--html", required=True)
    ap.add_argument("--chromium", default="/usr/bin/chromium")
    ap.add_argument("--screenshot", help="also save a 1280-wide screenshot of the start page")
    ap.add_argument("pages", nargs="*", help="pages relative to --html (default: three)")
    a = ap.parse_args()
    root = os.path.abspath(a.html)
    pages = [(p, False) for p in a.pages] if a.pages else DEFAULT_PAGES
    errors = []
    with tempfile.TemporaryDirectory(prefix="uvref-browser-") as tmp:
        for rel, needs_diagram in pages:
            check_page(a.chromium, tmp, root, rel, needs_diagram, errors)
        if a.screenshot:
            shot = os.path.abspath(a.screenshot)
            proc = run_chromium(a.chromium, os.path.join(tmp, "profile-shot"),
                                ["--hide-scrollbars", "--window-size=1280,2600",
                                 "--virtual-time-budget=10000", f"--screenshot={shot}",
                                 "file://" + urllib.parse.quote(os.path.join(root, "index.html"))])
            if proc.returncode != 0 or not os.path.exists(shot):
                errors.append(f"screenshot failed: {proc.stderr[-1000:]}")
            else:
                print(f"screenshot: {shot}")
    for e in errors:
        print("FAIL", e)
    print(f"docs.browser: {len(pages)} page(s), {len(errors)} problem(s)")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
