/*
 * bench.h: what every benchmark program shares, whichever implementation it
 * is built against (uvref, Debian's libuv, or plain blocking syscalls).
 *
 * A program runs either for a duration (-d SECONDS) or for a fixed number of
 * operations (-n COUNT), checks its own result, and prints exactly one line
 *
 *   RESULT name=pump impl=libuv ops=123 seconds=0.5 unit=bytes rate=246
 *
 * on stdout. Any failed check prints "FAIL ..." on stderr and exits 1, so a
 * broken implementation cannot post a fast number. Exit status 77 means
 * "this implementation does not support the workload" (see BENCH_UNSUPPORTED).
 * tests/bench/run.py reads these lines; docs/benchmarks.md explains them.
 */
#ifndef UVREF_BENCH_H
#define UVREF_BENCH_H

#include <dirent.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef _GNU_SOURCE
#error "compile with -D_GNU_SOURCE (pipe2, MSG_CMSG_CLOEXEC); CMakeLists.txt does"
#endif
#ifndef BENCH_IMPL
#error "compile with -DBENCH_IMPL=\"uvref\", \"libuv\" or \"raw\""
#endif

/* Exit status for "not implemented here"; run.py shows it as "unsupported". */
#define BENCH_UNSUPPORTED 77

/* How long or how much to run: exactly one of the two is set. */
typedef struct {
  double seconds; /* > 0: run until this much time has passed. */
  long count;     /* > 0: run exactly this many operations. */
} bench_args_t;

static inline double bench_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The other process of a two-process workload, in the parent; 0 elsewhere. */
static pid_t bench_child_pid;

/*
 * A failed check. In a parent whose child stopped with "unsupported" (so the
 * parent saw an unexpected EOF), the child's verdict wins: the parent exits
 * 77 too. Otherwise the child is killed so that no process outlives the run.
 */
__attribute__((format(printf, 2, 3), noreturn)) static inline void bench_fail(const char* name,
                                                                             const char* fmt, ...) {
  if (bench_child_pid > 0) {
    int status = 0;
    pid_t r = 0;
    for (int i = 0; i < 200 && (r = waitpid(bench_child_pid, &status, WNOHANG)) == 0; i++) {
      usleep(10 * 1000);
    }
    if (r == bench_child_pid && WIFEXITED(status) && WEXITSTATUS(status) == BENCH_UNSUPPORTED) {
      exit(BENCH_UNSUPPORTED);
    }
    if (r == 0) {
      kill(bench_child_pid, SIGKILL);
      waitpid(bench_child_pid, &status, 0);
    }
  }
  va_list ap;
  fprintf(stderr, "FAIL %s impl=%s pid=%d: ", name, BENCH_IMPL, (int)getpid());
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
  fputc('\n', stderr);
  exit(1);
}

/* A check that stays on in release builds (assert() does not: -DNDEBUG). */
#define BENCH_CHECK(name, cond, ...)     \
  do {                                   \
    if (!(cond)) bench_fail(name, __VA_ARGS__); \
  } while (0)

