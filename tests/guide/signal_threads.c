/* In the style of the libuv guide's signal example: worker threads each run
 * a loop of their own with a signal handle; the main thread sends the signal
 * to the process once every worker is ready, and every loop sees it. */
#include <stdio.h>
#include <uv.h>
#include <unistd.h>

#define WORKERS 2

static uv_sem_t ready;
static int seen[WORKERS];

static void on_signal(uv_signal_t* handle, int signum) {
  *(int*)handle->data = signum;
  uv_signal_stop(handle);
  uv_close((uv_handle_t*)handle, NULL);
}

static void worker(void* arg) {
  int* slot = arg;
  uv_loop_t loop;
  uv_signal_t sig;
  uv_loop_init(&loop);
  uv_signal_init(&loop, &sig);
  sig.data = slot;
  uv_signal_start(&sig, on_signal, SIGUSR1);
  uv_sem_post(&ready);
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_loop_close(&loop);
}

int main(void) {
  uv_thread_t t[WORKERS];
  uv_sem_init(&ready, 0);
  for (int i = 0; i < WORKERS; i++) uv_thread_create(&t[i], worker, &seen[i]);
  for (int i = 0; i < WORKERS; i++) uv_sem_wait(&ready);
  uv_kill(getpid(), SIGUSR1);
  for (int i = 0; i < WORKERS; i++) uv_thread_join(&t[i]);
  uv_sem_destroy(&ready);
  for (int i = 0; i < WORKERS; i++) printf("worker %d saw signal %s\n", i, seen[i] == SIGUSR1 ? "SIGUSR1" : "none");
  return 0;
}
