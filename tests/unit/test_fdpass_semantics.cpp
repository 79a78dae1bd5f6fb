// The in-flight semantics of descriptor passing (issue 4), each shown by a test:
// same open file description (kcmp, shared offset), every kind travels, the
// sender may close while in flight, an unreceived message's descriptors die
// with the receiving socket, and RLIMIT_NOFILE truncation is reported.
// Tests that need a second process fork; the child reports through its exit status.
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <cstdint>
#include <functional>

#include "test_fdpass_support.h"

using namespace uvref::detail::fdpass;
using namespace uvref::test::fdpass;

namespace {

/** Runs @p body in a forked child; returns its exit status (or 128 + signal). */
pid_t start_child(const std::function<int()>& body) {
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    int code = 100;
    try {
      code = body();
    } catch (...) {
      code = 101;  // a REQUIRE in the child: fail, and never run the parent's tests here
    }
    ::_exit(code);
  }
  return pid;
}

int wait_child(pid_t pid) {
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

template <typename T>
bool write_value(int fd, T v) {
  return ::write(fd, &v, sizeof v) == static_cast<ssize_t>(sizeof v);
}

template <typename T>
T read_value(int fd) {
  T v{};
  REQUIRE(::read(fd, &v, sizeof v) == static_cast<ssize_t>(sizeof v));
  return v;
}

/** One received descriptor, for a child (no Catch2 assertions there): -1 on any failure. */
int child_receive_one(int sock) {
  StandInPipe p(sock);
  char byte;
  int cmsg_error;
  if (recv_with_fds(p.stream(), &byte, 1, &cmsg_error) != 1 || cmsg_error != 0) return -1;
  return take_pending(p.stream());
}

}  // namespace

TEST_CASE("in flight: another process gets a new number for the same open file (kcmp)",
          "[fdpass][semantics][fork]") {
  auto [a, b] = socket_pair();
  Fd file(::memfd_create("uvref-kcmp", MFD_CLOEXEC));
  Fd other(::memfd_create("uvref-other", MFD_CLOEXEC));
  pid_t pid = start_child([&, sock = b.get()] {
    int fd = child_receive_one(sock);
    if (fd < 0 || !write_value(sock, fd)) return 1;
    char go;
    return ::read(sock, &go, 1) == 1 ? 0 : 2;  // keep fd open until the parent has looked
  });
  b.reset();
  REQUIRE(send_fds(a, {file.get()}) == 1);
  int child_fd = read_value<int>(a);
  CHECK(::syscall(SYS_kcmp, ::getpid(), pid, KCMP_FILE, file.get(), child_fd) == 0);
  CHECK(::syscall(SYS_kcmp, ::getpid(), pid, KCMP_FILE, other.get(), child_fd) != 0);
  REQUIRE(::write(a, "g", 1) == 1);
  CHECK(wait_child(pid) == 0);
}

TEST_CASE("in flight: the file offset is shared between sender and receiver", "[fdpass][semantics][fork]") {
  auto [a, b] = socket_pair();
  Fd file(::memfd_create("uvref-offset", MFD_CLOEXEC));
  REQUIRE(::write(file, "hello", 5) == 5);  // offset 5, before sending
  pid_t pid = start_child([&, sock = b.get()] {
    int fd = child_receive_one(sock);
    if (fd < 0) return 1;
    if (::lseek(fd, 0, SEEK_CUR) != 5) return 2;  // the sender's offset, seen here
    if (::write(fd, "world", 5) != 5) return 3;   // moves it for the sender too
    return 0;
  });
  b.reset();
  REQUIRE(send_fds(a, {file.get()}) == 1);
  CHECK(wait_child(pid) == 0);
  CHECK(::lseek(file, 0, SEEK_CUR) == 10);
  char buf[10];
  REQUIRE(::pread(file, buf, 10, 0) == 10);
  CHECK(std::string(buf, 10) == "helloworld");
}

