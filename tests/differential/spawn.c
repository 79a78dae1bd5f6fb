/*
 * Differential program: uv_spawn() with each kind of stdio container, exit
 * status and term signal, the synchronous exec errors, cwd and env.
 *
 * Run "all": one scenario after another, each waiting for its child:
 *   - stdout and stderr read through UV_CREATE_PIPE (UV_WRITABLE_PIPE), exit 3;
 *   - stdin written through UV_CREATE_PIPE (UV_READABLE_PIPE) to cat, then
 *     uv_shutdown(): cat sees end of file and exits;
 *   - UV_IGNORE makes the child's fds 0-2 /dev/null; a fourth CREATE_PIPE
 *     becomes the child's fd 3;
 *   - UV_INHERIT_FD and UV_INHERIT_STREAM: the child writes into a parent's
 *     descriptor, which stays the parent's;
 *   - a child killed by a signal (term_signal), uv_process_kill, uv_kill;
 *   - a missing program (UV_ENOENT from uv_spawn itself, by path and by PATH
 *     search), a file without execute permission and a directory
 *     (UV_EACCES), a missing cwd (UV_ENOENT); then the handle's state;
 *   - cwd and env (a PATH-less env still finds "sh" in /bin:/usr/bin);
 *   - UV_PROCESS_DETACHED: the child leads a new session;
 *   - 50 children exiting together: each exit_cb once, no zombie left;
 *   - uv_exepath with a short and a long enough buffer.
 * Run "trace": a short sequence for strace (one child with a pipe, one
 * missing program), whose parent and child syscalls are compared.
 *
 * Children are /bin/sh and coreutils: their output is the same for both
 * binaries. $DIFF_TMPDIR (from run_diff.py) is the working directory.
 */
#include <signal.h>
#include <sys/wait.h>

#include "diff_common.h"

static uv_loop_t loop;
static char tmp[256];

static void on_close(uv_handle_t* h) { (void)h; }

/* A 10 ms tick that keeps no loop alive (unreferenced). Under ThreadSanitizer
 * a SIGCHLD that arrives while the thread runs uninstrumented code (Debian's
 * libuv) is queued by TSan and delivered at the next intercepted call; if
 * that call is an epoll_wait() with no timeout, the exit is never seen (the
 * child stays a zombie, measured). The tick bounds every wait, so the queued
 * signal is delivered within 10 ms. It changes nothing else: no syscall the
 * trace run watches, no output. */
static uv_timer_t tick;
static void on_tick(uv_timer_t* t) { (void)t; }

/* ---- one child's exit -------------------------------------------------- */

static int exit_calls;
static int64_t exit_status;
static int term_signal;

static void on_exit_cb(uv_process_t* p, int64_t status, int signal) {
  (void)p;
  exit_calls++;
  exit_status = status;
  term_signal = signal;
}

/* ---- capturing a pipe --------------------------------------------------- */

typedef struct {
  uv_pipe_t pipe;
  char text[512];
  size_t len;
  int eof;
} capture_t;

static void capture_alloc(uv_handle_t* h, size_t suggested, uv_buf_t* buf) {
  (void)suggested;
  capture_t* c = (capture_t*)h;
  *buf = uv_buf_init(c->text + c->len, (unsigned)(sizeof c->text - 1 - c->len));
}

static void capture_read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
  (void)buf;
  capture_t* c = (capture_t*)s;
  if (nread > 0) {
    c->len += (size_t)nread;
  } else if (nread < 0) {
    c->eof = nread == UV_EOF ? 1 : (int)nread;
    uv_close((uv_handle_t*)s, on_close);
  }
}

/* Text with newlines shown as '|', so one report line holds it. */
static const char* shown(const char* text, size_t len) {
  static char out[4][600];
  static int next;
  char* o = out[next++ % 4];
  size_t n = len < sizeof out[0] - 1 ? len : sizeof out[0] - 1;
  for (size_t i = 0; i < n; i++) o[i] = text[i] == '\n' ? '|' : text[i];
  o[n] = '\0';
  return o;
}

