// uvref::debug::fd_owner names who holds a descriptor, read off the loop's
// own fields: what the tour prints and a debugger command will print.
#include <sys/socket.h>
#include <unistd.h>

#include "debug/fd_owner.h"
#include "loop_init/stages.h"
#include "support/test_support.h"

using uvref::debug::fd_owner;

TEST_CASE("fd_owner names each loop-init descriptor by its field", "[debug]") {
  uvref::test::TestLoop loop;
  uv_loop_t* l = loop;
  CHECK(fd_owner(l, l->backend_fd).rfind("loop->backend_fd", 0) == 0);
  CHECK(fd_owner(l, l->signal_pipefd[0]).rfind("loop->signal_pipefd[0]", 0) == 0);
  CHECK(fd_owner(l, l->signal_pipefd[1]).rfind("loop->signal_pipefd[1]", 0) == 0);
  CHECK(fd_owner(l, l->async_io_watcher.fd).rfind("loop->async_io_watcher.fd", 0) == 0);
  CHECK(fd_owner(l, uvref::detail::signal_lock_pipefd[0]).rfind("signal_lock_pipefd[0]", 0) == 0);
  CHECK(fd_owner(l, 0).empty());  // stdin belongs to no loop
}

TEST_CASE("fd_owner names a stream's descriptor and one waiting for uv_accept", "[debug]") {
  uv_pipe_t ipc;
  uvref::test::TestLoop loop;
  int sv[2];
  REQUIRE(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  REQUIRE(uv_pipe_init(loop, &ipc, 1) == 0);
  REQUIRE(uv_pipe_open(&ipc, sv[0]) == 0);
  CHECK(fd_owner(loop, sv[0]).find("pipe handle") != std::string::npos);
  CHECK(fd_owner(loop, sv[0]).find("io_watcher.fd") != std::string::npos);

  // Simulate a received descriptor waiting in the pending queue.
  int pending = dup(sv[1]);
  REQUIRE(pending >= 0);
  ipc.accepted_fd = pending;
  CHECK(fd_owner(loop, pending).find("accepted_fd") != std::string::npos);
  ipc.accepted_fd = -1;
  close(pending);
  close(sv[1]);
}
