// Named pipes: bind, listen, connect, accept, names, and every error libuv reports for them.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstring>
#include <string>

#include "test_stream_helpers.h"

using namespace uvref::test;

namespace {

bool path_exists(const std::string& p) {
  struct stat st;
  return lstat(p.c_str(), &st) == 0;
}

/** Connect result holder: status is 1 until the callback runs. */
struct ConnectResult {
  int status = 1;
  int calls = 0;
  static void cb(uv_connect_t* req, int status) {
    auto* r = static_cast<ConnectResult*>(req->data);
    r->status = status;
    r->calls++;
  }
};

/** Connects a fresh pipe handle to @p name and runs the loop until the callback. */
int connect_status(uv_loop_t* loop, uv_pipe_t* client, const char* name) {
  REQUIRE(uv_pipe_init(loop, client, 0) == 0);
  uv_connect_t req;
  ConnectResult r;
  req.data = &r;
  uv_pipe_connect(&req, client, name, ConnectResult::cb);
  CHECK(r.calls == 0);  // never from inside uv_pipe_connect
  while (r.calls == 0) uv_run(loop, UV_RUN_ONCE);
  CHECK(r.calls == 1);
  return r.status;
}

}  // namespace

TEST_CASE("pipe: bind, listen, connect, accept, names; close unlinks the socket file", "[pipe][bind][ex:pipe-bind]") {
  uv_pipe_t server, client, conn;
  TestLoop loop;
  std::string path = temp_socket_path("bind");
  REQUIRE(uv_pipe_init(loop, &server, 0) == 0);
  REQUIRE(uv_pipe_bind(&server, path.c_str()) == 0);
  CHECK(path_exists(path));
  struct Ctx {
    uv_pipe_t* conn;
    int accepted = 1;
  } ctx{&conn};
  server.data = &ctx;
  REQUIRE(uv_pipe_init(loop, &conn, 0) == 0);
  REQUIRE(uv_listen(as_stream(&server), 16, [](uv_stream_t* s, int status) {
            REQUIRE(status == 0);
            auto* c = static_cast<Ctx*>(s->data);
            c->accepted = uv_accept(s, as_stream(c->conn));
          }) == 0);
  CHECK(uv_is_active(as_handle(&server)));

  CHECK(connect_status(loop, &client, path.c_str()) == 0);
  while (ctx.accepted == 1) uv_run(loop, UV_RUN_ONCE);
  CHECK(ctx.accepted == 0);
  CHECK(uv_accept(as_stream(&server), as_stream(&conn)) == UV_EAGAIN);  // nothing pending

  char buf[256];
  size_t len = sizeof buf;
  REQUIRE(uv_pipe_getsockname(&server, buf, &len) == 0);
  CHECK(std::string(buf, len) == path);
  CHECK(len == path.size());
  CHECK(buf[len] == '\0');
  len = sizeof buf;
  REQUIRE(uv_pipe_getpeername(&client, buf, &len) == 0);
  CHECK(std::string(buf) == path);
  len = sizeof buf;
  REQUIRE(uv_pipe_getsockname(&client, buf, &len) == 0);  // a client socket has no name
  CHECK(len == 0);
  CHECK(buf[0] == '\0');

  // A short buffer: UV_ENOBUFS and the size needed (with the NUL).
  len = 4;
  CHECK(uv_pipe_getsockname(&server, buf, &len) == UV_ENOBUFS);
  CHECK(len == path.size() + 1);

  uv_close(as_handle(&server), nullptr);
  CHECK_FALSE(path_exists(path));  // unlinked at uv_close, before close()
  uv_run(loop, UV_RUN_DEFAULT);
}