static void say_capture(const char* label, capture_t* c) {
  say("  %s: \"%s\" (end: %s)", label, shown(c->text, c->len), c->eof == 1 ? "UV_EOF" : diff_err(c->eof));
}

static void capture_init(capture_t* c) {
  memset(c, 0, sizeof *c);
  CHECK(uv_pipe_init(&loop, &c->pipe, 0) == 0);
}

/* The parent's end of a created pipe: flags, and what the stream allows. */
static void say_parent_end(const char* label, uv_stream_t* s) {
  uv_os_fd_t fd = -1;
  int r = uv_fileno((uv_handle_t*)s, &fd);
  if (r != 0) {
    say("  %s: uv_fileno = %s", label, diff_err(r));
    return;
  }
  char prefix[64];
  snprintf(prefix, sizeof prefix, "  %s: ", label);
  diff_describe_fd(prefix, fd);
  say("  %s: readable %d writable %d", label, uv_is_readable(s), uv_is_writable(s));
}

static uv_process_options_t options(const char* file, char** args) {
  uv_process_options_t o;
  memset(&o, 0, sizeof o);
  o.file = file;
  o.args = args;
  o.exit_cb = on_exit_cb;
  return o;
}

/* Spawns, prints the result, and on success runs the loop until the exit
 * callback and every capture has ended. */
static int spawn_and_wait(const char* label, uv_process_t* p, uv_process_options_t* o) {
  exit_calls = 0;
  exit_status = -1;
  term_signal = -1;
  int r = uv_spawn(&loop, p, o);
  say("%s: uv_spawn = %s", label, diff_err(r));
  if (r == 0) {
    say("  pid > 0: %d, uv_process_get_pid matches: %d, active %d", p->pid > 0,
        uv_process_get_pid(p) == p->pid, uv_is_active((uv_handle_t*)p));
  }
  return r;
}

static void wait_exit(uv_process_t* p) {
  while (exit_calls == 0) uv_run(&loop, UV_RUN_ONCE);
  say("  exit_cb calls %d: exit_status %lld term_signal %d; active %d", exit_calls,
      (long long)exit_status, term_signal, uv_is_active((uv_handle_t*)p));
  uv_close((uv_handle_t*)p, on_close);
  uv_run(&loop, UV_RUN_DEFAULT);
}

/* ---- scenarios --------------------------------------------------------- */

static void stdout_and_stderr(void) {
  say("== stdout and stderr through UV_CREATE_PIPE | UV_WRITABLE_PIPE");
  capture_t out, err;
  capture_init(&out);
  capture_init(&err);
  char* args[] = {"sh", "-c", "echo hello; echo to-stderr >&2; exit 3", NULL};
  uv_stdio_container_t stdio[3] = {
      {.flags = UV_IGNORE},
      {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t*)&out.pipe},
      {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t*)&err.pipe},
  };
  uv_process_options_t o = options("/bin/sh", args);
  o.stdio = stdio;
  o.stdio_count = 3;
  uv_process_t p;
  if (spawn_and_wait("sh -c 'echo; exit 3'", &p, &o) == 0) {
    say_parent_end("stdout, parent's end", (uv_stream_t*)&out.pipe);
    CHECK(uv_read_start((uv_stream_t*)&out.pipe, capture_alloc, capture_read) == 0);
    CHECK(uv_read_start((uv_stream_t*)&err.pipe, capture_alloc, capture_read) == 0);
    wait_exit(&p);
  }
  say_capture("stdout", &out);
  say_capture("stderr", &err);
}

static uv_shutdown_t shutdown_req;
static int shutdown_status = 12345;
static void on_shutdown(uv_shutdown_t* req, int status) {
  shutdown_status = status;
  uv_close((uv_handle_t*)req->handle, on_close);
}
static int write_status = 12345;
static void on_write(uv_write_t* req, int status) {
  (void)req;
  write_status = status;
}

