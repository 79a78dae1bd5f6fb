/*
 * Linked into every test and example program of a ThreadSanitizer build
 * (see the top-level CMakeLists.txt), and only there.
 *
 * GCC 12's ThreadSanitizer runtime now and then loses the first asynchronous
 * signal a process handles. Measured on Debian 12 with a C program of about 50
 * lines that only sets a SIGCHLD handler, forks /bin/true and waits for the
 * handler's byte in epoll_wait(): under load, about 1 run in 1000 never saw
 * its SIGCHLD, always the first one, and a later `kill -CHLD` woke it. The
 * same program built without TSan never lost one in 3600 runs. A uv_spawn()
 * test then waits forever for an exit that uvref never heard of.
 *
 * The same program stopped losing it once the process had handled any signal
 * first. So before main(), this handles one SIGUSR2 and puts the old action
 * back. Nothing in uvref changes: the workaround is in the test programs.
 */
#include <signal.h>
#include <unistd.h>

static volatile sig_atomic_t handled;

static void on_first_signal(int signum) {
  (void)signum;
  handled = 1;
}

__attribute__((constructor)) static void tsan_handle_a_first_signal(void) {
  struct sigaction sa = {0};
  struct sigaction old;
  sa.sa_handler = on_first_signal;
  sigemptyset(&sa.sa_mask);
  if (sigaction(SIGUSR2, &sa, &old) != 0) return;
  raise(SIGUSR2);
  /* TSan runs a handler when an intercepted call returns: give it a few. */
  for (int i = 0; i < 1000 && !handled; i++) usleep(1);
  sigaction(SIGUSR2, &old, NULL);
}
