#!/usr/bin/env bash
# Installs uvref into a scratch prefix, then builds a libuv program against it
# three ways: pkg-config (shared), pkg-config --static, and find_package(uvref).
# Each binary must run and must not be linked against Debian's libuv.
set -euo pipefail
build_dir=$1; src_dir=$2; cc=${3:-cc}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

cmake --install "$build_dir" --prefix "$prefix" > /dev/null
for f in include/uv.h include/uv/errno.h lib/libuvref.a lib/libuvref.so lib/pkgconfig/uvref.pc \
         lib/cmake/uvref/uvrefConfig.cmake; do
  [ -e "$prefix/$f" ] || { echo "missing after install: $f"; exit 1; }
done
export PKG_CONFIG_PATH=$prefix/lib/pkgconfig

check() {  # binary: runs, prints the uvref version, links no libuv.so
  local bin=$1
  local out; out=$("$bin")
  echo "$bin: $out"
  grep -q "uvref" <<<"$out" || { echo "not uvref: $out"; exit 1; }
  if ldd "$bin" | grep -q "libuv\.so"; then echo "$bin links Debian's libuv"; exit 1; fi
}

"$cc" "$src_dir/hello_loop.c" -o "$work/hello_shared" $(pkg-config --cflags --libs uvref)
check "$work/hello_shared"
# --static: same command line shape the issue asks for. Hide the .so so the archive is used.
mv "$prefix/lib/libuvref.so" "$work/"
"$cc" "$src_dir/hello_loop.c" -o "$work/hello_static" $(pkg-config --cflags --libs --static uvref)
mv "$work/libuvref.so" "$prefix/lib/"
check "$work/hello_static"

cmake -S "$src_dir/consumer" -B "$work/consumer" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" > /dev/null
cmake --build "$work/consumer" > /dev/null
check "$work/consumer/hello_loop"
check "$work/consumer/hello_loop_static"
echo "install check: pkg-config (shared, static) and find_package(uvref) all work"
