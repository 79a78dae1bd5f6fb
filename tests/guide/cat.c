/* In the style of the libuv guide's "Filesystem" chapter: cat a file by
 * chaining requests. Each read's callback starts a write of what it read to
 * stdout; each write's callback starts the next read; a read of 0 bytes is
 * the end of the file, and closes it. Requests run on the thread pool, the
 * callbacks on the loop. The buffer is small on purpose, so that a file of
 * a few hundred bytes takes many rounds.
 *
 *   cat FILE */
#include <stdio.h>
#include <stdlib.h>
#include <uv.h>

static uv_fs_t open_req, read_req, write_req, close_req;
static char chunk[64];
static uv_buf_t iov;
static int rounds;

static void on_read(uv_fs_t* req);

static void on_write(uv_fs_t* req) {
  if (req->result < 0) {
    fprintf(stderr, "write error: %s\n", uv_strerror((int)req->result));
    return;
  }
  uv_fs_read(uv_default_loop(), &read_req, (uv_file)open_req.result, &iov, 1, -1, on_read);
}

static void on_read(uv_fs_t* req) {
  if (req->result < 0) {
    fprintf(stderr, "read error: %s\n", uv_strerror((int)req->result));
  } else if (req->result == 0) {
    uv_fs_close(uv_default_loop(), &close_req, (uv_file)open_req.result, NULL);  /* synchronous */
  } else {
    rounds++;
    iov.len = (size_t)req->result;
    uv_fs_write(uv_default_loop(), &write_req, 1, &iov, 1, -1, on_write);
    iov.len = sizeof chunk;
  }
}

static void on_open(uv_fs_t* req) {
  if (req->result < 0) {
    fprintf(stderr, "error opening file: %s\n", uv_strerror((int)req->result));
    return;
  }
  iov = uv_buf_init(chunk, sizeof chunk);
  uv_fs_read(uv_default_loop(), &read_req, (uv_file)req->result, &iov, 1, -1, on_read);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: cat FILE\n");
    return 2;
  }
  uv_fs_open(uv_default_loop(), &open_req, argv[1], UV_FS_O_RDONLY, 0, on_open);
  uv_run(uv_default_loop(), UV_RUN_DEFAULT);

  uv_fs_t missing;
  int r = uv_fs_open(NULL, &missing, "no/such/file", UV_FS_O_RDONLY, 0, NULL);
  printf("[cat: %d reads; opening a missing file: %s]\n", rounds, uv_err_name(r));
  uv_fs_req_cleanup(&open_req);
  uv_fs_req_cleanup(&read_req);
  uv_fs_req_cleanup(&write_req);
  uv_fs_req_cleanup(&close_req);
  uv_fs_req_cleanup(&missing);
  return uv_loop_close(uv_default_loop()) == 0 ? 0 : 1;
}