static void stdin_pipe(void) {
  say("== stdin through UV_CREATE_PIPE | UV_READABLE_PIPE (cat copies it to stdout)");
  uv_pipe_t in;
  capture_t out;
  CHECK(uv_pipe_init(&loop, &in, 0) == 0);
  capture_init(&out);
  char* args[] = {"cat", NULL};
  uv_stdio_container_t stdio[3] = {
      {.flags = UV_CREATE_PIPE | UV_READABLE_PIPE, .data.stream = (uv_stream_t*)&in},
      {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t*)&out.pipe},
      {.flags = UV_IGNORE},
  };
  uv_process_options_t o = options("/bin/cat", args);
  o.stdio = stdio;
  o.stdio_count = 3;
  uv_process_t p;
  if (spawn_and_wait("cat", &p, &o) == 0) {
    say_parent_end("stdin, parent's end", (uv_stream_t*)&in);
    char text[] = "line one\nline two\n";
    uv_buf_t b = uv_buf_init(text, sizeof text - 1);
    uv_write_t w;
    CHECK(uv_write(&w, (uv_stream_t*)&in, &b, 1, on_write) == 0);
    CHECK(uv_shutdown(&shutdown_req, (uv_stream_t*)&in, on_shutdown) == 0);
    CHECK(uv_read_start((uv_stream_t*)&out.pipe, capture_alloc, capture_read) == 0);
    wait_exit(&p);
    say("  write_cb %s, shutdown_cb %s", diff_err(write_status), diff_err(shutdown_status));
  }
  say_capture("stdout", &out);
}

static void ignore_and_fd3(void) {
  say("== UV_IGNORE gives /dev/null; a fourth container becomes fd 3");
  capture_t out, three;
  capture_init(&out);
  capture_init(&three);
  char* args[] = {"sh", "-c",
                  "readlink /proc/self/fd/0 /proc/self/fd/2; echo on-fd-3 >&3; "
                  "test -e /proc/self/fd/4 && echo fd4-open || echo fd4-closed",
                  NULL};
  uv_stdio_container_t stdio[4] = {
      {.flags = UV_IGNORE},
      {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t*)&out.pipe},
      {.flags = UV_IGNORE},
      {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t*)&three.pipe},
  };
  uv_process_options_t o = options("/bin/sh", args);
  o.stdio = stdio;
  o.stdio_count = 4;
  uv_process_t p;
  if (spawn_and_wait("sh (fds 0 and 2 ignored)", &p, &o) == 0) {
    CHECK(uv_read_start((uv_stream_t*)&out.pipe, capture_alloc, capture_read) == 0);
    CHECK(uv_read_start((uv_stream_t*)&three.pipe, capture_alloc, capture_read) == 0);
    wait_exit(&p);
  }
  say_capture("stdout", &out);
  say_capture("fd 3", &three);

  say("== no stdio containers at all (stdio_count 0)");
  char* args2[] = {"sh", "-c", "test \"$(readlink /proc/$$/fd/1)\" = /dev/null && exit 7", NULL};
  uv_process_options_t o2 = options("/bin/sh", args2);
  if (spawn_and_wait("sh (stdout must be /dev/null)", &p, &o2) == 0) wait_exit(&p);
}

static void read_all(int fd, char* text, size_t size, size_t* len) {
  *len = 0;
  for (;;) {
    ssize_t n = read(fd, text + *len, size - 1 - *len);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    *len += (size_t)n;
  }
}

