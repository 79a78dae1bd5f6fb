/* Program check of the exercise walkthroughs/exercises/epoll: the loop's
 * epoll descriptor must not survive exec(). The program makes a loop, then
 * execs itself; the new image lists /proc/self/fd and fails if it still holds
 * an eventpoll descriptor (the flag that prevents it belongs in
 * epoll_create1). Built against uvref by `ex grade`, with the sanitizers. */
#include <dirent.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "uv.h"

static int count_eventpoll(void) {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == NULL) return -1;
  int n = 0;
  struct dirent* e;
  while ((e = readdir(dir)) != NULL) {
    char path[300], target[256];
    snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
    ssize_t len = readlink(path, target, sizeof target - 1);
    if (len < 0) continue;
    target[len] = '\0';
    if (strcmp(target, "anon_inode:[eventpoll]") == 0) {
      printf("fd %s -> %s survived exec()\n", e->d_name, target);
      n++;
    }
  }
  closedir(dir);
  return n;
}

int main(int argc, char** argv) {
  if (argc > 1 && strcmp(argv[1], "after-exec") == 0) {
    int n = count_eventpoll();
    printf("eventpoll descriptors after exec: %d\n", n);
    return n == 0 ? 0 : 1;
  }
  uv_loop_t loop;
  int r = uv_loop_init(&loop);
  if (r != 0) {
    printf("uv_loop_init: %s\n", uv_strerror(r));
    return 2;
  }
  fflush(stdout);
  execl("/proc/self/exe", argv[0], "after-exec", (char*)NULL);
  perror("execl");
  return 3;
}
