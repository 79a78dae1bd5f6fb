/* In the style of the libuv guide's "Utilities"/"TTY" section: write in
 * colour to a terminal, after asking it its size. To run the same way
 * everywhere, the terminal is a pseudo-terminal the program makes itself
 * (openpty): it gives the terminal a size, opens the slave side with
 * uv_tty_init, switches it to raw mode and back, writes through the
 * handle, and prints what arrived on the master side with the escape
 * sequences made visible. Without a pty it says so and exits with 77 (the
 * test harness then reports it as skipped). */
#include <errno.h>
#include <pty.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <uv.h>

static uv_tty_t tty;

static const char* result(int r) { return r == 0 ? "ok" : uv_err_name(r); }
static uv_write_t req;

static void show(const char* bytes, ssize_t n) {
  printf("master read %zd bytes: ", n);
  for (ssize_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)bytes[i];
    if (c == 033) printf("\\e");
    else if (c == '\r') printf("\\r");
    else if (c == '\n') printf("\\n");
    else putchar(c);
  }
  printf("\n");
}

int main(void) {
  int master, slave;
  if (openpty(&master, &slave, NULL, NULL, NULL) != 0) {
    printf("SKIPPED: no pseudo-terminal (openpty: %s)\n", strerror(errno));
    return 77;
  }
  struct winsize ws = {.ws_row = 25, .ws_col = 100};
  ioctl(master, TIOCSWINSZ, &ws);

  uv_loop_t* loop = uv_default_loop();
  printf("guess_handle(slave) is %s\n", uv_guess_handle(slave) == UV_TTY ? "a tty" : "not a tty");
  printf("uv_tty_init: %s\n", result(uv_tty_init(loop, &tty, slave, 0)));
  printf("raw mode: %s\n", result(uv_tty_set_mode(&tty, UV_TTY_MODE_RAW)));
  printf("normal mode: %s\n", result(uv_tty_set_mode(&tty, UV_TTY_MODE_NORMAL)));
  printf("reset mode: %s\n", result(uv_tty_reset_mode()));

  int width, height;
  if (uv_tty_get_winsize(&tty, &width, &height) == 0) printf("width %d, height %d\n", width, height);

  char text[128];
  snprintf(text, sizeof text, "\033[41;37m%*s\033[0m\n", width / 4, "hello");
  uv_buf_t buf = uv_buf_init(text, (unsigned int)strlen(text));
  printf("uv_write: %s\n", result(uv_write(&req, (uv_stream_t*)&tty, &buf, 1, NULL)));
  uv_run(loop, UV_RUN_DEFAULT);

  char got[256];
  ssize_t n = read(master, got, sizeof got);
  show(got, n);

  uv_close((uv_handle_t*)&tty, NULL);
  uv_run(loop, UV_RUN_DEFAULT);
  close(slave);
  close(master);
  return uv_loop_close(loop) == 0 ? 0 : 1;
}