static void inherit(void) {
  say("== UV_INHERIT_FD");
  int fds[2];
  CHECK(pipe(fds) == 0);
  char* args[] = {"sh", "-c", "echo via-inherit-fd", NULL};
  uv_stdio_container_t stdio[2] = {
      {.flags = UV_IGNORE},
      {.flags = UV_INHERIT_FD, .data.fd = fds[1]},
  };
  uv_process_options_t o = options("/bin/sh", args);
  o.stdio = stdio;
  o.stdio_count = 2;
  uv_process_t p;
  if (spawn_and_wait("sh (stdout inherited from a pipe's write end)", &p, &o) == 0) wait_exit(&p);
  diff_describe_fd("  parent's descriptor after the child: ", fds[1]);
  close(fds[1]);
  char text[256];
  size_t len;
  read_all(fds[0], text, sizeof text, &len);
  close(fds[0]);
  say("  read from the pipe: \"%s\"", shown(text, len));

  say("== UV_INHERIT_STREAM");
  uv_os_sock_t sv[2];
  CHECK(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0) == 0);
  uv_pipe_t s;
  CHECK(uv_pipe_init(&loop, &s, 0) == 0);
  CHECK(uv_pipe_open(&s, sv[0]) == 0);
  char* args2[] = {"sh", "-c", "echo via-inherit-stream", NULL};
  uv_stdio_container_t stdio2[2] = {
      {.flags = UV_IGNORE},
      {.flags = UV_INHERIT_STREAM, .data.stream = (uv_stream_t*)&s},
  };
  uv_process_options_t o2 = options("/bin/sh", args2);
  o2.stdio = stdio2;
  o2.stdio_count = 2;
  if (spawn_and_wait("sh (stdout inherited from a uv_pipe_t)", &p, &o2) == 0) wait_exit(&p);
  diff_describe_fd("  the stream's descriptor after the child: ", sv[0]);
  uv_close((uv_handle_t*)&s, on_close);
  uv_run(&loop, UV_RUN_DEFAULT);
  read_all(sv[1], text, sizeof text, &len);
  close(sv[1]);
  say("  read from the socket pair: \"%s\"", shown(text, len));
}

static void signals(void) {
  say("== a child killed by a signal");
  uv_process_t p;
  char* args[] = {"sh", "-c", "kill -TERM $$", NULL};
  uv_process_options_t o = options("/bin/sh", args);
  if (spawn_and_wait("sh -c 'kill -TERM $$'", &p, &o) == 0) wait_exit(&p);

  say("== uv_process_kill and uv_kill");
  char* args2[] = {"sleep", "30", NULL};
  uv_process_options_t o2 = options("/bin/sleep", args2);
  if (spawn_and_wait("sleep 30", &p, &o2) == 0) {
    int pid = p.pid;
    say("  uv_kill(pid, 0) = %s", diff_err(uv_kill(pid, 0)));
    say("  uv_process_kill(SIGKILL) = %s", diff_err(uv_process_kill(&p, SIGKILL)));
    while (exit_calls == 0) uv_run(&loop, UV_RUN_ONCE);
    say("  exit_cb calls %d: exit_status %lld term_signal %d", exit_calls, (long long)exit_status,
        term_signal);
    say("  after exit_cb: uv_process_kill(0) = %s, uv_kill(pid, 0) = %s",
        diff_err(uv_process_kill(&p, 0)), diff_err(uv_kill(pid, 0)));
    say("  uv_kill(pid, 12345) = %s", diff_err(uv_kill(pid, 12345)));
    uv_close((uv_handle_t*)&p, on_close);
    uv_run(&loop, UV_RUN_DEFAULT);
  }
}

/* A spawn that must fail: the handle is still closed by the caller. */
static void failing(const char* label, uv_process_options_t* o) {
  uv_process_t p;
  capture_t out;
  capture_init(&out);
  uv_stdio_container_t stdio[2] = {
      {.flags = UV_IGNORE},
      {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t*)&out.pipe},
  };
  o->stdio = stdio;
  o->stdio_count = 2;
  exit_calls = 0;
  memset(&p, 0, sizeof p);
  p.pid = 4242; /* a stale value: does a failed spawn overwrite it? */
  int r = uv_spawn(&loop, &p, o);
  say("%s: uv_spawn = %s", label, diff_err(r));
  say("  active %d, pid: %s", uv_is_active((uv_handle_t*)&p),
      p.pid == 4242 ? "stale value left" : p.pid == 0 ? "0" : "other");
  /* Signal 0 only: kill(0, sig) would signal our whole process group. */
  p.pid = 0;
  say("  uv_process_kill(signal 0) with pid 0 = %s", diff_err(uv_process_kill(&p, 0)));
  say_parent_end("stdout pipe after the failed spawn", (uv_stream_t*)&out.pipe);
  uv_close((uv_handle_t*)&p, on_close);
  uv_close((uv_handle_t*)&out.pipe, on_close);
  uv_run(&loop, UV_RUN_DEFAULT);
  say("  exit_cb calls %d; descriptors open: %d", exit_calls, diff_count_fds());
}

