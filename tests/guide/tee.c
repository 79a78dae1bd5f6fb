/* In the style of the libuv guide's "Processes"/"uvtee" example: copy stdin
 * to stdout and to a file. stdin and stdout are opened as pipes
 * (uv_pipe_open on 0 and 1), the file with uv_fs_open and then as a pipe
 * too, so one write path serves both outputs. Each chunk read is written
 * twice; the buffer is freed when the second write is done. At end of input
 * the handles are closed and the file is read back with uv_fs_stat.
 *
 *   producer | tee FILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uv.h>

typedef struct {
  uv_write_t req;
  uv_buf_t buf;
  int* refs;
} write_req_t;

static uv_loop_t* loop;
static uv_pipe_t stdin_pipe, stdout_pipe, file_pipe;
static int chunks;

static void alloc_buffer(uv_handle_t* handle, size_t suggested_size, uv_buf_t* buf) {
  (void)handle;
  buf->base = malloc(suggested_size);
  buf->len = suggested_size;
}

static void after_write(uv_write_t* req, int status) {
  write_req_t* wr = (write_req_t*)req;
  if (status) fprintf(stderr, "write error: %s\n", uv_strerror(status));
  if (--*wr->refs == 0) {
    free(wr->buf.base);
    free(wr->refs);
  }
  free(wr);
}

static void write_data(uv_stream_t* dest, size_t size, uv_buf_t buf, int* refs) {
  write_req_t* wr = malloc(sizeof *wr);
  wr->buf = uv_buf_init(buf.base, (unsigned int)size);
  wr->refs = refs;
  uv_write(&wr->req, dest, &wr->buf, 1, after_write);
}

static void read_stdin(uv_stream_t* stream, ssize_t nread, const uv_buf_t* buf) {
  (void)stream;
  if (nread < 0) {
    if (nread != UV_EOF) fprintf(stderr, "read error: %s\n", uv_err_name((int)nread));
    uv_close((uv_handle_t*)&stdin_pipe, NULL);
    uv_close((uv_handle_t*)&stdout_pipe, NULL);
    uv_close((uv_handle_t*)&file_pipe, NULL);
  } else if (nread > 0) {
    chunks++;
    int* refs = malloc(sizeof *refs);
    *refs = 2;
    write_data((uv_stream_t*)&stdout_pipe, (size_t)nread, *buf, refs);
    write_data((uv_stream_t*)&file_pipe, (size_t)nread, *buf, refs);
    return;
  }
  free(buf->base);
}

int main(int argc, char** argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: tee FILE\n");
    return 2;
  }
  loop = uv_default_loop();
  uv_pipe_init(loop, &stdin_pipe, 0);
  uv_pipe_open(&stdin_pipe, 0);
  uv_pipe_init(loop, &stdout_pipe, 0);
  uv_pipe_open(&stdout_pipe, 1);

  uv_fs_t file_req;
  int fd = uv_fs_open(loop, &file_req, argv[1], UV_FS_O_CREAT | UV_FS_O_TRUNC | UV_FS_O_WRONLY, 0644, NULL);
  uv_fs_req_cleanup(&file_req);
  if (fd < 0) {
    fprintf(stderr, "open %s: %s\n", argv[1], uv_strerror(fd));
    return 1;
  }
  uv_pipe_init(loop, &file_pipe, 0);
  uv_pipe_open(&file_pipe, fd);

  uv_read_start((uv_stream_t*)&stdin_pipe, alloc_buffer, read_stdin);
  uv_run(loop, UV_RUN_DEFAULT);

  uv_fs_t stat_req;
  int r = uv_fs_stat(NULL, &stat_req, argv[1], NULL);
  printf("[tee: stat %s, the file has %llu bytes]\n", r == 0 ? "ok" : uv_err_name(r),
         (unsigned long long)stat_req.statbuf.st_size);
  uv_fs_req_cleanup(&stat_req);
  (void)chunks;
  return uv_loop_close(loop) == 0 ? 0 : 1;
}
