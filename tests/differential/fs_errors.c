/*
 * Differential program: uv_fs_* requests, synchronous and asynchronous.
 *
 * Errors as libuv reports them (the return value and req->result), short
 * reads at end of file, the file position with offset -1 and >= 0, several
 * buffers, stat results, the getters, and that requests leave no descriptor
 * behind. Runs in a scratch directory (the runner's cwd).
 */
#include "diff_common.h"

static uv_loop_t loop;
static int callbacks;

static void on_fs(uv_fs_t* req) {
  callbacks++;
  say("  cb: type %d result %s", (int)uv_fs_get_type(req), diff_err((int)uv_fs_get_result(req)));
}

static int sync_open(const char* path, int flags) {
  uv_fs_t req;
  int fd = uv_fs_open(NULL, &req, path, flags, 0600, NULL);
  uv_fs_req_cleanup(&req);
  return fd;
}

static void sync_close(int fd) {
  uv_fs_t req;
  CHECK(uv_fs_close(NULL, &req, fd, NULL) == 0);
  uv_fs_req_cleanup(&req);
}

static void open_errors(void) {
  uv_fs_t req;
  int r = uv_fs_open(NULL, &req, "missing/file", UV_FS_O_RDONLY, 0, NULL);
  say("open missing: %s, req.result %s, system error %d, type %d", diff_err(r),
      diff_err((int)req.result), uv_fs_get_system_error(&req), (int)uv_fs_get_type(&req));
  uv_fs_req_cleanup(&req);
  int fd = sync_open("f.txt", UV_FS_O_CREAT | UV_FS_O_EXCL | UV_FS_O_RDWR);
  say("open O_CREAT|O_EXCL: %s", fd >= 0 ? "fd" : diff_err(fd));
  say("  FD_CLOEXEC %d", (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
  say("open O_CREAT|O_EXCL again: %s", diff_err(sync_open("f.txt", UV_FS_O_CREAT | UV_FS_O_EXCL)));
  say("open . O_WRONLY: %s", diff_err(sync_open(".", UV_FS_O_WRONLY)));
  sync_close(fd);
}

static void write_read(void) {
  uv_fs_t req;
  int fd = sync_open("f.txt", UV_FS_O_RDWR | UV_FS_O_TRUNC);
  CHECK(fd >= 0);
  char hello[] = "hello, ", world[] = "world";
  uv_buf_t two[] = {uv_buf_init(hello, 7), uv_buf_init(world, 5)};
  /* Each call before the lseek that reports its effect: C leaves the
   * order of a function's arguments open. */
  int r = uv_fs_write(NULL, &req, fd, two, 2, -1, NULL);
  say("write 2 bufs at -1: %s, position %ld", diff_err(r), (long)lseek(fd, 0, SEEK_CUR));
  r = uv_fs_write(NULL, &req, fd, two + 1, 1, 0, NULL);
  say("write 1 buf at 0: %s, position %ld", diff_err(r), (long)lseek(fd, 0, SEEK_CUR));
  r = uv_fs_write(NULL, &req, fd, two, 2, 12, NULL);
  say("write 2 bufs at 12: %s, position %ld", diff_err(r), (long)lseek(fd, 0, SEEK_CUR));
  uv_fs_req_cleanup(&req);

  char a[6], b[6];
  uv_buf_t rd[] = {uv_buf_init(a, 6), uv_buf_init(b, 6)};
  CHECK(lseek(fd, 0, SEEK_SET) == 0);
  r = uv_fs_read(NULL, &req, fd, rd, 2, -1, NULL);
  say("read 2 bufs at -1: %s \"%.6s\" \"%.6s\", position %ld", diff_err(r), a, b, (long)lseek(fd, 0, SEEK_CUR));
  r = uv_fs_read(NULL, &req, fd, rd, 2, 20, NULL);
  say("read 2 bufs at 20 (short at end of file): %s \"%.*s\", position %ld", diff_err(r), r < 6 ? r : 6, a,
      (long)lseek(fd, 0, SEEK_CUR));
  r = uv_fs_read(NULL, &req, fd, rd, 1, 22, NULL);
  say("read 1 buf at 22: %s \"%.*s\"", diff_err(r), r, a);
  say("read at end of file: %s", diff_err(uv_fs_read(NULL, &req, fd, rd, 1, 24, NULL)));
  say("read past end of file: %s", diff_err(uv_fs_read(NULL, &req, fd, rd, 1, 1000, NULL)));
  CHECK(lseek(fd, 0, SEEK_END) == 24);
  say("read at -1 at end of file: %s", diff_err(uv_fs_read(NULL, &req, fd, rd, 2, -1, NULL)));
  uv_fs_req_cleanup(&req);
  sync_close(fd);

  fd = sync_open("f.txt", UV_FS_O_RDONLY);
  say("write to O_RDONLY: %s", diff_err(uv_fs_write(NULL, &req, fd, two, 1, -1, NULL)));
  say("read 0 bufs: %s", diff_err(uv_fs_read(NULL, &req, fd, rd, 0, -1, NULL)));
  say("write NULL bufs: %s", diff_err(uv_fs_write(NULL, &req, fd, NULL, 1, -1, NULL)));
  sync_close(fd);
  say("read closed fd: %s", diff_err(uv_fs_read(NULL, &req, fd, rd, 1, -1, NULL)));
  say("write closed fd: %s", diff_err(uv_fs_write(NULL, &req, fd, rd, 1, 0, NULL)));
  say("close closed fd: %s", diff_err(uv_fs_close(NULL, &req, fd, NULL)));
  r = uv_fs_read(NULL, &req, -1, rd, 1, -1, NULL);
  say("read fd -1: %s, req.result %s", diff_err(r), diff_err((int)req.result));
  int dir = sync_open(".", UV_FS_O_RDONLY);
  say("read a directory: %s", diff_err(uv_fs_read(NULL, &req, dir, rd, 1, -1, NULL)));
  sync_close(dir);
  uv_fs_req_cleanup(&req);
}

static void pipe_reads(void) {
  uv_fs_t req;
  int p[2];
  CHECK(pipe(p) == 0);
  CHECK(write(p[1], "abc", 3) == 3);
  char buf[16];
  uv_buf_t one = uv_buf_init(buf, sizeof buf);
  int r = uv_fs_read(NULL, &req, p[0], &one, 1, -1, NULL);
  say("pipe read at -1: %s \"%.*s\"", diff_err(r), r > 0 ? r : 0, buf);
  say("pipe read at 0: %s", diff_err(uv_fs_read(NULL, &req, p[0], &one, 1, 0, NULL)));
  say("pipe write at 0: %s", diff_err(uv_fs_write(NULL, &req, p[1], &one, 1, 0, NULL)));
  uv_fs_req_cleanup(&req);
  close(p[0]);
  close(p[1]);
}

static void stats(void) {
  uv_fs_t req;
  CHECK(symlink("f.txt", "link") == 0);
  int r = uv_fs_stat(NULL, &req, "f.txt", NULL);  /* each call before the line that reports it */
  say("stat f.txt: %s, ptr is statbuf %d, size %llu, regular %d, nlink %llu, flags %llu, gen %llu", diff_err(r),
      req.ptr == &req.statbuf, (unsigned long long)req.statbuf.st_size, S_ISREG(req.statbuf.st_mode),
      (unsigned long long)req.statbuf.st_nlink, (unsigned long long)req.statbuf.st_flags,
      (unsigned long long)req.statbuf.st_gen);
  struct stat st;
  CHECK(stat("f.txt", &st) == 0);
  say("  same inode as stat(2) %d, mtime %d", req.statbuf.st_ino == (uint64_t)st.st_ino,
      req.statbuf.st_mtim.tv_sec == st.st_mtim.tv_sec && req.statbuf.st_mtim.tv_nsec == st.st_mtim.tv_nsec);
  uv_fs_req_cleanup(&req);
  say("  after cleanup: ptr NULL %d, path NULL %d", req.ptr == NULL, req.path == NULL);
  r = uv_fs_stat(NULL, &req, "link", NULL);
  say("stat link: %s, regular %d", diff_err(r), S_ISREG(req.statbuf.st_mode));
  r = uv_fs_lstat(NULL, &req, "link", NULL);
  say("lstat link: %s, symlink %d, size %llu", diff_err(r), S_ISLNK(req.statbuf.st_mode),
      (unsigned long long)req.statbuf.st_size);
  r = uv_fs_stat(NULL, &req, "missing", NULL);
  say("stat missing: %s, ptr NULL %d", diff_err(r), req.ptr == NULL);
  say("lstat f.txt/x: %s", diff_err(uv_fs_lstat(NULL, &req, "f.txt/x", NULL)));
  say("fstat -1: %s", diff_err(uv_fs_fstat(NULL, &req, -1, NULL)));
  int fd = sync_open("f.txt", UV_FS_O_RDONLY);
  r = uv_fs_fstat(NULL, &req, fd, NULL);
  say("fstat: %s, size %llu", diff_err(r), (unsigned long long)req.statbuf.st_size);
  sync_close(fd);
  uv_fs_req_cleanup(&req);
  say("unlink link: %s", diff_err(uv_fs_unlink(NULL, &req, "link", NULL)));
  say("unlink link again: %s", diff_err(uv_fs_unlink(NULL, &req, "link", NULL)));
  uv_fs_req_cleanup(&req);
}

static void async(void) {
  uv_fs_t req;
  char path[] = "f.txt";
  callbacks = 0;
  int r = uv_fs_open(&loop, &req, path, UV_FS_O_RDWR, 0, on_fs);
  say("async open: %s, alive %d", diff_err(r), uv_loop_alive(&loop));
  say("  path copied %d, callbacks before uv_run %d", req.path != path, callbacks);
  uv_run(&loop, UV_RUN_DEFAULT);
  int fd = (int)req.result;
  say("  callbacks %d, alive %d", callbacks, uv_loop_alive(&loop));
  uv_fs_req_cleanup(&req);

  char a[4], b[4], c[4], d[4], e[4];
  uv_buf_t five[] = {uv_buf_init(a, 4), uv_buf_init(b, 4), uv_buf_init(c, 4), uv_buf_init(d, 4),
                     uv_buf_init(e, 4)};
  say("async read 5 bufs at 2: %s", diff_err(uv_fs_read(&loop, &req, fd, five, 5, 2, on_fs)));
  uv_run(&loop, UV_RUN_DEFAULT);
  say("  got \"%.4s%.4s%.4s%.4s%.2s\"", a, b, c, d, e);
  uv_fs_req_cleanup(&req);
  say("async write 5 bufs at -1: %s", diff_err(uv_fs_write(&loop, &req, fd, five, 5, -1, on_fs)));
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_fs_req_cleanup(&req);
  say("async fstat: %s", diff_err(uv_fs_fstat(&loop, &req, fd, on_fs)));
  uv_run(&loop, UV_RUN_DEFAULT);
  say("  size %llu, ptr is statbuf %d", (unsigned long long)req.statbuf.st_size, req.ptr == &req.statbuf);
  uv_fs_req_cleanup(&req);
  say("async close: %s", diff_err(uv_fs_close(&loop, &req, fd, on_fs)));
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_fs_req_cleanup(&req);
  char one;
  uv_buf_t buf = uv_buf_init(&one, 1);
  say("async read closed fd: %s", diff_err(uv_fs_read(&loop, &req, fd, &buf, 1, -1, on_fs)));
  uv_run(&loop, UV_RUN_DEFAULT);
  r = uv_fs_read(&loop, &req, fd, &buf, 0, -1, on_fs);
  say("async read 0 bufs: %s, alive %d", diff_err(r), uv_loop_alive(&loop));
  say("async open missing: %s", diff_err(uv_fs_open(&loop, &req, "missing/x", UV_FS_O_RDONLY, 0, on_fs)));
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_fs_req_cleanup(&req);
  say("async unlink: %s", diff_err(uv_fs_unlink(&loop, &req, "f.txt", on_fs)));
  uv_run(&loop, UV_RUN_DEFAULT);
  uv_fs_req_cleanup(&req);
  say("callbacks %d", callbacks);
}

int main(void) {
  diff_start();
  CHECK(uv_loop_init(&loop) == 0);
  say("osfhandle 5 -> %d, 7 -> %d", (int)uv_get_osfhandle(5), uv_open_osfhandle(7));
  open_errors();
  write_read();
  pipe_reads();
  stats();
  async();
  diff_list_fds("at the end");
  CHECK(uv_loop_close(&loop) == 0);
  diff_done();
  return 0;
}