static void exec_errors(void) {
  say("== exec errors, reported synchronously");
  char* args[] = {"prog", NULL};
  uv_process_options_t o = options("/nonexistent/dir/prog", args);
  failing("a missing path", &o);

  o = options("uvref-diff-no-such-program", args);
  failing("a missing program (PATH search)", &o);

  char path[512];
  snprintf(path, sizeof path, "%s/not-executable", tmp);
  int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0644);
  CHECK(fd >= 0);
  CHECK(write(fd, "#!/bin/sh\necho hi\n", 18) == 18);
  close(fd);
  o = options(path, args);
  failing("a script without execute permission", &o);
  unlink(path);

  o = options(tmp, args);
  failing("a directory", &o);

  char* sh_args[] = {"sh", "-c", "true", NULL};
  snprintf(path, sizeof path, "%s/missing-dir", tmp);
  o = options("/bin/sh", sh_args);
  o.cwd = path;
  failing("a missing cwd", &o);
}

static void cwd_and_env(void) {
  say("== cwd and env");
  capture_t out;
  capture_init(&out);
  char* args[] = {"sh", "-c", "pwd; echo \"GREETING=$GREETING\"; echo \"HOME=${HOME-unset}\"", NULL};
  char* env[] = {"GREETING=hello from env", NULL};
  char dir[512];
  snprintf(dir, sizeof dir, "%s/subdir", tmp);
  CHECK(mkdir(dir, 0700) == 0);
  uv_stdio_container_t stdio[2] = {
      {.flags = UV_IGNORE},
      {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t*)&out.pipe},
  };
  /* "sh" without a slash and an env without PATH: found in /bin:/usr/bin. */
  uv_process_options_t o = options("sh", args);
  o.stdio = stdio;
  o.stdio_count = 2;
  o.cwd = dir;
  o.env = env;
  uv_process_t p;
  if (spawn_and_wait("sh (cwd subdir, env without PATH)", &p, &o) == 0) {
    CHECK(uv_read_start((uv_stream_t*)&out.pipe, capture_alloc, capture_read) == 0);
    wait_exit(&p);
  }
  say_capture("stdout", &out);
  rmdir(dir);
}

static void detached(void) {
  say("== UV_PROCESS_DETACHED");
  const char* script =
      "set -- $(cat /proc/$$/stat); if [ \"$6\" = \"$$\" ]; then echo session-leader; "
      "else echo not-session-leader; fi";
  for (int d = 0; d < 2; d++) {
    capture_t out;
    capture_init(&out);
    char* args[] = {"sh", "-c", (char*)script, NULL};
    uv_stdio_container_t stdio[2] = {
        {.flags = UV_IGNORE},
        {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t*)&out.pipe},
    };
    uv_process_options_t o = options("/bin/sh", args);
    o.stdio = stdio;
    o.stdio_count = 2;
    o.flags = d ? UV_PROCESS_DETACHED : 0;
    uv_process_t p;
    if (spawn_and_wait(d ? "sh, detached" : "sh, not detached", &p, &o) == 0) {
      CHECK(uv_read_start((uv_stream_t*)&out.pipe, capture_alloc, capture_read) == 0);
      wait_exit(&p);
    }
    say_capture("stdout", &out);
  }
}

#define MANY 50
static uv_process_t many[MANY];
static int many_calls[MANY];
static int many_bad_status;
static void on_many_exit(uv_process_t* p, int64_t status, int signal) {
  many_calls[p - many]++;
  if (status != 0 || signal != 0) many_bad_status++;
  uv_close((uv_handle_t*)p, on_close);
}