TEST_CASE("pipe: bind errors match libuv (EADDRINUSE, EACCES, EINVAL) and never touch another socket",
          "[pipe][bind]") {
  uv_pipe_t first, second, third, client;
  TestLoop loop;
  std::string path = temp_socket_path("taken");
  REQUIRE(uv_pipe_init(loop, &first, 0) == 0);
  REQUIRE(uv_pipe_init(loop, &second, 0) == 0);
  REQUIRE(uv_pipe_init(loop, &third, 0) == 0);
  REQUIRE(uv_pipe_bind(&first, path.c_str()) == 0);
  REQUIRE(uv_listen(as_stream(&first), 4, [](uv_stream_t* s, int) {
            uv_pipe_t* c = static_cast<uv_pipe_t*>(s->data);
            REQUIRE(uv_accept(s, as_stream(c)) == 0);
          }) == 0);
  uv_pipe_t accepted;
  REQUIRE(uv_pipe_init(loop, &accepted, 0) == 0);
  first.data = &accepted;

  CHECK(uv_pipe_bind(&second, path.c_str()) == UV_EADDRINUSE);
  CHECK(uv_pipe_bind(&second, "/nonexistent-uvref-dir/x.sock") == UV_EACCES);  // ENOENT mapped, as libuv
  CHECK(uv_pipe_bind(&first, temp_socket_path("rebind").c_str()) == UV_EINVAL);  // already bound
  CHECK(uv_pipe_bind(&second, nullptr) == UV_EINVAL);
  CHECK(uv_pipe_bind2(&second, path.c_str(), path.size(), 0x100) == UV_EINVAL);  // unknown flag
  CHECK(uv_pipe_bind2(&second, "ab\0cd", 5, 0) == UV_EINVAL);                   // NUL inside a path
  CHECK(uv_listen(as_stream(&second), 4, [](uv_stream_t*, int) {}) == UV_EINVAL);  // not bound

  // The first server's file is intact: a client still gets through.
  CHECK(path_exists(path));
  CHECK(connect_status(loop, &client, path.c_str()) == 0);
  while (accepted.io_watcher.fd == -1) uv_run(loop, UV_RUN_ONCE);

  // An IPC pipe carries descriptors over a connection; it cannot be a server.
  uv_pipe_t ipc;
  REQUIRE(uv_pipe_init(loop, &ipc, 1) == 0);
  REQUIRE(uv_pipe_bind(&ipc, temp_socket_path("ipc").c_str()) == 0);
  CHECK(uv_listen(as_stream(&ipc), 4, [](uv_stream_t*, int) {}) == UV_EINVAL);

  uv_close(as_handle(&third), nullptr);
  CHECK(uv_pipe_bind(&third, temp_socket_path("closing").c_str()) == UV_EINVAL);
}

TEST_CASE("pipe: names too long for sun_path are refused, never truncated", "[pipe][bind][names][ex:pipe-bind]") {
  uv_pipe_t h, client;
  TestLoop loop;
  REQUIRE(uv_pipe_init(loop, &h, 0) == 0);
  // 108 bytes: fits sun_path only without its NUL. libuv 1.44.2 binds the
  // first 107 bytes and later unlinks the wrong name.
  std::string dir = "/tmp/";
  std::string name = dir + std::string(108 - dir.size(), 'n');
  REQUIRE(name.size() == 108);
  CHECK(uv_pipe_bind(&h, name.c_str()) == UV_ENAMETOOLONG);
  CHECK_FALSE(path_exists(name.substr(0, 107)));  // nothing bound under a truncated name
  CHECK(uv_pipe_bind2(&h, name.c_str(), name.size(), 0) == UV_ENAMETOOLONG);
  CHECK(uv_pipe_bind2(&h, name.c_str(), name.size(), UV_PIPE_NO_TRUNCATE) == UV_EINVAL);  // libuv 1.46
  CHECK(h.io_watcher.fd == -1);

  // 107 bytes is the longest path that fits.
  std::string fits = dir + "uvref-" + std::to_string(getpid()) + "-";
  fits += std::string(107 - fits.size(), 'f');
  ::unlink(fits.c_str());  // left over from a dead process with this pid, if any
  REQUIRE(uv_pipe_bind(&h, fits.c_str()) == 0);
  REQUIRE(uv_listen(as_stream(&h), 1, [](uv_stream_t*, int) {}) == 0);
  char buf[200];
  size_t len = sizeof buf;
  REQUIRE(uv_pipe_getsockname(&h, buf, &len) == 0);
  CHECK(std::string(buf, len) == fits);

  // Connecting: uv_pipe_connect reports through the callback, uv_pipe_connect2 synchronously.
  CHECK(connect_status(loop, &client, name.c_str()) == UV_ENAMETOOLONG);
  uv_connect_t req;
  CHECK(uv_pipe_connect2(&req, &client, name.c_str(), name.size(), UV_PIPE_NO_TRUNCATE, nullptr) == UV_EINVAL);
  CHECK(uv_pipe_connect2(&req, &client, name.c_str(), name.size(), 0, nullptr) == UV_ENAMETOOLONG);
  CHECK(uv_pipe_connect2(&req, &client, name.c_str(), 0, 0, nullptr) == UV_EINVAL);
  CHECK(uv_pipe_connect2(&req, &client, name.c_str(), 4, 0x80, nullptr) == UV_EINVAL);
  CHECK(loop.get()->active_reqs.count == 0);

  uv_close(as_handle(&h), nullptr);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK_FALSE(path_exists(fits));
}

