/*
 * Helpers shared by the differential programs.
 *
 * Every program in this directory is compiled twice from the same source:
 * once against Debian's libuv (the oracle) and once against uvref. The two
 * binaries print the same report; run_diff.py normalises what legitimately
 * differs (descriptor numbers, addresses, pids, inodes, temporary paths) and
 * diffs the rest. The conventions below are what that script relies on:
 *
 *   - the first line is "side: libuv" or "side: uvref", decided by the header
 *     the program was compiled against; the runner checks it and drops it, so
 *     a uvref binary that was accidentally built against libuv cannot pass;
 *   - a descriptor number is printed as "fd:N" and nothing else uses that
 *     spelling, so the runner can renumber descriptors consistently;
 *   - the last line is "done", so a run that stops early cannot pass.
 *
 * Only libuv 1.44 API is used: the same source must build against both.
 */
#ifndef UVREF_DIFF_COMMON_H
#define UVREF_DIFF_COMMON_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <uv.h>

/* libuv's header guard is UV_H, uvref's is UVREF_UV_H. */
#if defined(UVREF_UV_H)
#define DIFF_SIDE "uvref"
#elif defined(UV_H)
#define DIFF_SIDE "libuv"
#else
#error "neither libuv's nor uvref's uv.h was included"
#endif

#define DIFF_MAX_FD 1024

/* Descriptors open when the program started (inherited from the runner, the
 * sanitizer runtime, ...): they are not the library's and are never listed. */
static unsigned char diff_baseline[DIFF_MAX_FD];

/* Prints a line and flushes, so the order survives a crash and a fork. */
static inline void say(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
static inline void say(const char* fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vprintf(fmt, ap);
  va_end(ap);
  putchar('\n');
  fflush(stdout);
}

/* Fails loudly: a broken precondition must not look like a difference. */
#define CHECK(cond)                                                          \
  do {                                                                       \
    if (!(cond)) {                                                           \
      fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      exit(2);                                                               \
    }                                                                        \
  } while (0)

/* An error code printed by name, so the report reads "UV_EINVAL" rather than
 * "-22"; success is printed as 0 and a positive value as itself. */
static inline const char* diff_err(int r) {
  static char buf[8][64];
  static int next;
  char* out = buf[next++ % 8];
  if (r >= 0)
    snprintf(out, 64, "%d", r);
  else
    snprintf(out, 64, "UV_%s", uv_err_name(r));
  return out;
}

static inline void diff_scan(unsigned char* present) {
  memset(present, 0, DIFF_MAX_FD);
  DIR* dir = opendir("/proc/self/fd");
  CHECK(dir != NULL);
  int self = dirfd(dir);
  struct dirent* ent;
  while ((ent = readdir(dir)) != NULL) {
    if (ent->d_name[0] == '.') continue;
    int fd = atoi(ent->d_name);
    if (fd != self && fd >= 0 && fd < DIFF_MAX_FD) present[fd] = 1;
  }
  closedir(dir);
}

/* Call first thing in main(). stdin, stdout and stderr always count as
 * baseline. */
static inline void diff_start(void) {
  diff_scan(diff_baseline);
  diff_baseline[0] = diff_baseline[1] = diff_baseline[2] = 1;
  say("side: %s", DIFF_SIDE);
}

/* The kind of a descriptor as /proc/self/fd shows it, without the inode:
 * "pipe", "socket", "anon_inode:[eventfd]", "anon_inode:[eventpoll]",
 * "/dev/null", "file" for any other path (temporary paths differ per run). */
static inline void diff_kind(int fd, char* out, size_t size) {
  char path[64], link[512];
  snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
  ssize_t n = readlink(path, link, sizeof link - 1);
  if (n < 0) {
    snprintf(out, size, "closed");
    return;
  }
  link[n] = '\0';
  if (strncmp(link, "pipe:", 5) == 0) {
    snprintf(out, size, "pipe");
  } else if (strncmp(link, "socket:", 7) == 0) {
    int domain = 0, type = 0;
    socklen_t len = sizeof domain;
    getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &len);
    len = sizeof type;
    getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len);
    snprintf(out, size, "socket(%s,%s)",
             domain == AF_UNIX ? "AF_UNIX" : domain == AF_INET ? "AF_INET" : "other",
             type == SOCK_STREAM ? "STREAM" : type == SOCK_DGRAM ? "DGRAM" : "other");
  } else if (strncmp(link, "anon_inode:", 11) == 0 || strcmp(link, "/dev/null") == 0) {
    snprintf(out, size, "%.100s", link);
  } else {
    snprintf(out, size, "file");
  }
}