static void many_children(void) {
  say("== %d children exiting together", MANY);
  char* args[] = {"true", NULL};
  int spawned = 0;
  for (int i = 0; i < MANY; i++) {
    uv_process_options_t o = options("/bin/true", args);
    o.exit_cb = on_many_exit;
    if (uv_spawn(&loop, &many[i], &o) == 0) spawned++;
  }
  say("spawned %d", spawned);
  uv_run(&loop, UV_RUN_DEFAULT);
  int once = 0, other = 0;
  for (int i = 0; i < MANY; i++) {
    if (many_calls[i] == 1)
      once++;
    else
      other++;
  }
  errno = 0;
  pid_t w = waitpid(-1, NULL, WNOHANG);
  say("  exit_cb once: %d, not once: %d, non-zero status: %d", once, other, many_bad_status);
  say("  waitpid(-1, WNOHANG) = %d errno %s (no child left, no zombie)", (int)w,
      errno == ECHILD ? "ECHILD" : "other");
}

static void exepath(void) {
  say("== uv_exepath");
  char real[4096];
  ssize_t n = readlink("/proc/self/exe", real, sizeof real - 1);
  CHECK(n > 0);
  real[n] = '\0';
  char buf[4096];
  size_t size = sizeof buf;
  int r = uv_exepath(buf, &size);
  say("buffer of %zu: %s, size is the length %d, path matches /proc/self/exe %d", sizeof buf,
      diff_err(r), r == 0 && size == (size_t)n, r == 0 && strcmp(buf, real) == 0);
  size = 8;
  memset(buf, 'x', sizeof buf);
  r = uv_exepath(buf, &size);
  say("buffer of 8: %s, size %s, buffer holds the first 7 bytes %d", diff_err(r),
      size == 7 ? "7" : size == (size_t)n + 1 ? "length+1" : "other",
      strncmp(buf, real, 7) == 0 && buf[7] == '\0');
  size = 0;
  say("buffer of 0: %s", diff_err(uv_exepath(buf, &size)));
  say("NULL buffer: %s", diff_err(uv_exepath(NULL, &size)));
}

static void trace_run(void) {
  capture_t out;
  capture_init(&out);
  char* args[] = {"true", NULL};
  uv_stdio_container_t stdio[3] = {
      {.flags = UV_IGNORE},
      {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE, .data.stream = (uv_stream_t*)&out.pipe},
      {.flags = UV_INHERIT_FD, .data.fd = 2},
  };
  uv_process_options_t o = options("/bin/true", args);
  o.stdio = stdio;
  o.stdio_count = 3;
  uv_process_t p;
  if (spawn_and_wait("true", &p, &o) == 0) {
    CHECK(uv_read_start((uv_stream_t*)&out.pipe, capture_alloc, capture_read) == 0);
    wait_exit(&p);
  }
  say_capture("stdout", &out);
  char* args2[] = {"prog", NULL};
  o = options("/nonexistent/dir/prog", args2);
  o.stdio = NULL;
  o.stdio_count = 0;
  int r = uv_spawn(&loop, &p, &o);
  say("missing program: uv_spawn = %s", diff_err(r));
  uv_close((uv_handle_t*)&p, on_close);
  uv_run(&loop, UV_RUN_DEFAULT);
}

int main(int argc, char** argv) {
  diff_start();
  const char* made = diff_scratch_dir(tmp, sizeof tmp, "spawn");
  const char* run = argc > 1 ? argv[1] : "all";
  CHECK(uv_loop_init(&loop) == 0);
  CHECK(uv_timer_init(&loop, &tick) == 0);
  CHECK(uv_timer_start(&tick, on_tick, 10, 10) == 0);
  uv_unref((uv_handle_t*)&tick);
  if (strcmp(run, "trace") == 0) {
    trace_run();
  } else {
    stdout_and_stderr();
    stdin_pipe();
    ignore_and_fd3();
    inherit();
    signals();
    exec_errors();
    cwd_and_env();
    detached();
    many_children();
    exepath();
  }
  uv_close((uv_handle_t*)&tick, on_close);
  diff_finish(&loop, made);
  return 0;
}