TEST_CASE("pipe: abstract names (leading NUL, explicit length) and the empty name", "[pipe][names][ex:pipe-bind]") {
  uv_pipe_t server, client, conn, autob;
  TestLoop loop;
  std::string name = std::string("\0uvref-abstract-", 16) + std::to_string(getpid());
  REQUIRE(uv_pipe_init(loop, &server, 0) == 0);
  REQUIRE(uv_pipe_init(loop, &client, 0) == 0);
  REQUIRE(uv_pipe_init(loop, &conn, 0) == 0);
  REQUIRE(uv_pipe_bind2(&server, name.data(), name.size(), 0) == 0);
  CHECK(server.pipe_fname == nullptr);  // no file to unlink
  server.data = &conn;
  REQUIRE(uv_listen(as_stream(&server), 4, [](uv_stream_t* s, int) {
            REQUIRE(uv_accept(s, as_stream(static_cast<uv_pipe_t*>(s->data))) == 0);
          }) == 0);

  uv_connect_t req;
  ConnectResult r;
  req.data = &r;
  REQUIRE(uv_pipe_connect2(&req, &client, name.data(), name.size(), 0, ConnectResult::cb) == 0);
  while (r.calls == 0 || conn.io_watcher.fd == -1) uv_run(loop, UV_RUN_ONCE);
  CHECK(r.status == 0);

  char buf[128];
  size_t len = sizeof buf;
  REQUIRE(uv_pipe_getpeername(&client, buf, &len) == 0);
  CHECK(len == name.size());  // the exact bytes, leading NUL included, no terminator
  CHECK(std::string(buf, len) == name);
  len = name.size() - 1;
  CHECK(uv_pipe_getsockname(&server, buf, &len) == UV_ENOBUFS);
  CHECK(len == name.size());

  // A name nobody listens on; a name of 109 bytes.
  uv_pipe_t other;
  std::string absent = std::string("\0uvref-absent-", 14) + std::to_string(getpid());
  REQUIRE(uv_pipe_init(loop, &other, 0) == 0);
  ConnectResult r2;
  req.data = &r2;
  REQUIRE(uv_pipe_connect2(&req, &other, absent.data(), absent.size(), 0, ConnectResult::cb) == 0);
  while (r2.calls == 0) uv_run(loop, UV_RUN_ONCE);
  CHECK(r2.status == UV_ECONNREFUSED);
  REQUIRE(uv_pipe_init(loop, &autob, 0) == 0);
  std::string huge(109, 'a');
  huge[0] = '\0';
  CHECK(uv_pipe_bind2(&autob, huge.data(), huge.size(), UV_PIPE_NO_TRUNCATE) == UV_EINVAL);
  CHECK(uv_pipe_bind2(&autob, huge.data(), huge.size(), 0) == UV_ENAMETOOLONG);

  // An empty name: as libuv 1.44, the abstract name of 108 NUL bytes.
  REQUIRE(uv_pipe_bind(&autob, "") == 0);
  len = sizeof buf;
  REQUIRE(uv_pipe_getsockname(&autob, buf, &len) == 0);
  CHECK(len == 108);
  CHECK(std::string(buf, len) == std::string(108, '\0'));
}