/* One line per descriptor: kind, access mode, O_NONBLOCK, FD_CLOEXEC. */
static inline void diff_describe_fd(const char* prefix, int fd) {
  char kind[128];
  diff_kind(fd, kind, sizeof kind);
  int fl = fcntl(fd, F_GETFL);
  int fdfl = fcntl(fd, F_GETFD);
  if (fl < 0 || fdfl < 0) {
    say("%sfd:%d closed", prefix, fd);
    return;
  }
  const char* acc = (fl & O_ACCMODE) == O_RDONLY ? "O_RDONLY"
                    : (fl & O_ACCMODE) == O_WRONLY ? "O_WRONLY"
                                                   : "O_RDWR";
  say("%sfd:%d %s %s%s%s", prefix, fd, kind, acc, (fl & O_NONBLOCK) ? " O_NONBLOCK" : "",
      (fdfl & FD_CLOEXEC) ? " FD_CLOEXEC" : "");
}

/* Lists every descriptor opened since diff_start(), then their count. */
static inline void diff_list_fds(const char* label) {
  unsigned char now[DIFF_MAX_FD];
  diff_scan(now);
  int count = 0;
  say("descriptors %s:", label);
  for (int fd = 0; fd < DIFF_MAX_FD; fd++) {
    if (!now[fd] || diff_baseline[fd]) continue;
    diff_describe_fd("  ", fd);
    count++;
  }
  say("  count %d", count);
}

/* Number of descriptors opened since diff_start() (no listing). */
static inline int diff_count_fds(void) {
  unsigned char now[DIFF_MAX_FD];
  diff_scan(now);
  int count = 0;
  for (int fd = 0; fd < DIFF_MAX_FD; fd++)
    if (now[fd] && !diff_baseline[fd]) count++;
  return count;
}

static inline void diff_done(void) { say("done"); }

/* Two connected uv_pipe_t on loop, over the two ends of a uv_socketpair. */
static inline void diff_pipe_pair(uv_loop_t* loop, uv_pipe_t* a, uv_pipe_t* b) {
  uv_os_sock_t sv[2];
  CHECK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0) == 0);
  CHECK(uv_pipe_init(loop, a, 0) == 0);
  CHECK(uv_pipe_open(a, sv[0]) == 0);
  CHECK(uv_pipe_init(loop, b, 0) == 0);
  CHECK(uv_pipe_open(b, sv[1]) == 0);
}

/* Where a program's socket paths go, written to @p dir: $DIFF_TMPDIR (set by
 * run_diff.py, which prints paths relative to it) or, run by hand, a fresh
 * /tmp/NAME-XXXXXX. Returns @p dir if it made the directory (diff_finish
 * removes it), NULL for $DIFF_TMPDIR (the runner's to remove). */
static inline const char* diff_scratch_dir(char* dir, size_t size, const char* name) {
  const char* env = getenv("DIFF_TMPDIR");
  if (env) {
    snprintf(dir, size, "%s", env);
    return NULL;
  }
  snprintf(dir, size, "/tmp/%s-XXXXXX", name);
  CHECK(mkdtemp(dir) != NULL);
  return dir;
}

/* The end of a program with one loop: runs it until nothing is left, closes
 * it, reports what the close returned and the descriptors still open, removes
 * @p made_dir (diff_scratch_dir's answer, may be NULL) and prints "done". */
static inline void diff_finish(uv_loop_t* loop, const char* made_dir) {
  uv_run(loop, UV_RUN_DEFAULT);
  say("uv_loop_close = %s", diff_err(uv_loop_close(loop)));
  say("descriptors left %d", diff_count_fds());
  if (made_dir) rmdir(made_dir);
  diff_done();
}

#endif
