// uv_spawn with UV_CREATE_PIPE (read a child's stdout, write its stdin, IPC) and UV_INHERIT_STREAM.
#include <unistd.h>

#include <string>

#include "test_process_util.h"

using namespace uvref::test;

namespace {

struct Reader {
  std::string data;
  bool eof = false;
  char buf[256];
};

void alloc(uv_handle_t* h, size_t, uv_buf_t* b) {
  auto* r = static_cast<Reader*>(h->data);
  *b = uv_buf_init(r->buf, sizeof r->buf);
}

void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* b) {
  auto* r = static_cast<Reader*>(s->data);
  if (n > 0) r->data.append(b->base, static_cast<size_t>(n));
  if (n == UV_EOF) {
    r->eof = true;
    uv_close(reinterpret_cast<uv_handle_t*>(s), nullptr);
  }
}

}  // namespace

TEST_CASE("UV_CREATE_PIPE: read a child's stdout through a uv_pipe_t", "[process][pipe]") {
  uv_pipe_t out;
  uv_process_t proc;
  ExitRecord exit;
  Reader reader;
  TestLoop loop;
  REQUIRE(uv_pipe_init(loop, &out, 0) == 0);
  out.data = &reader;
  Args args{"/bin/sh", "-c", "echo hello; echo world"};
  uv_stdio_container_t stdio[3];
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_WRITABLE_PIPE);
  stdio[1].data.stream = as_stream(&out);
  stdio[2].flags = UV_IGNORE;
  REQUIRE(spawn_recorded(loop, &proc, &exit, args, stdio, 3) == 0);
  CHECK(uv_is_readable(as_stream(&out)));
  CHECK_FALSE(uv_is_writable(as_stream(&out)));
  REQUIRE(uv_read_start(as_stream(&out), alloc, on_read) == 0);
  REQUIRE(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(reader.data == "hello\nworld\n");
  CHECK(reader.eof);
  CHECK(exit.calls == 1);
  CHECK(exit.status == 0);
  CHECK(no_children_left());
}

TEST_CASE("UV_CREATE_PIPE both ways: the child echoes what we write", "[process][pipe]") {
  uv_pipe_t in, out;
  uv_process_t proc;
  uv_write_t wreq;
  uv_shutdown_t sreq;
  ExitRecord exit;
  Reader reader;
  TestLoop loop;
  REQUIRE(uv_pipe_init(loop, &in, 0) == 0);
  REQUIRE(uv_pipe_init(loop, &out, 0) == 0);
  out.data = &reader;
  Args args{"/bin/cat"};
  uv_stdio_container_t stdio[2];
  stdio[0].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_READABLE_PIPE);
  stdio[0].data.stream = as_stream(&in);
  stdio[1].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_WRITABLE_PIPE);
  stdio[1].data.stream = as_stream(&out);
  REQUIRE(spawn_recorded(loop, &proc, &exit, args, stdio, 2) == 0);
  CHECK(uv_is_writable(as_stream(&in)));
  CHECK_FALSE(uv_is_readable(as_stream(&in)));
  char msg[] = "ping through cat";
  uv_buf_t buf = uv_buf_init(msg, sizeof msg - 1);
  REQUIRE(uv_write(&wreq, as_stream(&in), &buf, 1, nullptr) == 0);
  REQUIRE(uv_shutdown(&sreq, as_stream(&in), [](uv_shutdown_t* r, int) {
            uv_close(reinterpret_cast<uv_handle_t*>(r->handle), nullptr);
          }) == 0);
  REQUIRE(uv_read_start(as_stream(&out), alloc, on_read) == 0);
  REQUIRE(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(reader.data == "ping through cat");
  CHECK(exit.calls == 1);
  CHECK(exit.status == 0);
}