/* A blocking-syscall check for the raw programs and for set-up code. */
#define BENCH_SYS(name, expr)                                                   \
  do {                                                                          \
    if ((expr) < 0) bench_fail(name, "%s: %s", #expr, strerror(errno));        \
  } while (0)

static inline void bench_usage(const char* prog) {
  fprintf(stderr, "usage: %s (-d SECONDS | -n COUNT)\n", prog);
  exit(2);
}

/*
 * Parses -d / -n and arms a watchdog: a program that hangs (a lost wake-up,
 * a lost message) dies by SIGALRM instead of stalling the whole run.
 */
static inline bench_args_t bench_parse(int argc, char** argv) {
  bench_args_t a = {0, 0};
  if (argc != 3) bench_usage(argv[0]);
  char* end = NULL;
  if (strcmp(argv[1], "-d") == 0) {
    a.seconds = strtod(argv[2], &end);
    if (*end != '\0' || !(a.seconds > 0 && a.seconds < 3600)) bench_usage(argv[0]);
  } else if (strcmp(argv[1], "-n") == 0) {
    a.count = strtol(argv[2], &end, 10);
    if (*end != '\0' || a.count <= 0) bench_usage(argv[0]);
  } else {
    bench_usage(argv[0]);
  }
  alarm(a.seconds > 0 ? (unsigned)(a.seconds * 4) + 30 : 120);
  return a;
}

/* True while a run should go on, after `done` operations started at `t0`. */
static inline int bench_more(const bench_args_t* a, long done, double t0) {
  if (a->count > 0) return done < a->count;
  return bench_now() - t0 < a->seconds;
}

/*
 * This process's peak resident set in KiB (VmHWM of /proc/self/status).
 * Not getrusage's ru_maxrss: after exec that keeps the high-water mark of
 * the process image exec replaced (the Python runner's, ~15 MiB).
 */
static inline long bench_peak_rss_kib(void) {
  FILE* f = fopen("/proc/self/status", "r");
  if (f == NULL) return 0;
  char line[256];
  long kib = 0;
  while (fgets(line, sizeof line, f) != NULL) {
    if (sscanf(line, "VmHWM: %ld kB", &kib) == 1) break;
  }
  fclose(f);
  return kib;
}

/* The child's peak RSS, left in shared memory by bench_child_exit(). */
static long* bench_child_peak_kib;

static inline void bench_result(const char* name, unsigned long long ops, double seconds,
                                const char* unit) {
  long peak = bench_peak_rss_kib();
  if (bench_child_peak_kib != NULL && *bench_child_peak_kib > peak) peak = *bench_child_peak_kib;
  printf("RESULT name=%s impl=%s ops=%llu seconds=%.6f unit=%s rate=%.1f peak_rss_kib=%ld\n", name,
         BENCH_IMPL, ops, seconds, unit, seconds > 0 ? (double)ops / seconds : 0.0, peak);
  fflush(stdout);
}

/* Memory both sides of a fork() see: where a child leaves its counters. */
static inline void* bench_shared(const char* name, size_t size) {
  void* p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  BENCH_CHECK(name, p != MAP_FAILED, "mmap: %s", strerror(errno));
  memset(p, 0, size);
  return p;
}

/*
 * fork(), remembering the child for bench_fail() and bench_wait_child(); the
 * child ends with bench_child_exit(), which reports its peak RSS.
 */
static inline pid_t bench_fork(const char* name) {
  bench_child_peak_kib = bench_shared(name, sizeof *bench_child_peak_kib);
  fflush(NULL);
  pid_t pid = fork();
  if (pid < 0) bench_fail(name, "fork: %s", strerror(errno));
  if (pid > 0) bench_child_pid = pid;
  return pid;
}

/* The normal end of a forked child. */
__attribute__((noreturn)) static inline void bench_child_exit(void) {
  *bench_child_peak_kib = bench_peak_rss_kib();
  _exit(0);
}

/* Waits for a child; its failure (or "unsupported") becomes the parent's. */
static inline void bench_wait_child(const char* name, pid_t pid) {
  int status = 0;
  bench_child_pid = 0;
  while (waitpid(pid, &status, 0) < 0) {
    BENCH_CHECK(name, errno == EINTR, "waitpid: %s", strerror(errno));
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == BENCH_UNSUPPORTED) exit(BENCH_UNSUPPORTED);
  BENCH_CHECK(name, WIFEXITED(status) && WEXITSTATUS(status) == 0, "child %d ended with status 0x%x",
              (int)pid, status);
}

/* Number of open descriptors: compared before and after to catch leaks. */
static inline int bench_count_fds(const char* name) {
  DIR* d = opendir("/proc/self/fd");
  BENCH_CHECK(name, d != NULL, "opendir /proc/self/fd: %s", strerror(errno));
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d)) != NULL) {
    if (e->d_name[0] != '.') n++;
  }
  closedir(d);
  return n - 1; /* the directory stream's own descriptor */
}

#endif /* UVREF_BENCH_H */
