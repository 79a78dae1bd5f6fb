// A uv_pipe_t over a descriptor epoll cannot watch (a regular file,
// /dev/null): adopted as libuv adopts it, written synchronously, and refused
// with UV_EPERM where libuv 1.44.2 would abort (reading). See
// src/stream/stream_unpollable.cpp.
#include <fcntl.h>
#include <sys/stat.h>

#include <string>

#include "sys/fault.h"
#include "test_fdpass_support.h"
#include "test_stream_helpers.h"

using namespace uvref::test;
namespace fault = uvref::sys::fault;
using uvref::sys::Call;

namespace {

struct Writes {
  int calls = 0;
  int status[4] = {1, 1, 1, 1};
  static void cb(uv_write_t* req, int status) {
    auto* w = static_cast<Writes*>(req->data);
    w->status[w->calls++] = status;
  }
};

/** A temporary regular file, unlinked at once; returns its descriptor. */
int temp_file() {
  std::string path = temp_socket_path("file");
  int fd = open(path.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  REQUIRE(fd >= 0);
  unlink(path.c_str());
  return fd;
}

off_t file_size(int fd) {
  struct stat st;
  REQUIRE(fstat(fd, &st) == 0);
  return st.st_size;
}

}  // namespace

TEST_CASE("unpollable: a file or /dev/null in a uv_pipe_t: writes complete at once, reading is UV_EPERM",
          "[stream][unpollable]") {
  uv_pipe_t file, null;
  TestLoop loop;
  int ffd = temp_file();
  REQUIRE(uv_pipe_init(loop, &file, 0) == 0);
  REQUIRE(uv_pipe_open(&file, ffd) == 0);

  Writes w;
  uv_write_t req;
  req.data = &w;
  std::string text(1000, 'x');
  uv_buf_t buf = uv_buf_init(text.data(), static_cast<unsigned>(text.size()));
  {
    // Partial writes (7 bytes at a time) go on at once: no POLLOUT to wait for.
    fault::ScopedFault partial({.call = Call::write, .max_len = 7, .times = 0});
    REQUIRE(uv_write(&req, as_stream(&file), &buf, 1, Writes::cb) == 0);
  }
  CHECK(file_size(ffd) == 1000);
  CHECK(w.calls == 0);  // the callback still comes from the loop
  uv_run(loop, UV_RUN_NOWAIT);
  CHECK(w.calls == 1);
  CHECK(w.status[0] == 0);

  // Reading needs epoll: refused, the handle stays inactive, the loop ends.
  CHECK(uv_read_start(as_stream(&file), Collector::alloc, Collector::read) == UV_EPERM);
  CHECK(!uv_is_active(as_handle(&file)));
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);

  REQUIRE(uv_pipe_init(loop, &null, 0) == 0);
  REQUIRE(uv_pipe_open(&null, open("/dev/null", O_RDWR | O_CLOEXEC)) == 0);
  CHECK(uv_is_readable(as_stream(&null)));
  CHECK(uv_read_start(as_stream(&null), Collector::alloc, Collector::read) == UV_EPERM);
}

TEST_CASE("unpollable: a write queued behind a failed one is driven by the pending phase, not POLLOUT",
          "[stream][unpollable]") {
  uv_pipe_t file;
  TestLoop loop;
  int ffd = temp_file();
  REQUIRE(uv_pipe_init(loop, &file, 0) == 0);
  REQUIRE(uv_pipe_open(&file, ffd) == 0);

  Writes w;
  uv_write_t a, b;
  a.data = b.data = &w;
  char one[] = "a", two[] = "bb";
  uv_buf_t ba = uv_buf_init(one, 1), bb = uv_buf_init(two, 2);
  {
    fault::ScopedFault eio({.call = Call::write, .error = EIO});
    REQUIRE(uv_write(&a, as_stream(&file), &ba, 1, Writes::cb) == 0);
  }
  REQUIRE(uv_write(&b, as_stream(&file), &bb, 1, Writes::cb) == 0);  // a's callback still due
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);  // returns: nothing waits on epoll
  CHECK(w.calls == 2);
  CHECK(w.status[0] == UV_EIO);
  CHECK(w.status[1] == 0);
  CHECK(file_size(ffd) == 2);
}

