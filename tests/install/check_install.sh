#!/usr/bin/env bash
# uvref as a library, three ways:
#  1. the build under test installed into a scratch prefix: a libuv program
#     builds with pkg-config (shared and --static) and with find_package(uvref);
#  2. a packager's build, configured alone with --prefix /usr and no tests,
#     docs or examples, installed with DESTDIR: the files land in Debian's
#     multiarch libdir, uvref.pc finds them (no rpath), consumers build, and
#     the debug units are not in the shipped libraries;
#  3. another project that embeds uvref with add_subdirectory configures
#     without uvref's test and docs toolchain (tests/install/embedding).
# Every binary must run and must not be linked against Debian's libuv.
set -euo pipefail
build_dir=$1; here=$2; cc=${3:-cc}; src_root=$4
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT

check() {  # binary [libdir]: runs, prints the uvref version, links no libuv.so
  local bin=$1 out
  out=$(LD_LIBRARY_PATH=${2:-} "$bin")
  echo "$bin: $out"
  grep -q "uvref" <<<"$out" || { echo "not uvref: $out"; exit 1; }
  if LD_LIBRARY_PATH=${2:-} ldd "$bin" | grep -q "libuv\.so"; then echo "$bin links Debian's libuv"; exit 1; fi
}
need() { for f in "$@"; do [ -e "$f" ] || { echo "missing after install: $f"; exit 1; }; done; }

# --- 1. scratch prefix ---------------------------------------------------------
prefix=$work/prefix
cmake --install "$build_dir" --prefix "$prefix" > /dev/null
lib=$prefix/lib
need "$prefix/include/uv.h" "$prefix/include/uv/errno.h" "$lib/libuvref.a" "$lib/libuvref.so" \
     "$lib/pkgconfig/uvref.pc" "$lib/cmake/uvref/uvrefConfig.cmake"
export PKG_CONFIG_PATH=$lib/pkgconfig
"$cc" "$here/hello_loop.c" -o "$work/hello_shared" $(pkg-config --cflags --libs uvref)
check "$work/hello_shared" "$lib"
# --static: hide the .so so the archive is used.
mv "$lib/libuvref.so" "$work/"
"$cc" "$here/hello_loop.c" -o "$work/hello_static" $(pkg-config --cflags --libs --static uvref)
mv "$work/libuvref.so" "$lib/"
check "$work/hello_static"
cmake -S "$here/consumer" -B "$work/consumer" -G Ninja -DCMAKE_PREFIX_PATH="$prefix" > /dev/null
cmake --build "$work/consumer" > /dev/null
check "$work/consumer/hello_loop" "$lib"
check "$work/consumer/hello_loop_static"
echo "1. scratch prefix: pkg-config (shared, static) and find_package(uvref) work"

# --- 2. a Debian-style package build -------------------------------------------
multiarch=$("$cc" -print-multiarch)
[ -n "$multiarch" ] || { echo "$cc -print-multiarch printed nothing"; exit 1; }
cmake -S "$src_root" -B "$work/pkg" -G Ninja -DCMAKE_INSTALL_PREFIX=/usr \
      -DUVREF_BUILD_TESTS=OFF -DUVREF_BUILD_DOCS=OFF -DUVREF_BUILD_EXAMPLES=OFF > /dev/null
cmake --build "$work/pkg" --target uvref uvref_shared > /dev/null
root=$work/root
DESTDIR=$root cmake --install "$work/pkg" > /dev/null
lib=$root/usr/lib/$multiarch
need "$root/usr/include/uv.h" "$lib/libuvref.so" "$lib/libuvref.a" "$lib/pkgconfig/uvref.pc" \
     "$lib/cmake/uvref/uvrefConfig.cmake" "$lib/cmake/uvref/uvrefTargets.cmake"
if grep -q "rpath" "$lib/pkgconfig/uvref.pc"; then echo "uvref.pc bakes an rpath into Libs"; exit 1; fi
export PKG_CONFIG_PATH=$lib/pkgconfig
pc_libdir=$(realpath -m "$(pkg-config --variable=libdir uvref)")
[ "$pc_libdir" = "$(realpath "$lib")" ] || { echo "uvref.pc libdir is $pc_libdir, not $lib"; exit 1; }
pc_inc=$(realpath -m "$(pkg-config --variable=includedir uvref)")
[ "$pc_inc" = "$(realpath "$root/usr/include")" ] || { echo "uvref.pc includedir is $pc_inc"; exit 1; }
"$cc" "$here/hello_loop.c" -o "$work/deb_hello" $(pkg-config --cflags --libs uvref)
check "$work/deb_hello" "$lib"
cmake -S "$here/consumer" -B "$work/deb_consumer" -G Ninja -DCMAKE_PREFIX_PATH="$root/usr" > /dev/null
cmake --build "$work/deb_consumer" > /dev/null
check "$work/deb_consumer/hello_loop" "$lib"
check "$work/deb_consumer/hello_loop_static"
for l in "$lib/libuvref.so" "$lib/libuvref.a"; do
  if nm -C "$l" 2>/dev/null | grep -q "uvref::debug::"; then echo "$l ships the debug units"; exit 1; fi
done
echo "2. --prefix /usr, DESTDIR: $multiarch libdir, uvref.pc without rpath, no debug units: consumers work"

# --- 3. embedded with add_subdirectory -----------------------------------------
cmake -S "$here/embedding" -B "$work/embedding" -G Ninja -DUVREF_SOURCE_DIR="$src_root" \
      > "$work/embedding.log" 2>&1 || { cat "$work/embedding.log"; exit 1; }
grep "embedding:" "$work/embedding.log"
echo "install check: all three ways work"