TEST_CASE("pipe: connect errors arrive through connect_cb (ENOENT, ECONNREFUSED)", "[pipe][connect]") {
  uv_pipe_t c1, c2, c3, bound;
  TestLoop loop;
  CHECK(connect_status(loop, &c1, temp_socket_path("missing").c_str()) == UV_ENOENT);

  // A regular file where a socket is expected.
  std::string file = temp_socket_path("regular");
  int fd = open(file.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  REQUIRE(fd >= 0);
  close(fd);
  CHECK(connect_status(loop, &c2, file.c_str()) == UV_ECONNREFUSED);
  unlink(file.c_str());

  // A socket file whose socket does not listen.
  std::string path = temp_socket_path("nolisten");
  REQUIRE(uv_pipe_init(loop, &bound, 0) == 0);
  REQUIRE(uv_pipe_bind(&bound, path.c_str()) == 0);
  CHECK(connect_status(loop, &c3, path.c_str()) == UV_ECONNREFUSED);
  CHECK(loop.get()->active_reqs.count == 0);
}

TEST_CASE("pipe: uv_close while connecting cancels the request (UV_ECANCELED)", "[pipe][connect]") {
  uv_pipe_t client;
  TestLoop loop;
  REQUIRE(uv_pipe_init(loop, &client, 0) == 0);
  uv_connect_t req;
  ConnectResult r;
  req.data = &r;
  uv_pipe_connect(&req, &client, temp_socket_path("cancel").c_str(), ConnectResult::cb);
  uv_close(as_handle(&client), nullptr);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(r.calls == 1);
  CHECK(r.status == UV_ECANCELED);
  CHECK(loop.get()->active_reqs.count == 0);
}

TEST_CASE("pipe: uv_pipe_open adopts pipe ends, sockets and files; refuses watched descriptors",
          "[pipe][open]") {
  uv_pipe_t a, b, f, unused;
  TestLoop loop;
  int fds[2];
  REQUIRE(pipe2(fds, O_CLOEXEC) == 0);  // blocking, as a program might have it
  REQUIRE(uv_pipe_init(loop, &a, 0) == 0);
  REQUIRE(uv_pipe_init(loop, &b, 0) == 0);
  REQUIRE(uv_pipe_open(&a, fds[0]) == 0);
  CHECK((fcntl(fds[0], F_GETFL) & O_NONBLOCK) != 0);  // made non-blocking
  REQUIRE(uv_read_start(as_stream(&a), Collector::alloc, Collector::read) == 0);
  CHECK(uv_pipe_open(&b, fds[0]) == UV_EEXIST);  // this loop already watches it
  REQUIRE(uv_pipe_open(&b, fds[1]) == 0);
  CHECK(uv_pipe_open(&b, fds[1]) == 0);  // the same descriptor again: harmless
  uv_pipe_t c;
  REQUIRE(uv_pipe_init(loop, &c, 0) == 0);
  int spare[2];
  REQUIRE(pipe2(spare, O_CLOEXEC | O_NONBLOCK) == 0);
  CHECK(uv_pipe_open(&b, spare[0]) == UV_EBUSY);  // b holds another descriptor
  close(spare[0]);
  close(spare[1]);

  // A regular file and /dev/null cannot be polled; adopted as libuv does
  // (test_stream_unpollable.cpp covers what a program can do with them).
  REQUIRE(uv_pipe_init(loop, &f, 0) == 0);
  std::string file = temp_socket_path("file");
  int ffd = open(file.c_str(), O_CREAT | O_RDWR | O_CLOEXEC, 0600);
  REQUIRE(ffd >= 0);
  unlink(file.c_str());
  CHECK(uv_pipe_open(&f, ffd) == 0);
  CHECK((fcntl(ffd, F_GETFL) & O_NONBLOCK) != 0);
  uv_pipe_t n;
  REQUIRE(uv_pipe_init(loop, &n, 0) == 0);
  int devnull = open("/dev/null", O_RDONLY | O_CLOEXEC);
  CHECK(uv_pipe_open(&n, devnull) == 0);

  // Not a descriptor at all.
  REQUIRE(uv_pipe_init(loop, &unused, 0) == 0);
  CHECK(uv_pipe_open(&unused, -1) == UV_EBADF);
  int closed = dup(fds[1]);
  close(closed);
  CHECK(uv_pipe_open(&unused, closed) == UV_EBADF);
  uv_pipe_pending_instances(&unused, 4);  // a no-op on Unix
}

TEST_CASE("pipe: uv_pipe_chmod adds permission bits to the socket file", "[pipe][bind]") {
  uv_pipe_t h, unopened;
  TestLoop loop;
  std::string path = temp_socket_path("chmod");
  REQUIRE(uv_pipe_init(loop, &h, 0) == 0);
  REQUIRE(uv_pipe_init(loop, &unopened, 0) == 0);
  REQUIRE(uv_pipe_bind(&h, path.c_str()) == 0);
  REQUIRE(chmod(path.c_str(), 0600) == 0);
  constexpr int kReadable = 1, kWritable = 2;  // UV_READABLE, UV_WRITABLE
  REQUIRE(uv_pipe_chmod(&h, kReadable | kWritable) == 0);
  struct stat st;
  REQUIRE(stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0666);
  CHECK(uv_pipe_chmod(&h, 4) == UV_EINVAL);
  CHECK(uv_pipe_chmod(&h, 0) == UV_EINVAL);
  CHECK(uv_pipe_chmod(&unopened, kReadable) == UV_EBADF);
}

TEST_CASE("pipe: getsockname/getpeername argument errors", "[pipe][names]") {
  uv_pipe_t unopened;
  TestLoop loop;
  REQUIRE(uv_pipe_init(loop, &unopened, 0) == 0);
  char buf[16];
  size_t len = sizeof buf;
  CHECK(uv_pipe_getsockname(&unopened, buf, &len) == UV_EBADF);
  CHECK(len == 0);
  CHECK(uv_pipe_getpeername(&unopened, buf, nullptr) == UV_EINVAL);
  len = 4;
  CHECK(uv_pipe_getpeername(&unopened, nullptr, &len) == UV_EINVAL);
}