TEST_CASE("unpollable: a file received over IPC and accepted behaves as uv_pipe_open's",
          "[stream][unpollable][fdpass]") {
  uv_pipe_t tx, rx, got;
  TestLoop loop;
  int sv[2];
  REQUIRE(uv_socketpair(SOCK_STREAM, 0, sv, 0, 0) == 0);
  REQUIRE(uv_pipe_init(loop, &tx, 1) == 0);
  REQUIRE(uv_pipe_open(&tx, sv[0]) == 0);
  REQUIRE(uv_pipe_init(loop, &rx, 1) == 0);
  REQUIRE(uv_pipe_open(&rx, sv[1]) == 0);

  int ffd = temp_file();
  Writes w;
  uv_write_t req;
  req.data = &w;
  char f[] = "f";
  uv_buf_t buf = uv_buf_init(f, 1);
  REQUIRE(uvref_write2_fd(&req, as_stream(&tx), &buf, 1, ffd, Writes::cb) == 0);
  Collector c;
  rx.data = &c;
  REQUIRE(uv_read_start(as_stream(&rx), Collector::alloc, Collector::read) == 0);
  while (c.bytes.empty()) uv_run(loop, UV_RUN_ONCE);
  REQUIRE(uv_pipe_pending_count(&rx) == 1);
  CHECK(uv_pipe_pending_type(&rx) == UV_FILE);

  REQUIRE(uv_pipe_init(loop, &got, 0) == 0);
  REQUIRE(uv_accept(as_stream(&rx), as_stream(&got)) == 0);
  // Before: uv_read_start returned 0 and uv_run never returned.
  CHECK(uv_read_start(as_stream(&got), Collector::alloc, Collector::read) == UV_EPERM);
  CHECK(!uv_is_active(as_handle(&got)));

  uv_write_t wr;
  wr.data = &w;
  char text[] = "via ipc";
  uv_buf_t b2 = uv_buf_init(text, 7);
  REQUIRE(uv_write(&wr, as_stream(&got), &b2, 1, Writes::cb) == 0);
  CHECK(file_size(ffd) == 7);

  struct Shut {
    int calls = 0, status = 1;
  } shut;
  uv_shutdown_t sreq;
  sreq.data = &shut;
  REQUIRE(uv_shutdown(&sreq, as_stream(&got), [](uv_shutdown_t* r, int status) {
            auto* s = static_cast<Shut*>(r->data);
            s->calls++;
            s->status = status;
          }) == 0);
  uv_read_stop(as_stream(&rx));
  uv_close(as_handle(&tx), nullptr);
  uv_close(as_handle(&rx), nullptr);
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(shut.calls == 1);
  CHECK(shut.status == UV_ENOTSOCK);  // shutdown(2) is for sockets
  close(ffd);
}

TEST_CASE("unpollable: uv_accept asks epoll only about kinds the pending type's fstat cannot settle",
          "[stream][unpollable][fdpass]") {
  using uvref::test::fdpass::StandInPipe;
  namespace fdpass = uvref::detail::fdpass;
  TestLoop loop;
  StandInPipe server(-1);
  server.pipe.loop = loop;  // uv_accept wants server and client on one loop
  int pipe_ends[2], sv[2];
  REQUIRE(::pipe2(pipe_ends, O_CLOEXEC) == 0);
  REQUIRE(::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  int mounts = ::open("/proc/self/mounts", O_RDONLY | O_CLOEXEC);  // a regular file epoll can watch
  REQUIRE(mounts >= 0);
  int ffd = temp_file();
  for (int fd : {pipe_ends[0], sv[0], mounts, ffd}) REQUIRE(fdpass::queue_fd(server.stream(), fd) == 0);
  ::close(pipe_ends[1]);
  ::close(sv[1]);

  // Counting rules: no error, every call (times = 0), so fired() is the number of calls.
  fault::ScopedFault fstats({.call = Call::fstat, .times = 0});
  fault::ScopedFault ctls({.call = Call::epoll_ctl, .times = 0});
  auto accept_next = [&](uv_pipe_t* client, uv_handle_type want) {
    CHECK(uv_pipe_pending_type(&server.pipe) == want);
    CHECK(uv_pipe_pending_type(&server.pipe) == want);  // asked twice: still one fstat()
    REQUIRE(uv_pipe_init(loop, client, 0) == 0);
    REQUIRE(uv_accept(server.stream(), as_stream(client)) == 0);
  };

  uv_pipe_t fifo, sock, proc, file;
  accept_next(&fifo, UV_NAMED_PIPE);
  accept_next(&sock, UV_NAMED_PIPE);
  CHECK(fault::fired(Call::fstat) == 2);      // one per descriptor, shared by type and accept
  CHECK(fault::fired(Call::epoll_ctl) == 0);  // a FIFO and a socket: epoll is not asked

  accept_next(&proc, UV_FILE);
  CHECK(fault::fired(Call::epoll_ctl) == 2);  // a regular file: asked (ADD, then DEL: accepted)
  accept_next(&file, UV_FILE);
  CHECK(fault::fired(Call::epoll_ctl) == 3);  // asked; refused (EPERM) at the ADD
  CHECK(fault::fired(Call::fstat) == 4);

  // uv_accept without uv_pipe_pending_type: it makes the fstat() itself.
  int again[2];
  REQUIRE(::pipe2(again, O_CLOEXEC) == 0);
  ::close(again[1]);
  REQUIRE(fdpass::queue_fd(server.stream(), again[0]) == 0);
  uv_pipe_t fifo2;
  REQUIRE(uv_pipe_init(loop, &fifo2, 0) == 0);
  REQUIRE(uv_accept(server.stream(), as_stream(&fifo2)) == 0);
  CHECK(fault::fired(Call::fstat) == 5);
  CHECK(fault::fired(Call::epoll_ctl) == 3);

  // What the streams became: the same as when epoll was asked about every one.
  CHECK(uv_read_start(as_stream(&fifo), Collector::alloc, Collector::read) == 0);
  CHECK(uv_read_start(as_stream(&sock), Collector::alloc, Collector::read) == 0);
  CHECK(uv_read_start(as_stream(&proc), Collector::alloc, Collector::read) == 0);
  CHECK(uv_read_start(as_stream(&file), Collector::alloc, Collector::read) == UV_EPERM);
  for (uv_pipe_t* h : {&fifo, &sock, &proc, &file, &fifo2}) uv_close(as_handle(h), nullptr);
  uv_run(loop, UV_RUN_DEFAULT);
}
