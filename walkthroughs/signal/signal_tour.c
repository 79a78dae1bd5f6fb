/*
 * signal_tour.c: one SIGUSR1, from kill() to the signal handle's callback,
 * small enough to step through in GDB (walkthroughs/signal/signal.gdb).
 *
 *   1. a loop and a signal handle watching SIGUSR1 (uv_signal_start installs
 *      the process-wide handler with sigaction);
 *   2. kill(getpid(), SIGUSR1): the kernel runs the handler on this thread
 *      before kill() returns. The handler takes the lock pipe's byte, writes a
 *      16-byte {handle, signum} message into the loop's signal pipe, and puts
 *      the byte back;
 *   3. uv_run(): epoll reports the signal pipe readable, the loop reads the
 *      message and runs on_signal, an ordinary callback on the loop thread.
 *
 * Descriptors inherited from the shell or the debugger are closed first, so
 * the loop's descriptors get the same numbers on every machine (3 to 8).
 * Written against libuv's API: it builds against Debian's libuv as well.
 */
#define _GNU_SOURCE
#include <signal.h>
#include <stdio.h>
#include <unistd.h>
#include <uv.h>

static uv_loop_t loop;
static uv_signal_t sigusr1;
static int callbacks;

static void on_signal(uv_signal_t* handle, int signum) {
  printf("on_signal: signal %d, on the loop thread\n", signum);
  callbacks++;
  uv_close((uv_handle_t*)handle, NULL);
}

int main(void) {
  close_range(3, ~0U, 0); /* numbering starts at 3 wherever the program runs */
  if (uv_loop_init(&loop) != 0) return 1;
  uv_signal_init(&loop, &sigusr1);
  uv_signal_start(&sigusr1, on_signal, SIGUSR1);

  kill(getpid(), SIGUSR1); /* the handler has run when kill() returns */

  uv_run(&loop, UV_RUN_DEFAULT);
  int closed = uv_loop_close(&loop);
  printf("%d callback(s), uv_loop_close %d\n", callbacks, closed);
  return callbacks == 1 && closed == 0 ? 0 : 1;
}