TEST_CASE("UV_CREATE_PIPE into a pipe that is already open: UV_EBUSY, no child", "[process][pipe]") {
  uv_pipe_t p;
  uv_process_t proc;
  TestLoop loop;
  int fds[2];
  REQUIRE(uv_socketpair(SOCK_STREAM, 0, fds, 0, 0) == 0);
  REQUIRE(uv_pipe_init(loop, &p, 0) == 0);
  REQUIRE(uv_pipe_open(&p, fds[0]) == 0);
  Args args{"/bin/true"};
  uv_stdio_container_t stdio[1];
  stdio[0].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_READABLE_PIPE);
  stdio[0].data.stream = as_stream(&p);
  uv_process_options_t o = options_for(args.get(), stdio, 1);
  CHECK(uv_spawn(loop, &proc, &o) == UV_EBUSY);
  CHECK(no_children_left());
  uv_close(as_handle(&proc), nullptr);
  close(fds[1]);
}

TEST_CASE("UV_INHERIT_STREAM gives the child the stream's descriptor", "[process][pipe]") {
  uv_pipe_t p;
  uv_process_t proc;
  ExitRecord exit;
  TestLoop loop;
  Pipe out;
  REQUIRE(uv_pipe_init(loop, &p, 0) == 0);
  REQUIRE(uv_pipe_open(&p, dup(out.wr())) == 0);  // the handle owns (and closes) the copy
  Args args{"/bin/echo", "via stream"};
  uv_stdio_container_t stdio[2];
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_INHERIT_STREAM;
  stdio[1].data.stream = as_stream(&p);
  REQUIRE(spawn_recorded(loop, &proc, &exit, args, stdio, 2) == 0);
  uv_close(as_handle(&p), nullptr);
  out.close_write();
  REQUIRE(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(out.read_all() == "via stream\n");
  CHECK(exit.status == 0);
}

TEST_CASE("UV_INHERIT_STREAM of a stream without a descriptor: UV_EINVAL", "[process][pipe]") {
  uv_pipe_t p;
  uv_process_t proc;
  TestLoop loop;
  REQUIRE(uv_pipe_init(loop, &p, 0) == 0);
  Args args{"/bin/true"};
  uv_stdio_container_t stdio[1];
  stdio[0].flags = UV_INHERIT_STREAM;
  stdio[0].data.stream = as_stream(&p);
  uv_process_options_t o = options_for(args.get(), stdio, 1);
  CHECK(uv_spawn(loop, &proc, &o) == UV_EINVAL);
  uv_close(as_handle(&proc), nullptr);
}

TEST_CASE("an ipc=1 UV_CREATE_PIPE is a socket: descriptors travel to the child", "[process][pipe]") {
  uv_pipe_t ipc;
  uv_process_t proc;
  uv_write_t wreq;
  ExitRecord exit;
  TestLoop loop;
  Pipe out;
  REQUIRE(uv_pipe_init(loop, &ipc, 1) == 0);
  // The child (a shell) gets the channel as fd 3 and reports what fd 3 is.
  Args args{"/bin/sh", "-c", "readlink /proc/$$/fd/3 | cut -d: -f1"};
  uv_stdio_container_t stdio[4];
  stdio[0].flags = UV_IGNORE;
  stdio[1].flags = UV_INHERIT_FD;
  stdio[1].data.fd = out.wr();
  stdio[2].flags = UV_IGNORE;
  stdio[3].flags = static_cast<uv_stdio_flags>(UV_CREATE_PIPE | UV_READABLE_PIPE | UV_WRITABLE_PIPE);
  stdio[3].data.stream = as_stream(&ipc);
  REQUIRE(spawn_recorded(loop, &proc, &exit, args, stdio, 4) == 0);
  CHECK(uv_is_readable(as_stream(&ipc)));
  CHECK(uv_is_writable(as_stream(&ipc)));
  // Bidirectional and able to carry SCM_RIGHTS: the parent may queue a descriptor.
  char byte = 'x';
  uv_buf_t buf = uv_buf_init(&byte, 1);
  CHECK(uv_write2(&wreq, as_stream(&ipc), &buf, 1, as_stream(&ipc), nullptr) == 0);
  out.close_write();
  std::string what = out.read_all();
  uv_close(as_handle(&ipc), nullptr);
  REQUIRE(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(what == "socket\n");
  CHECK(exit.status == 0);
}
