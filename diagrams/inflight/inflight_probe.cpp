/**
 * @file inflight_probe.cpp
 * @brief Diagram 2's data: one descriptor in flight, observed at four moments of a live run.
 *
 * Two processes joined by an AF_UNIX socket pair: the parent sends, a forked
 * child receives, both through uvref's real fd-passing code
 * (fdpass::send_with_fd, fdpass::recv_with_fds, fdpass::take_pending). The
 * passed file is the write end of a pipe whose read end the parent keeps, so
 * the kernel itself answers "does a writer still exist?": a non-blocking
 * read() of the empty pipe returns EAGAIN while any reference to the write
 * end exists (in a table or in a queued message) and 0 when none does.
 *
 * At each moment (before sendmsg, after sendmsg, after the sender's close,
 * after recvmsg) the parent records:
 *  - both descriptor tables, from /proc/<pid>/fd and /proc/<pid>/fdinfo/<n>
 *    (target, access mode, O_NONBLOCK, O_CLOEXEC), for the descriptors of the
 *    experiment only (stdio and the probe's control pipes are left out);
 *  - the bytes waiting in the receiver's socket (SIOCINQ, asked of the child);
 *  - whether the pipe still has a writer (the read() above).
 *
 * The write end is recognised by its pipe inode and O_WRONLY access mode.
 * (That the receiver's descriptor is the sender's open file description, not
 * only the same pipe, is kcmp(KCMP_FILE)'s answer in the test "in flight:
 * another process gets a new number for the same open file (kcmp)"; here
 * the two never hold it at the same moment.)
 *
 * Writes JSON to argv[1]; inflight_dot.py draws it. The child is created
 * before the pipe, so it never inherits the write end: every reference it
 * holds was received.
 */
#include <fcntl.h>
#include <linux/sockios.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "fdpass/fdpass.h"
#include "fdpass/steps.h"
#include "uv.h"

