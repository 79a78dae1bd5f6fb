// Helpers shared by the descriptor-passing tests (test_fdpass_*.cpp): owned
// descriptors, socket pairs, raw send/receive of N descriptors, "same open
// file?" via kcmp(2), and a stand-in IPC pipe for the steps that take a stream.
#pragma once

#include <linux/kcmp.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>
#include <string>
#include <utility>
#include <vector>

#include "debug/fd_table.h"
#include "fdpass/fdpass.h"
#include "fdpass/steps.h"
#include "support/test_support.h"
#include "sys/fault.h"
#include "sys/sys.h"

namespace uvref::test::fdpass {

/** An owned descriptor: closed when the object goes out of scope. */
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    reset(std::exchange(o.fd_, -1));
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  operator int() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = fd;
  }

 private:
  int fd_ = -1;
};

/** A connected AF_UNIX pair (SOCK_STREAM unless told), close-on-exec. */
inline std::pair<Fd, Fd> socket_pair(int type = SOCK_STREAM) {
  int sv[2];
  REQUIRE(::socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv) == 0);
  return {Fd(sv[0]), Fd(sv[1])};
}

/** True if @p a in this process and @p b in @p pid_b are the same open file description. */
inline bool same_file(int a, int b, pid_t pid_b = ::getpid()) {
  long r = ::syscall(SYS_kcmp, ::getpid(), pid_b, KCMP_FILE, a, b);
  REQUIRE(r >= 0);  // kcmp works here (checked on the CI machines); -1 would mean EPERM/ENOSYS
  return r == 0;
}

/**
 * A control buffer for @p N descriptors made with the CMSG_* macros alone: what a test uses
 * when the unit under test must not be the one that sizes its messages (ControlBuffer is the
 * exercise fdpass-control-buffer, walkthroughs/exercises/).
 */
template <std::size_t N>
union RawControl {
  unsigned char bytes[CMSG_SPACE(N * sizeof(int))];
  struct cmsghdr align;
};

/**
 * Sends @p data with every descriptor of @p fds in one SCM_RIGHTS message (up to 256).
 * The message is built here with the CMSG_* macros, not with pack_rights(), so that the
 * receive steps can be tested (and graded, walkthroughs/exercises/) without the send steps.
 */
inline ssize_t send_fds(int sock, const std::vector<int>& fds, std::string data = "x") {
  RawControl<256> control{};
  if (fds.empty() || fds.size() > 256 || data.empty()) return UV_EINVAL;
  struct iovec iov = {data.data(), data.size()};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.bytes;
  msg.msg_controllen = CMSG_SPACE(fds.size() * sizeof(int));
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(fds.size() * sizeof(int));
  std::memcpy(CMSG_DATA(c), fds.data(), fds.size() * sizeof(int));
  ssize_t n = ::sendmsg(sock, &msg, MSG_NOSIGNAL);
  return n < 0 ? -errno : n;
}

/** What one raw recvmsg() brought. */
struct Received {
  ssize_t n = 0;            ///< bytes, or -errno
  std::string data;         ///< the bytes
  std::vector<Fd> fds;      ///< the descriptors (owned)
  int flags = 0;            ///< msg_flags
};

/** One recvmsg_cloexec() with room for @p max_fds descriptors; collects every SCM_RIGHTS fd. */
inline Received recv_fds(int sock, std::size_t max_bytes = 64) {
  using namespace uvref::detail::fdpass;
  Received out;
  std::string buf(max_bytes, '\0');
  ControlBuffer<256> control{};
  struct iovec iov = {buf.data(), buf.size()};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.bytes;
  msg.msg_controllen = sizeof control.bytes;
  out.n = recvmsg_cloexec(sock, &msg);
  if (out.n < 0) return out;
  out.data.assign(buf.data(), static_cast<std::size_t>(out.n));
  out.flags = msg.msg_flags;
  bool malformed = false;
  for (struct cmsghdr* c = next_cmsg(&msg, nullptr, &malformed); c; c = next_cmsg(&msg, c, &malformed)) {
    if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS) continue;
    for (int i = 0; i < cmsg_fd_count(c); i++) out.fds.emplace_back(cmsg_fd(c, i));
  }
  REQUIRE_FALSE(malformed);
  return out;
}

