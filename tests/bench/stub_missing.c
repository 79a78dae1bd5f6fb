/*
 * stub_missing.c: what a generated stand-in calls when a benchmark reaches a
 * uv.h function uvref does not define yet (see CMakeLists.txt). Exit status
 * 77 tells run.py "unsupported", which it reports in plain words.
 */
#include <stdio.h>
#include <unistd.h>

void bench_missing(const char* fn);

void bench_missing(const char* fn) {
  fprintf(stderr, "unsupported: uvref does not define %s yet\n", fn);
  fflush(stderr);
  _exit(77);
}