namespace {

namespace fdpass = uvref::detail::fdpass;

struct Entry {
  int fd;
  std::string target;  // "pipe:[123]", "socket:[456]"
  int accmode;         // O_RDONLY, O_WRONLY, O_RDWR
  bool nonblocking;
  bool cloexec;
};

std::string readlink_str(const std::string& path) {
  char buf[256];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
  return n < 0 ? std::string() : std::string(buf, static_cast<std::size_t>(n));
}

/** One entry of process @p pid's table, or fd = -1 if @p fd is not open there. */
Entry entry(pid_t pid, int fd) {
  const std::string base = "/proc/" + std::to_string(pid);
  Entry e{-1, readlink_str(base + "/fd/" + std::to_string(fd)), 0, false, false};
  if (e.target.empty()) return e;
  std::ifstream info(base + "/fdinfo/" + std::to_string(fd));
  std::string key;
  unsigned long flags = 0;
  while (info >> key) {
    if (key == "flags:") {
      info >> std::oct >> flags;
      break;
    }
  }
  e.fd = fd;
  e.accmode = static_cast<int>(flags & O_ACCMODE);
  e.nonblocking = (flags & O_NONBLOCK) != 0;
  e.cloexec = (flags & O_CLOEXEC) != 0;
  return e;
}

/** The entries of @p pid whose numbers are in @p fds and still open. */
std::vector<Entry> table(pid_t pid, const std::vector<int>& fds) {
  std::vector<Entry> out;
  for (int fd : fds) {
    Entry e = entry(pid, fd);
    if (e.fd != -1) out.push_back(e);
  }
  return out;
}

std::string json(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string json(const std::vector<Entry>& t, const std::string& pipe_target) {
  std::ostringstream o;
  o << "[";
  for (std::size_t i = 0; i < t.size(); i++) {
    const Entry& e = t[i];
    std::string role = e.target.rfind("socket:", 0) == 0 ? "socket"
                       : e.target != pipe_target ? "other"
                       : e.accmode == O_WRONLY   ? "pipe write end"
                                                 : "pipe read end";
    o << (i ? ", " : "") << "{\"fd\": " << e.fd << ", \"target\": " << json(e.target)
      << ", \"role\": " << json(role) << ", \"nonblocking\": " << (e.nonblocking ? "true" : "false")
      << ", \"cloexec\": " << (e.cloexec ? "true" : "false") << "}";
  }
  return o.str() + "]";
}

bool write_all(int fd, const void* p, std::size_t n) { return ::write(fd, p, n) == static_cast<ssize_t>(n); }
bool read_all(int fd, void* p, std::size_t n) { return ::read(fd, p, n) == static_cast<ssize_t>(n); }

/**
 * The receiver. Commands on @p cmd, answers on @p ans:
 * 'i' -> SIOCINQ of its socket (int); 'r' -> receive one message, answer the
 * received descriptor (int, kept open); 'q' -> exit.
 */
[[noreturn]] void receiver(int sock, int cmd, int ans) {
  uv_pipe_t pipe{};  // set up as the stream layer sets up an IPC pipe
  pipe.type = UV_NAMED_PIPE;
  pipe.ipc = 1;
  pipe.accepted_fd = -1;
  pipe.queued_fds = nullptr;
  pipe.io_watcher.fd = sock;
  auto* stream = reinterpret_cast<uv_stream_t*>(&pipe);
  char c;
  while (read_all(cmd, &c, 1)) {
    int value = -1;
    if (c == 'i') {
      if (::ioctl(sock, SIOCINQ, &value) != 0) value = -errno;
    } else if (c == 'r') {
      char byte;
      int cmsg_error = 0;
      bool got = fdpass::recv_with_fds(stream, &byte, 1, &cmsg_error) == 1 && cmsg_error == 0;
      value = got ? fdpass::take_pending(stream) : -1;
    } else {
      break;
    }
    if (!write_all(ans, &value, sizeof value)) break;
  }
  ::_exit(0);
}

struct Run {
  pid_t child;
  int cmd, ans;
  int sock;           // the sender's end
  int child_sock;     // its number in the child
  int pipe_r = -1, pipe_w = -1, received = -1;
  std::string pipe_target;
  std::ostringstream moments;
  bool first = true;

  int ask(char c) {
    int v = -1;
    if (!write_all(cmd, &c, 1) || !read_all(ans, &v, sizeof v)) return -1;
    return v;
  }

  void observe(const char* name, const char* what) {
    std::vector<Entry> sender = table(::getpid(), {sock, pipe_r, pipe_w});
    std::vector<Entry> recv = table(child, {child_sock, received});
    int inq = ask('i');
    char c;
    ssize_t n = ::read(pipe_r, &c, 1);
    const char* writer = n < 0 && errno == EAGAIN ? "yes" : n == 0 ? "no" : "?";
    moments << (first ? "\n  " : ",\n  ") << "{\"moment\": " << json(name) << ", \"what\": " << json(what)
            << ",\n   \"sender\": " << json(sender, pipe_target)
            << ",\n   \"receiver\": " << json(recv, pipe_target)
            << ",\n   \"receiver_queue_bytes\": " << inq << ", \"pipe_has_writer\": " << json(writer)
            << "}";
    first = false;
  }
};

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT.json\n", argv[0]);
    return 2;
  }
  int sv[2], c2p[2], p2c[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0 || ::pipe2(c2p, O_CLOEXEC) != 0 ||
      ::pipe2(p2c, O_CLOEXEC) != 0) {
    std::perror("inflight_probe: setup");
    return 1;
  }
  pid_t child = ::fork();
  if (child < 0) {
    std::perror("inflight_probe: fork");
    return 1;
  }
  if (child == 0) {
    ::close(sv[0]);
    ::close(p2c[1]);
    ::close(c2p[0]);
    receiver(sv[1], p2c[0], c2p[1]);
  }
  ::close(p2c[0]);
  ::close(c2p[1]);

  Run run;
  run.child = child;
  run.cmd = p2c[1];
  run.ans = c2p[0];
  run.sock = sv[0];
  run.child_sock = sv[1];
  ::close(sv[1]);

  int pfd[2];
  if (::pipe2(pfd, O_CLOEXEC) != 0 || ::fcntl(pfd[0], F_SETFL, O_NONBLOCK) != 0) {
    std::perror("inflight_probe: pipe2");
    return 1;
  }
  run.pipe_r = pfd[0];
  run.pipe_w = pfd[1];
  run.pipe_target = readlink_str("/proc/self/fd/" + std::to_string(pfd[1]));

  int status = 0;
  run.observe("before sendmsg", "the sender holds the pipe's write end");
  char byte = 'x';
  struct iovec iov = {&byte, 1};
  bool ok = fdpass::send_with_fd(run.sock, &iov, 1, run.pipe_w) == 1;
  if (ok) run.observe("after sendmsg", "sendmsg() returned 1: one byte and the descriptor are queued");
  ::close(run.pipe_w);
  if (ok) run.observe("after the sender's close", "close() of the sender's write end");
  if (ok) {
    run.received = run.ask('r');
    ok = run.received >= 0;
  }
  if (ok) run.observe("after recvmsg", "recv_with_fds() + take_pending() in the receiver");
  run.ask('q');
  ::waitpid(child, &status, 0);
  if (!ok) {
    std::fprintf(stderr, "inflight_probe: passing the descriptor failed\n");
    return 1;
  }

  std::ofstream out(argv[1]);
  out << "{\"moments\": [" << run.moments.str() << "\n]}\n";
  return out ? 0 : 1;
}