/** Number of descriptors open in this process (/proc/self/fd, the listing's own excluded). */
inline std::size_t open_fd_count() { return uvref::debug::fd_table().size(); }

/** @p n duplicates of @p fd (close-on-exec), e.g. to send many references to one file. */
inline std::vector<int> dups(int fd, int n) {
  std::vector<int> v;
  for (int i = 0; i < n; i++) v.push_back(::fcntl(fd, F_DUPFD_CLOEXEC, 0));
  return v;
}

/** Closes every descriptor in @p v. */
inline void close_all(const std::vector<int>& v) {
  for (int fd : v) ::close(fd);
}

/** Sends @p n copies of @p origin in one message with @p data, then closes the copies (in flight now). */
inline void send_copies(int sock, int origin, int n, const std::string& data = "x") {
  std::vector<int> sent = dups(origin, n);
  REQUIRE(send_fds(sock, sent, data) == static_cast<ssize_t>(data.size()));
  close_all(sent);
}

/** Opens @p receiver as an IPC pipe on one end of a new socket pair; returns the other, raw end. */
inline Fd open_ipc_receiver(uv_loop_t* loop, uv_pipe_t* receiver) {
  auto [raw, theirs] = socket_pair();
  REQUIRE(uv_pipe_init(loop, receiver, 1) == 0);
  REQUIRE(uv_pipe_open(receiver, theirs.release()) == 0);
  return std::move(raw);
}

/** True if @p fd is open in this process. */
inline bool is_open(int fd) { return ::fcntl(fd, F_GETFD) != -1; }

/**
 * Lowers RLIMIT_NOFILE so that exactly @p room more descriptors can be
 * opened (the lowest free numbers), and restores it when destroyed: the way
 * to make the kernel truncate a received SCM_RIGHTS message (MSG_CTRUNC)
 * now that the receive buffer holds the most a message can carry.
 */
class NofileRoom {
 public:
  explicit NofileRoom(unsigned room) {
    REQUIRE(::getrlimit(RLIMIT_NOFILE, &saved_) == 0);
    unsigned free_seen = 0;
    rlim_t fd = 0;
    for (; free_seen < room; fd++) {
      if (::fcntl(static_cast<int>(fd), F_GETFD) == -1) free_seen++;
    }
    struct rlimit tight = saved_;
    tight.rlim_cur = fd;  // numbers 0..fd-1: all in use but the @p room just counted
    REQUIRE(::setrlimit(RLIMIT_NOFILE, &tight) == 0);
  }
  ~NofileRoom() { ::setrlimit(RLIMIT_NOFILE, &saved_); }
  NofileRoom(const NofileRoom&) = delete;
  NofileRoom& operator=(const NofileRoom&) = delete;

 private:
  struct rlimit saved_{};
};

/**
 * A zeroed uv_pipe_t set up the way the stream layer sets up an IPC pipe,
 * enough for the steps that only touch the descriptor and the pending queue.
 */
struct StandInPipe {
  uv_pipe_t pipe{};
  explicit StandInPipe(int fd) {
    pipe.type = UV_NAMED_PIPE;
    pipe.ipc = 1;
    pipe.accepted_fd = -1;
    pipe.queued_fds = nullptr;
    pipe.io_watcher.fd = fd;
  }
  ~StandInPipe() { uvref::detail::fdpass::close_pending(stream()); }
  uv_stream_t* stream() { return reinterpret_cast<uv_stream_t*>(&pipe); }
};

}  // namespace uvref::test::fdpass