TEST_CASE("in flight: any kind of descriptor travels", "[fdpass][semantics]") {
  int pfd[2];
  REQUIRE(::pipe2(pfd, O_CLOEXEC) == 0);
  Fd pipe_r(pfd[0]), pipe_w(pfd[1]);
  Fd file(::open("/proc/self/exe", O_RDONLY | O_CLOEXEC));
  auto [s1, s2] = socket_pair();
  Fd tcp(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  Fd efd(::eventfd(0, EFD_CLOEXEC));
  Fd memfd(::memfd_create("uvref-kinds", MFD_CLOEXEC));
  Fd epfd(::epoll_create1(EPOLL_CLOEXEC));
  std::vector<int> kinds = {pipe_w, file, s1, tcp, efd, memfd, epfd};

  auto [a, b] = socket_pair();
  REQUIRE(send_fds(a, kinds) == 1);
  Received got = recv_fds(b);
  REQUIRE(got.fds.size() == kinds.size());
  for (std::size_t i = 0; i < kinds.size(); i++) CHECK(same_file(got.fds[i], kinds[i]));

  // And they work: through the received copy, observed through the original.
  REQUIRE(::write(got.fds[0], "p", 1) == 1);
  char c;
  CHECK(::read(pipe_r, &c, 1) == 1);
  const std::uint64_t three = 3;
  REQUIRE(::write(got.fds[4], &three, 8) == 8);
  std::uint64_t count = 0;
  CHECK(::read(efd, &count, 8) == 8);
  CHECK(count == 3);
  struct epoll_event ev = {};
  ev.events = EPOLLIN;
  ev.data.fd = pipe_r;
  REQUIRE(::epoll_ctl(got.fds[6], EPOLL_CTL_ADD, pipe_r, &ev) == 0);  // registered through the copy
  REQUIRE(::write(pipe_w, "q", 1) == 1);
  struct epoll_event out = {};
  CHECK(::epoll_wait(epfd, &out, 1, 1000) == 1);  // seen through the original
  CHECK(out.data.fd == pipe_r.get());
}

TEST_CASE("in flight: the sender closing its copy does not close the file", "[fdpass][semantics]") {
  int pfd[2];
  REQUIRE(::pipe2(pfd, O_CLOEXEC) == 0);
  Fd pipe_r(pfd[0]);
  int pipe_w = pfd[1];
  REQUIRE(uvref::sys::set_nonblock(pipe_r, true) == 0);

  auto [a, b] = socket_pair();
  REQUIRE(send_fds(a, {pipe_w}) == 1);
  ::close(pipe_w);  // the only descriptor for the write end is gone; the message holds the file
  char c;
  CHECK(::read(pipe_r, &c, 1) == -1);
  CHECK(errno == EAGAIN);  // not end of file: a writer still exists, in flight

  Received got = recv_fds(b);
  REQUIRE(got.fds.size() == 1);
  REQUIRE(::write(got.fds[0], "late", 4) == 4);
  char buf[8];
  CHECK(::read(pipe_r, buf, sizeof buf) == 4);
  got.fds.clear();  // the last writer closes
  CHECK(::read(pipe_r, buf, sizeof buf) == 0);
}

TEST_CASE("in flight: a message never received dies with the receiving socket", "[fdpass][semantics]") {
  std::size_t baseline = open_fd_count();
  int pfd[2];
  REQUIRE(::pipe2(pfd, O_CLOEXEC) == 0);
  Fd pipe_r(pfd[0]);
  REQUIRE(uvref::sys::set_nonblock(pipe_r, true) == 0);
  {
    auto [a, b] = socket_pair();
    REQUIRE(send_fds(a, {pfd[1]}) == 1);
    ::close(pfd[1]);
    a.reset();  // the sender's socket goes; the message waits in b's receive queue
    char c;
    CHECK(::read(pipe_r, &c, 1) == -1);
    CHECK(errno == EAGAIN);
    CHECK(open_fd_count() == baseline + 2);  // pipe_r and b: the write end is in no table
  }  // b closes with the message unread
  char c;
  CHECK(::read(pipe_r, &c, 1) == 0);  // the in-flight write end was closed: end of file
  CHECK(open_fd_count() == baseline + 1);
}

TEST_CASE("in flight: more descriptors than RLIMIT_NOFILE allows: UV_EMSGSIZE, nothing leaked",
          "[fdpass][semantics][ctrunc][fork]") {
  auto [a, b] = socket_pair();
  Fd origin(::eventfd(0, EFD_CLOEXEC));
  pid_t pid = start_child([&, sock = b.get()] {
    // Put the limit just above the third free descriptor number: exactly 3
    // slots left. Open descriptors above a lowered limit stay usable.
    std::vector<uvref::debug::FdInfo> table = uvref::debug::fd_table();
    const rlim_t free_slots = 3;
    rlim_t limit = 0, seen_free = 0;
    for (std::size_t i = 0; seen_free < free_slots; limit++) {
      if (i < table.size() && static_cast<rlim_t>(table[i].fd) == limit) {
        i++;
      } else {
        seen_free++;
      }
    }
    struct rlimit rl;
    if (::getrlimit(RLIMIT_NOFILE, &rl) != 0) return 1;
    rl.rlim_cur = limit;
    if (::setrlimit(RLIMIT_NOFILE, &rl) != 0) return 2;
    if (!write_value(sock, 'r')) return 3;

    std::size_t before = uvref::debug::fd_table().size();
    StandInPipe p(sock);
    char byte;
    int cmsg_error = 0;
    if (recv_with_fds(p.stream(), &byte, 1, &cmsg_error) != 1 || cmsg_error != UV_EMSGSIZE) return 4;
    if (static_cast<rlim_t>(uv_pipe_pending_count(&p.pipe)) != free_slots) return 5;
    close_pending(p.stream());
    if (uvref::debug::fd_table().size() != before) return 6;  // the kernel closed the rest
    return 0;
  });
  b.reset();
  CHECK(read_value<char>(a) == 'r');
  std::vector<int> ten;
  for (int i = 0; i < 10; i++) ten.push_back(::fcntl(origin, F_DUPFD_CLOEXEC, 0));
  REQUIRE(send_fds(a, ten) == 1);
  for (int fd : ten) ::close(fd);
  CHECK(wait_child(pid) == 0);
}
