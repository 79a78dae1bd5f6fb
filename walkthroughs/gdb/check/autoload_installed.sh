#!/usr/bin/env bash
# Auto-loading for an installed uvref: install into a scratch prefix, build a libuv
# program against it with pkg-config (shared, as a student would), and check that
#  1. GDB declines the library's script while <prefix>/lib is not on its safe-path,
#  2. with `add-auto-load-safe-path <prefix>/lib` the extensions load from
#     <prefix>/share/uvref/gdb (not from the source tree) and print the loop.
# Exit 77 (CTest: skipped, with the reason printed) when GDB is missing.
set -euo pipefail
build_dir=$1; program_src=$2; cc=${3:-cc}
command -v gdb > /dev/null || { echo "SKIP: gdb not installed (apt-get install gdb)"; exit 77; }
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
prefix=$work/prefix
cmake --install "$build_dir" --prefix "$prefix" > /dev/null
[ -f "$prefix/share/uvref/gdb/uvrefgdb/__init__.py" ] || { echo "missing: share/uvref/gdb/uvrefgdb"; exit 1; }
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig
"$cc" -g "$program_src" -o "$work/hello" $(pkg-config --cflags --libs uvref) -Wl,-rpath,"$prefix/lib"

run_gdb() {
  gdb -q -batch -nx "$@" -ex "set breakpoint pending on" -ex "break uv_run" -ex "run > /dev/null" \
      -ex "python import sys; print('uvrefgdb from', sys.modules['uvrefgdb'].__file__ if 'uvrefgdb' in sys.modules else None)" \
      -ex "p *loop" "$work/hello" 2>&1
}
declined=$(run_gdb)
grep -q "auto-loading has been declined" <<<"$declined" || { echo "expected a refusal:"; echo "$declined"; exit 1; }
grep -q "uvrefgdb from None" <<<"$declined" || { echo "loaded without the safe-path:"; echo "$declined"; exit 1; }

loaded=$(run_gdb -iex "add-auto-load-safe-path $prefix/lib")
echo "$loaded"
grep -q "uvrefgdb from $prefix/share/uvref/gdb/uvrefgdb/__init__.py" <<<"$loaded" \
  || { echo "not loaded from the installed package"; exit 1; }
grep -q "backend_fd = " <<<"$loaded" || { echo "the loop printer did not run"; exit 1; }
echo "auto-load check: declined without the safe-path, loaded from $prefix/share/uvref/gdb with it"
