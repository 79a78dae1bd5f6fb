/*
 * Differential program: uv_poll_t readiness.
 *
 * Which events a poll handle reports and when: readable only after data,
 * again while it stays unread (level-triggered), writable at once, the
 * peer's shutdown as UV_DISCONNECT, TCP urgent data as UV_PRIORITIZED; init
 * errors (a regular file, a descriptor the loop watches); stop, restart
 * with 0, and close leaving the descriptor open.
 */
#include <netinet/in.h>

#include "diff_common.h"

static uv_loop_t loop;
static int calls;

static const char* names(int ev) {
  static char buf[64];
  snprintf(buf, sizeof buf, "%s%s%s%s", ev & UV_READABLE ? "R" : "-", ev & UV_WRITABLE ? "W" : "-",
           ev & UV_DISCONNECT ? "D" : "-", ev & UV_PRIORITIZED ? "P" : "-");
  return buf;
}

static void keep(uv_poll_t* h, int status, int events) {
  (void)h;
  calls++;
  say("  poll_cb status %s events %s", diff_err(status), names(events));
}

static void once(uv_poll_t* h, int status, int events) {
  keep(h, status, events);
  uv_poll_stop(h);
}

static void nowait(const char* what) {
  calls = 0;
  uv_run(&loop, UV_RUN_NOWAIT);
  say("  %s: %d callbacks", what, calls);
}

static void socket_pair(void) {
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  uv_poll_t p, q;
  /* Each call before the line that reports its effect: C leaves the order
   * of a function's arguments open. */
  int r = uv_poll_init(&loop, &p, sv[0]);
  say("socketpair: uv_poll_init = %s, O_NONBLOCK %d", diff_err(r), (fcntl(sv[0], F_GETFL) & O_NONBLOCK) != 0);
  say("  active before start %d", uv_is_active((uv_handle_t*)&p));
  r = uv_poll_start(&p, UV_READABLE, keep);
  say("  start R = %s, active %d", diff_err(r), uv_is_active((uv_handle_t*)&p));
  nowait("no data");
  CHECK(write(sv[1], "x", 1) == 1);
  nowait("one byte");
  nowait("byte still unread");
  say("  second uv_poll_init on the watched descriptor = %s", diff_err(uv_poll_init(&loop, &q, sv[0])));
  say("  start RW = %s", diff_err(uv_poll_start(&p, UV_READABLE | UV_WRITABLE, keep)));
  nowait("readable and writable");
  char c;
  CHECK(read(sv[0], &c, 1) == 1);
  nowait("byte read");
  say("  start RD = %s", diff_err(uv_poll_start(&p, UV_READABLE | UV_DISCONNECT, keep)));
  nowait("nothing happened");
  CHECK(shutdown(sv[1], SHUT_WR) == 0);
  nowait("peer shut down its writing side");
  r = uv_poll_start(&p, 0, keep);
  say("  start 0 = %s, active %d", diff_err(r), uv_is_active((uv_handle_t*)&p));
  nowait("stopped");
  say("  start W, stop in the callback = %s", diff_err(uv_poll_start(&p, UV_WRITABLE, once)));
  calls = 0;
  uv_run(&loop, UV_RUN_DEFAULT);
  say("  uv_run returned after %d callbacks, active %d", calls, uv_is_active((uv_handle_t*)&p));
  uv_os_fd_t fd = -1;
  r = uv_fileno((uv_handle_t*)&p, &fd);
  say("  uv_fileno = %s, same descriptor %d", diff_err(r), fd == sv[0]);
  uv_close((uv_handle_t*)&p, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  say("  after uv_close the descriptor is open %d", fcntl(sv[0], F_GETFD) >= 0);
  close(sv[0]);
  close(sv[1]);
}

static void urgent_data(void) {
  int server = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK(server >= 0);
  struct sockaddr_in addr;
  CHECK(uv_ip4_addr("127.0.0.1", 0, &addr) == 0);
  CHECK(bind(server, (struct sockaddr*)&addr, sizeof addr) == 0);
  socklen_t len = sizeof addr;
  CHECK(getsockname(server, (struct sockaddr*)&addr, &len) == 0);
  CHECK(listen(server, 1) == 0);
  int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  CHECK(connect(client, (struct sockaddr*)&addr, sizeof addr) == 0);
  int conn = accept(server, NULL, NULL);
  CHECK(conn >= 0);

  uv_poll_t p;
  say("tcp: uv_poll_init_socket = %s", diff_err(uv_poll_init_socket(&loop, &p, conn)));
  say("  start P = %s", diff_err(uv_poll_start(&p, UV_PRIORITIZED, keep)));
  nowait("no urgent data");
  CHECK(send(client, "!", 1, MSG_OOB) == 1);
  nowait("one urgent byte");
  uv_close((uv_handle_t*)&p, NULL);
  uv_run(&loop, UV_RUN_DEFAULT);
  close(conn);
  close(client);
  close(server);
}

static void refused(void) {
  int fd = open("file.txt", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  CHECK(fd >= 0);
  uv_poll_t p;
  say("regular file: uv_poll_init = %s", diff_err(uv_poll_init(&loop, &p, fd)));
  close(fd);
  unlink("file.txt");
}

int main(void) {
  diff_start();
  CHECK(uv_loop_init(&loop) == 0);
  socket_pair();
  urgent_data();
  refused();
  diff_list_fds("at the end");
  CHECK(uv_loop_close(&loop) == 0);
  diff_done();
  return 0;
}
