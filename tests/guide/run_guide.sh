#!/usr/bin/env bash
# Builds programs written in the style of libuv's guide against the
# *installed* uvref (pkg-config, as a reader would) and against Debian's
# libuv, runs both and compares their output line for line. A program that
# does not build against uvref's uv.h, or behaves differently, fails.
#
#   run_guide.sh BUILD_DIR SRC_DIR CC PROGRAM...
#
# A program that cannot run here (no pseudo-terminal, say) prints
# "SKIPPED: why" and exits with 77 with both libraries; when every program
# given skipped, so does this script (exit 77, CTest's SKIP_RETURN_CODE).
set -euo pipefail
build_dir=$1; src_dir=$2; cc=${3:-cc}; shift 3
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --prefix "$work/prefix" > /dev/null
pc=$(find "$work/prefix" -name uvref.pc | head -n 1)
[ -n "$pc" ] || { echo "uvref.pc not installed"; exit 1; }
export PKG_CONFIG_PATH=$(dirname "$pc")
libdir=$(pkg-config --variable=libdir uvref)  # no rpath in uvref.pc: the loader is told
pkg-config --exists libuv || { echo "Debian's libuv1-dev (pkg-config libuv) is missing"; exit 1; }

# The input the file programs read: a few hundred bytes, several lines.
for i in $(seq 1 12); do echo "line $i of the guide's input, long enough to need several reads"; done > "$work/input.txt"

# Runs one side of PROGRAM with its arguments and input; stdout to $work/PROGRAM.SIDE.out.
run_side() {
  local prog=$1 side=$2 bin="$work/$1-$2" out="$work/$1.$2.out"
  local env=(); [ "$side" = uvref ] && env=(env LD_LIBRARY_PATH="$libdir")
  case $prog in
    cat) "${env[@]}" timeout 60 "$bin" "$work/input.txt" > "$out" ;;
    tee) cat "$work/input.txt" | "${env[@]}" timeout 60 "$bin" "$work/tee.$side.file" > "$out"
         cmp "$work/input.txt" "$work/tee.$side.file" || { echo "tee ($side): the file differs from the input"; return 1; } ;;
    *)   "${env[@]}" timeout 60 "$bin" > "$out" ;;
  esac
}

status=0; ran=0
for prog in "$@"; do
  "$cc" -Wall -Werror "$src_dir/$prog.c" -o "$work/$prog-uvref" $(pkg-config --cflags --libs uvref)
  "$cc" -Wall -Werror "$src_dir/$prog.c" -o "$work/$prog-libuv" $(pkg-config --cflags --libs libuv)
  if LD_LIBRARY_PATH=$libdir ldd "$work/$prog-uvref" | grep -q "libuv\.so"; then
    echo "$prog-uvref links Debian's libuv"; exit 1
  fi
  rc_uvref=0; run_side "$prog" uvref || rc_uvref=$?
  rc_libuv=0; run_side "$prog" libuv || rc_libuv=$?
  if [ "$rc_uvref" = 77 ] && [ "$rc_libuv" = 77 ]; then
    echo "$prog: $(grep -m1 SKIPPED "$work/$prog.libuv.out" || echo SKIPPED)"; continue
  fi
  ran=$((ran + 1))
  if [ "$rc_uvref" != 0 ] || [ "$rc_libuv" != 0 ]; then
    echo "$prog: exit status $rc_uvref with uvref, $rc_libuv with libuv"; status=1
  fi
  if diff -u "$work/$prog.libuv.out" "$work/$prog.uvref.out"; then
    echo "$prog: same output as with libuv ($(wc -l < "$work/$prog.uvref.out") lines)"
  else
    echo "$prog: output differs from libuv's"; status=1
  fi
done
[ "$status" = 0 ] && [ "$ran" = 0 ] && exit 77
exit $status
