#!/usr/bin/env bash
# Builds programs written in the style of libuv's guide against the
# *installed* uvref (pkg-config, as a reader would) and against Debian's
# libuv, runs both and compares their output line for line. A program that
# does not build against uvref's uv.h, or behaves differently, fails.
set -euo pipefail
build_dir=$1; src_dir=$2; cc=${3:-cc}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --prefix "$work/prefix" > /dev/null
pc=$(find "$work/prefix" -name uvref.pc | head -n 1)
[ -n "$pc" ] || { echo "uvref.pc not installed"; exit 1; }
export PKG_CONFIG_PATH=$(dirname "$pc")
libdir=$(pkg-config --variable=libdir uvref)  # no rpath in uvref.pc: the loader is told
pkg-config --exists libuv || { echo "Debian's libuv1-dev (pkg-config libuv) is missing"; exit 1; }
status=0
for prog in threads signal_threads interfaces; do
  "$cc" -Wall -Werror "$src_dir/$prog.c" -o "$work/$prog-uvref" $(pkg-config --cflags --libs uvref)
  "$cc" -Wall -Werror "$src_dir/$prog.c" -o "$work/$prog-libuv" $(pkg-config --cflags --libs libuv)
  if LD_LIBRARY_PATH=$libdir ldd "$work/$prog-uvref" | grep -q "libuv\.so"; then
    echo "$prog-uvref links Debian's libuv"; exit 1
  fi
  LD_LIBRARY_PATH=$libdir timeout 60 "$work/$prog-uvref" > "$work/$prog.uvref.out"
  timeout 60 "$work/$prog-libuv" > "$work/$prog.libuv.out"
  if diff -u "$work/$prog.libuv.out" "$work/$prog.uvref.out"; then
    echo "$prog: same output as with libuv ($(wc -l < "$work/$prog.uvref.out") lines)"
  else
    echo "$prog: output differs from libuv's"; status=1
  fi
done
exit $status
