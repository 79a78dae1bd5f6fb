/*
 * check_kcmp.c: the grader's own test of same_open_file() in same_file.c
 * (exercise inflight-same-file). It includes the student's program with its
 * main() renamed, then asks same_open_file() about pairs of descriptors whose
 * answer it knows, including the pair an inode comparison gets wrong: two
 * open()s of one file are one inode but two open file descriptions.
 * Exit status 0 when every answer is right.
 */
#define main same_file_main
#include "same_file.c"
#undef main

#include <fcntl.h>

static int failures;

static void expect(int got, int want, const char* what) {
  printf("%s %s: same_open_file() gave %d, want %d\n", got == want ? "ok:  " : "FAIL:", what, got, want);
  if (got != want)
    failures++;
}

int main(void) {
  pid_t me = getpid(), kid;
  int go[2], a, b, c, d;
  char byte;
  setvbuf(stdout, NULL, _IOLBF, 0);
  alarm(10);
  a = memfd_create("a", MFD_CLOEXEC);
  b = dup(a);
  c = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  d = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (a < 0 || b < 0 || c < 0 || d < 0 || pipe(go) < 0)
    return 2;
  expect(same_open_file(me, a, me, a), 1, "a descriptor and itself");
  expect(same_open_file(me, a, me, b), 1, "a descriptor and its dup()");
  expect(same_open_file(me, c, me, d), 0, "two open()s of one file (one inode, two open file descriptions)");
  expect(same_open_file(me, a, me, c), 0, "two different files");

  kid = fork(); /* the child inherits a, b, c, d: the same descriptions under the same numbers */
  if (kid < 0)
    return 2;
  if (kid == 0) {
    /* stay alive, descriptors open, until the parent has asked */
    _exit(read(go[0], &byte, 1) == 1 ? 0 : 1);
  }
  expect(same_open_file(me, a, kid, b), 1, "my descriptor and a forked child's copy of its dup()");
  expect(same_open_file(me, c, kid, d), 0, "my open() and the child's copy of the other open()");
  expect(same_open_file(me, a, me, 1000) < 0, 1, "a descriptor that is not open: an error, not an answer");
  if (write(go[1], "g", 1) != 1 || waitpid(kid, NULL, 0) != kid)
    return 2;
  printf("%s\n", failures == 0 ? "every answer right" : "WRONG ANSWERS");
  return failures == 0 ? 0 : 1;
}
