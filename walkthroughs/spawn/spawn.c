/*
 * spawn.c: two uv_spawn() calls, small enough to follow in GDB
 * (walkthroughs/spawn/spawn.gdb).
 *
 *   1. A child that runs: /bin/sh -c "read line; exit 3", with its stdin a
 *      pipe from this process (UV_CREATE_PIPE) and stdout and stderr ignored.
 *      uv_spawn() returns 0 once the exec worked; the child then waits on its
 *      stdin, and exits only when this process closes its end
 *      (let_child_exit, then on_stdin_closed). SIGCHLD reaches the loop's child watcher, and the
 *      exit callback gets status 3.
 *   2. A child that cannot run: "uvref-no-such-program", searched along a
 *      PATH of two directories that do not exist. The child tries both,
 *      reports ENOENT through the exec-error pipe and exits; uv_spawn()
 *      returns UV_ENOENT in the parent, synchronously.
 *
 * The program closes any descriptor it inherited above 2 first, so that the
 * descriptors it creates have the same numbers wherever it runs.
 *
 * Written against libuv's API: it builds against Debian's libuv as well.
 */
#define _GNU_SOURCE /* close_range */
#include <stdio.h>
#include <unistd.h>
#include <uv.h>

static uv_loop_t loop;
static uv_process_t child, missing;
static uv_pipe_t child_stdin;
static int failures;

static void expect(int ok, const char* what) {
  if (!ok) {
    fprintf(stderr, "FAILED: %s\n", what);
    failures++;
  }
}

static void on_child_exit(uv_process_t* p, int64_t exit_status, int term_signal) {
  expect(exit_status == 3 && term_signal == 0, "the child's exit status");
  uv_close((uv_handle_t*)p, NULL);
}

/*
 * The child reads its stdin until end of file: closing our end lets it exit.
 * A copy of our end stays open until the pipe handle's close callback, so the
 * child exits only once the handle has left the loop: SIGCHLD then always
 * finds the loop in a blocking poll, not in the first pass of uv_run(), which
 * still has a closing handle to finish (the transcript is the same on every run).
 */
static int stdin_copy = -1;

static void on_stdin_closed(uv_handle_t* handle) {
  (void)handle;
  close(stdin_copy);
}

static void let_child_exit(void) {
  uv_os_fd_t fd;
  expect(uv_fileno((uv_handle_t*)&child_stdin, &fd) == 0, "uv_fileno of the child's stdin");
  stdin_copy = dup(fd);
  uv_close((uv_handle_t*)&child_stdin, on_stdin_closed);
}

static void spawn_one_that_runs(void) {
  char* args[] = {"sh", "-c", "read line; exit 3", NULL};
  uv_stdio_container_t stdio[3] = {
      {.flags = UV_CREATE_PIPE | UV_READABLE_PIPE, .data.stream = (uv_stream_t*)&child_stdin},
      {.flags = UV_IGNORE},
      {.flags = UV_IGNORE},
  };
  uv_process_options_t options = {0};
  options.file = "/bin/sh";
  options.args = args;
  options.exit_cb = on_child_exit;
  options.stdio = stdio;
  options.stdio_count = 3;
  uv_pipe_init(&loop, &child_stdin, 0);
  expect(uv_spawn(&loop, &child, &options) == 0, "uv_spawn /bin/sh");
  let_child_exit();
  uv_run(&loop, UV_RUN_DEFAULT);
}

static void spawn_one_that_cannot_run(void) {
  char* args[] = {"uvref-no-such-program", NULL};
  char* env[] = {"PATH=/nonexistent/a:/nonexistent/b", NULL};
  uv_process_options_t options = {0};
  options.file = args[0];
  options.args = args;
  options.env = env;
  expect(uv_spawn(&loop, &missing, &options) == UV_ENOENT, "uv_spawn of a missing program: UV_ENOENT");
  uv_close((uv_handle_t*)&missing, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
}

int main(void) {
  close_range(3, ~0U, 0); /* descriptors inherited from the shell or GDB */
  expect(uv_loop_init(&loop) == 0, "uv_loop_init");
  spawn_one_that_runs();
  spawn_one_that_cannot_run();
  expect(uv_loop_close(&loop) == 0, "uv_loop_close");
  printf("%s\n", failures ? "FAILED" : "done");
  return failures != 0;
}
