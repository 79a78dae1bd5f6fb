/**
 * @file trace_decode.cpp
 * @brief The trace's decoders: one per system call of the seam, "pipe2([4, 5], O_CLOEXEC)".
 *
 * A decoder gets the call's arguments as words (seam.h) and its result, after
 * the call: output arguments (the two descriptors of pipe2, the descriptors
 * recvmsg received) are shown only when the call succeeded. Flags are named as
 * strace names them. Everything here is async-signal-safe: plain reads of the
 * caller's memory, formatting into a stack buffer (trace_line.h).
 *
 * The switch below has no default: with -Wall a new Call enumerator without a
 * decoder is a compile warning (an error in this project's presets), and
 * decode() returns false for it, which the unit test "trace: every call of
 * the seam has a decoder" catches in any build.
 *
 * Page: \docpage{watching}
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <grp.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>

#include <cstring>
#include <ctime>

#include "sys/trace.h"

namespace uvref::sys::trace {

namespace {

#define UVREF_FLAG(name) \
  Flag { static_cast<unsigned long>(name), #name }

constexpr Flag kOpenFlags[] = {UVREF_FLAG(O_CREAT),
                               UVREF_FLAG(O_EXCL),      UVREF_FLAG(O_NOCTTY),   UVREF_FLAG(O_TRUNC),
                               UVREF_FLAG(O_APPEND),    UVREF_FLAG(O_NONBLOCK), UVREF_FLAG(O_DSYNC),
                               UVREF_FLAG(O_DIRECTORY), UVREF_FLAG(O_NOFOLLOW), UVREF_FLAG(O_CLOEXEC),
                               UVREF_FLAG(O_DIRECT),    UVREF_FLAG(O_NOATIME),  UVREF_FLAG(O_PATH)};
constexpr Flag kPipeFlags[] = {UVREF_FLAG(O_NONBLOCK), UVREF_FLAG(O_CLOEXEC), UVREF_FLAG(O_DIRECT)};
constexpr Flag kEventfdFlags[] = {UVREF_FLAG(EFD_SEMAPHORE), UVREF_FLAG(EFD_NONBLOCK),
                                  UVREF_FLAG(EFD_CLOEXEC)};
constexpr Flag kEpollCreateFlags[] = {UVREF_FLAG(EPOLL_CLOEXEC)};
constexpr Flag kEpollOps[] = {UVREF_FLAG(EPOLL_CTL_ADD), UVREF_FLAG(EPOLL_CTL_MOD),
                              UVREF_FLAG(EPOLL_CTL_DEL)};
constexpr Flag kEpollEvents[] = {UVREF_FLAG(EPOLLIN),  UVREF_FLAG(EPOLLPRI),   UVREF_FLAG(EPOLLOUT),
                                 UVREF_FLAG(EPOLLERR), UVREF_FLAG(EPOLLHUP),   UVREF_FLAG(EPOLLRDHUP),
                                 UVREF_FLAG(EPOLLET),  UVREF_FLAG(EPOLLONESHOT)};
constexpr Flag kFcntlCmds[] = {UVREF_FLAG(F_DUPFD), UVREF_FLAG(F_GETFD), UVREF_FLAG(F_SETFD),
                               UVREF_FLAG(F_GETFL), UVREF_FLAG(F_SETFL), UVREF_FLAG(F_DUPFD_CLOEXEC)};
constexpr Flag kFdFlags[] = {UVREF_FLAG(FD_CLOEXEC)};
constexpr Flag kDomains[] = {UVREF_FLAG(AF_UNIX), UVREF_FLAG(AF_INET), UVREF_FLAG(AF_INET6)};
constexpr Flag kSockTypes[] = {UVREF_FLAG(SOCK_STREAM), UVREF_FLAG(SOCK_DGRAM),
                               UVREF_FLAG(SOCK_SEQPACKET), UVREF_FLAG(SOCK_RAW)};
constexpr Flag kSockFlags[] = {UVREF_FLAG(SOCK_NONBLOCK), UVREF_FLAG(SOCK_CLOEXEC)};
constexpr Flag kMsgFlags[] = {UVREF_FLAG(MSG_PEEK),     UVREF_FLAG(MSG_CTRUNC),   UVREF_FLAG(MSG_TRUNC),
                              UVREF_FLAG(MSG_DONTWAIT), UVREF_FLAG(MSG_WAITALL),  UVREF_FLAG(MSG_NOSIGNAL),
                              UVREF_FLAG(MSG_CMSG_CLOEXEC)};
constexpr Flag kShutdownHow[] = {UVREF_FLAG(SHUT_RD), UVREF_FLAG(SHUT_WR), UVREF_FLAG(SHUT_RDWR)};
constexpr Flag kSockLevels[] = {UVREF_FLAG(SOL_SOCKET), UVREF_FLAG(IPPROTO_TCP),
                                UVREF_FLAG(IPPROTO_IPV6)};
constexpr Flag kSocketOptions[] = {UVREF_FLAG(SO_REUSEADDR), UVREF_FLAG(SO_TYPE),   UVREF_FLAG(SO_ERROR),
                                   UVREF_FLAG(SO_SNDBUF),    UVREF_FLAG(SO_RCVBUF), UVREF_FLAG(SO_KEEPALIVE),
                                   UVREF_FLAG(SO_LINGER)};
constexpr Flag kTcpOptions[] = {UVREF_FLAG(TCP_NODELAY), UVREF_FLAG(TCP_KEEPIDLE),
                                UVREF_FLAG(TCP_KEEPINTVL), UVREF_FLAG(TCP_KEEPCNT)};
constexpr Flag kIpv6Options[] = {UVREF_FLAG(IPV6_V6ONLY)};
constexpr Flag kWaitOptions[] = {UVREF_FLAG(WNOHANG), UVREF_FLAG(WUNTRACED), UVREF_FLAG(WCONTINUED)};
constexpr Flag kSigHow[] = {UVREF_FLAG(SIG_BLOCK), UVREF_FLAG(SIG_UNBLOCK), UVREF_FLAG(SIG_SETMASK)};
constexpr Flag kSaFlags[] = {UVREF_FLAG(SA_NOCLDSTOP), UVREF_FLAG(SA_SIGINFO), UVREF_FLAG(SA_ONSTACK),
                             UVREF_FLAG(SA_RESTART),   UVREF_FLAG(SA_NODEFER), UVREF_FLAG(SA_RESETHAND)};
constexpr Flag kIoctls[] = {UVREF_FLAG(TIOCGETD), UVREF_FLAG(FIONBIO), UVREF_FLAG(FIONREAD),
                            UVREF_FLAG(TIOCGWINSZ)};
constexpr Flag kAtFlags[] = {UVREF_FLAG(AT_EMPTY_PATH), UVREF_FLAG(AT_SYMLINK_NOFOLLOW),
                             UVREF_FLAG(AT_NO_AUTOMOUNT)};
constexpr Flag kTcsetWhen[] = {UVREF_FLAG(TCSANOW), UVREF_FLAG(TCSADRAIN), UVREF_FLAG(TCSAFLUSH)};

#undef UVREF_FLAG

template <std::size_t N>
void flags(Text& t, std::uintptr_t v, const Flag (&table)[N]) noexcept {
  t.flags(static_cast<unsigned long>(v), table, N);
}
template <std::size_t N>
void choice(Text& t, std::uintptr_t v, const Flag (&table)[N]) noexcept {
  t.choice(static_cast<long>(static_cast<int>(v)), table, N);
}

int as_int(std::uintptr_t v) noexcept { return static_cast<int>(v); }
template <typename T>
T* as_ptr(std::uintptr_t v) noexcept {
  return reinterpret_cast<T*>(v);
}

void sep(Text& t) noexcept { t.put(", "); }
void fd(Text& t, std::uintptr_t v) noexcept { t.num(as_int(v)); }

/** "[4, 5]" once the call filled them, "[?, ?]" when it failed. */
void fd_pair(Text& t, std::uintptr_t v, long result) noexcept {
  const int* fds = as_ptr<const int>(v);
  t.put('[');
  if (result >= 0 && fds != nullptr) {
    t.num(fds[0]);
    t.put(", ");
    t.num(fds[1]);
  } else {
    t.put("?, ?");
  }
  t.put(']');
}

void bytes(Text& t, unsigned long n) noexcept {
  t.unum(n);
  t.put(n == 1 ? " byte" : " bytes");
}

void signal_name(Text& t, int sig) noexcept {
  const char* abbrev = sigabbrev_np(sig);
  if (abbrev == nullptr) return t.num(sig);
  t.put("SIG");
  t.put(abbrev);
}

void sockaddr_text(Text& t, const struct sockaddr* sa, long len) noexcept {
  if (sa == nullptr) return t.put("NULL");
  if (len < static_cast<long>(sizeof(sa_family_t))) return t.put("{}");
  if (sa->sa_family == AF_UNIX) {
    auto* un = reinterpret_cast<const struct sockaddr_un*>(sa);
    t.put("{AF_UNIX, ");
    long path_len = len - static_cast<long>(offsetof(struct sockaddr_un, sun_path));
    if (path_len <= 0) {
      t.put("unnamed");
    } else if (un->sun_path[0] == '\0') {
      t.put("@abstract");
    } else {
      char path[sizeof un->sun_path + 1];
      std::size_t n = static_cast<std::size_t>(path_len) < sizeof un->sun_path ? path_len : sizeof un->sun_path;
      std::memcpy(path, un->sun_path, n);
      path[n] = '\0';
      t.quoted(path, sizeof path);
    }
    return t.put('}');
  }
  if (sa->sa_family == AF_INET) {
    auto* in = reinterpret_cast<const struct sockaddr_in*>(sa);
    auto* b = reinterpret_cast<const unsigned char*>(&in->sin_addr);
    t.put("{AF_INET, ");
    for (int i = 0; i < 4; ++i) {
      if (i) t.put('.');
      t.unum(b[i]);
    }
    t.put(':');
    t.unum(ntohs(in->sin_port));
    return t.put('}');
  }
  if (sa->sa_family == AF_INET6) {
    auto* in6 = reinterpret_cast<const struct sockaddr_in6*>(sa);
    t.put("{AF_INET6, [");
    for (int i = 0; i < 8; ++i) {
      if (i) t.put(':');
      t.hex((in6->sin6_addr.s6_addr[2 * i] << 8) | in6->sin6_addr.s6_addr[2 * i + 1], false);
    }
    t.put("]:");
    t.unum(ntohs(in6->sin6_port));
    return t.put('}');
  }
  t.put("{family ");
  t.num(sa->sa_family);
  t.put('}');
}

/** "{3 bytes, SCM_RIGHTS[12, 13]}": the data length and the descriptors in the control data. */
void msghdr_text(Text& t, const struct msghdr* m, bool show_fds) noexcept {
  if (m == nullptr) return t.put("NULL");
  unsigned long total = 0;
  for (std::size_t i = 0; i < m->msg_iovlen; ++i) total += m->msg_iov[i].iov_len;
  t.put('{');
  bytes(t, total);
  if (m->msg_control == nullptr || m->msg_controllen == 0) return t.put('}');
  if (!show_fds) {
    t.put(", control ");
    bytes(t, m->msg_controllen);
    return t.put('}');
  }
  for (const struct cmsghdr* c = CMSG_FIRSTHDR(m); c != nullptr;
       c = CMSG_NXTHDR(const_cast<struct msghdr*>(m), const_cast<struct cmsghdr*>(c))) {
    if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
      t.put(", SCM_RIGHTS[");
      std::size_t n = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      const unsigned char* data = CMSG_DATA(c);
      for (std::size_t i = 0; i < n; ++i) {
        int one;
        std::memcpy(&one, data + i * sizeof(int), sizeof one);
        if (i) t.put(", ");
        t.num(one);
      }
      t.put(']');
    } else {
      t.put(", cmsg level ");
      t.num(c->cmsg_level);
      t.put(" type ");
      t.num(c->cmsg_type);
    }
  }
  t.put('}');
}

void iov_text(Text& t, const struct iovec* iov, int count) noexcept {
  unsigned long total = 0;
  for (int i = 0; i < count; ++i) total += iov[i].iov_len;
  t.put('[');
  t.num(count);
  t.put(count == 1 ? " buffer, " : " buffers, ");
  bytes(t, total);
  t.put(']');
}

void sockopt_name(Text& t, int level, int name) noexcept {
  if (level == SOL_SOCKET) return choice(t, static_cast<std::uintptr_t>(name), kSocketOptions);
  if (level == IPPROTO_TCP) return choice(t, static_cast<std::uintptr_t>(name), kTcpOptions);
  if (level == IPPROTO_IPV6) return choice(t, static_cast<std::uintptr_t>(name), kIpv6Options);
  t.num(name);
}

/** An int option's value, "[1]"; other sizes as a length. */
void sockopt_value(Text& t, const void* val, unsigned long len) noexcept {
  if (val != nullptr && len == sizeof(int)) {
    int v;
    std::memcpy(&v, val, sizeof v);
    t.put('[');
    t.num(v);
    t.put(']');
  } else {
    t.put('{');
    bytes(t, len);
    t.put('}');
  }
}

void sigset_text(Text& t, const sigset_t* set) noexcept {
  if (set == nullptr) return t.put("NULL");
  int members = 0;
  for (int s = 1; s < NSIG; ++s) members += sigismember(set, s) == 1;
  if (members == 0) return t.put("[]");
  if (members >= NSIG - 1 - 2) return t.put("~[]");  // every signal the kernel lets us block
  t.put('[');
  bool first = true;
  for (int s = 1; s < NSIG; ++s) {
    if (sigismember(set, s) != 1) continue;
    if (!first) t.put(' ');
    signal_name(t, s);
    first = false;
  }
  t.put(']');
}

void wait_status(Text& t, const int* status, long result) noexcept {
  if (status == nullptr) return t.put("NULL");
  if (result <= 0) return t.put("[?]");
  int s = *status;
  if (WIFEXITED(s)) {
    t.put("[exited ");
    t.num(WEXITSTATUS(s));
  } else if (WIFSIGNALED(s)) {
    t.put("[killed by ");
    signal_name(t, WTERMSIG(s));
  } else {
    t.put("[status ");
    t.hex(static_cast<unsigned>(s));
  }
  t.put(']');
}

/** "AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0": the type is a value, its high bits flags. */
void socket_args(Text& t, const std::uintptr_t* a) noexcept {
  choice(t, a[0], kDomains);
  sep(t);
  choice(t, a[1] & 0xf, kSockTypes);
  if (a[1] & ~std::uintptr_t{0xf}) {
    t.put('|');
    flags(t, a[1] & ~std::uintptr_t{0xf}, kSockFlags);
  }
  sep(t);
  t.num(as_int(a[2]));
}

/** O_RDONLY, O_WRONLY or O_RDWR (not bits: a two-bit field), then the flags. */
void open_flags(Text& t, std::uintptr_t v) noexcept {
  int mode = as_int(v) & O_ACCMODE;
  t.put(mode == O_RDONLY ? "O_RDONLY" : mode == O_WRONLY ? "O_WRONLY" : mode == O_RDWR ? "O_RDWR" : "O_ACCMODE");
  std::uintptr_t rest = v & ~static_cast<std::uintptr_t>(O_ACCMODE);
  if (rest != 0) {
    t.put('|');
    flags(t, rest, kOpenFlags);
  }
}

/** The arguments of one call (and what to say after its result); false if the call has no case here. */
bool decode_args(Call c, const std::uintptr_t* a, long r, Text& t, Text& after) noexcept {
  switch (c) {
    case Call::close:
    case Call::dup:
    case Call::fstat:
      fd(t, a[0]);
      return true;
    case Call::pipe2:
      fd_pair(t, a[0], r);
      sep(t);
      flags(t, a[1], kPipeFlags);
      return true;
    case Call::eventfd:
      t.unum(static_cast<unsigned>(a[0]));
      sep(t);
      flags(t, a[1], kEventfdFlags);
      return true;
    case Call::fcntl: {
      int cmd = as_int(a[1]);
      fd(t, a[0]);
      sep(t);
      choice(t, a[1], kFcntlCmds);
      if (cmd == F_SETFL) {
        sep(t);
        open_flags(t, a[2]);
      } else if (cmd == F_SETFD) {
        sep(t);
        flags(t, a[2], kFdFlags);
      } else if (cmd == F_DUPFD || cmd == F_DUPFD_CLOEXEC) {
        sep(t);
        t.num(static_cast<long>(a[2]));
      }
      if (r >= 0 && cmd == F_GETFL) {
        after.put("(flags ");
        open_flags(after, static_cast<std::uintptr_t>(r));
        after.put(')');
      } else if (r >= 0 && cmd == F_GETFD) {
        after.put("(flags ");
        flags(after, static_cast<std::uintptr_t>(r), kFdFlags);
        after.put(')');
      }
      return true;
    }
    case Call::ioctl:
      fd(t, a[0]);
      sep(t);
      t.choice(static_cast<long>(a[1]), kIoctls, sizeof kIoctls / sizeof kIoctls[0]);
      if (r >= 0 && a[2] != 0 && a[1] == TIOCGWINSZ) {
        const auto* ws = as_ptr<const struct winsize>(a[2]);
        t.put(", {");
        t.unum(ws->ws_row);
        t.put(" rows, ");
        t.unum(ws->ws_col);
        t.put(" cols}");
      } else if (r >= 0 && a[2] != 0) {
        t.put(", [");
        t.num(*as_ptr<const int>(a[2]));
        t.put(']');
      }
      return true;
    case Call::dup2:
      fd(t, a[0]);
      sep(t);
      fd(t, a[1]);
      return true;
    case Call::stat:
    case Call::unlink:
    case Call::chdir:
      t.quoted(as_ptr<const char>(a[0]), 108);
      return true;
    case Call::open:
      t.quoted(as_ptr<const char>(a[0]), 108);
      sep(t);
      open_flags(t, a[1]);
      if (as_int(a[1]) & O_CREAT) {
        sep(t);
        t.octal(static_cast<unsigned>(a[2]));
      }
      return true;
    case Call::chmod:
      t.quoted(as_ptr<const char>(a[0]), 108);
      sep(t);
      t.octal(static_cast<unsigned>(a[1]));
      return true;
    case Call::readlink:
      t.quoted(as_ptr<const char>(a[0]), 108);
      sep(t);
      bytes(t, a[2]);
      return true;
    case Call::nanosleep: {
      const auto* ts = as_ptr<const struct timespec>(a[0]);
      if (ts != nullptr) {
        t.put('{');
        t.num(ts->tv_sec);
        t.put(" s, ");
        t.num(ts->tv_nsec);
        t.put(" ns}");
      }
      return true;
    }
    case Call::uname:
    case Call::sysinfo:
      t.put("...");
      return true;
    case Call::prctl:
      t.put("PR_SET_NAME, ");
      t.quoted(as_ptr<const char>(a[0]), 16);
      return true;
    case Call::read:
    case Call::write:
      fd(t, a[0]);
      sep(t);
      bytes(t, a[2]);
      return true;
    case Call::pread:
    case Call::pwrite:
      fd(t, a[0]);
      sep(t);
      bytes(t, a[2]);
      t.put(" at ");
      t.num(static_cast<long>(a[3]));
      return true;
    case Call::preadv:
    case Call::pwritev:
      fd(t, a[0]);
      sep(t);
      iov_text(t, as_ptr<const struct iovec>(a[1]), as_int(a[2]));
      t.put(" at ");
      t.num(static_cast<long>(a[3]));
      return true;
    case Call::statx:
      if (as_int(a[0]) == AT_FDCWD) {
        t.put("AT_FDCWD");
      } else {
        fd(t, a[0]);
      }
      sep(t);
      t.quoted(as_ptr<const char>(a[1]), 108);
      sep(t);
      flags(t, a[2], kAtFlags);
      return true;
    case Call::lstat:
      t.quoted(as_ptr<const char>(a[0]), 108);
      return true;
    case Call::dup3:
      fd(t, a[0]);
      sep(t);
      fd(t, a[1]);
      sep(t);
      open_flags(t, a[2]);
      return true;
    case Call::tcgetattr:
      fd(t, a[0]);
      return true;
    case Call::tcsetattr:
      fd(t, a[0]);
      sep(t);
      choice(t, a[1], kTcsetWhen);
      return true;
    case Call::ttyname:
      fd(t, a[0]);
      if (r >= 0) {
        sep(t);
        t.quoted(as_ptr<const char>(a[1]), 108);
      }
      return true;
    case Call::readv:
    case Call::writev:
      fd(t, a[0]);
      sep(t);
      iov_text(t, as_ptr<const struct iovec>(a[1]), as_int(a[2]));
      return true;
    case Call::socket:
      socket_args(t, a);
      return true;
    case Call::socketpair:
      socket_args(t, a);
      sep(t);
      fd_pair(t, a[3], r);
      return true;
    case Call::bind:
    case Call::connect:
      fd(t, a[0]);
      sep(t);
      sockaddr_text(t, as_ptr<const struct sockaddr>(a[1]), static_cast<long>(a[2]));
      return true;
    case Call::listen:
      fd(t, a[0]);
      sep(t);
      t.num(as_int(a[1]));
      return true;
    case Call::accept4:
      fd(t, a[0]);
      sep(t);
      if (a[1] == 0) {
        t.put("NULL");
      } else if (r >= 0) {
        sockaddr_text(t, as_ptr<const struct sockaddr>(a[1]), *as_ptr<const socklen_t>(a[2]));
      } else {
        t.put("...");
      }
      sep(t);
      flags(t, a[3], kSockFlags);
      return true;
    case Call::shutdown:
      fd(t, a[0]);
      sep(t);
      choice(t, a[1], kShutdownHow);
      return true;
    case Call::getsockname:
    case Call::getpeername:
      fd(t, a[0]);
      if (r >= 0) {
        sep(t);
        sockaddr_text(t, as_ptr<const struct sockaddr>(a[1]), *as_ptr<const socklen_t>(a[2]));
      }
      return true;
    case Call::getsockopt:
    case Call::setsockopt:
      fd(t, a[0]);
      sep(t);
      choice(t, a[1], kSockLevels);
      sep(t);
      sockopt_name(t, as_int(a[1]), as_int(a[2]));
      if (c == Call::setsockopt || r >= 0) {
        sep(t);
        unsigned long len = c == Call::setsockopt ? a[4] : *as_ptr<const socklen_t>(a[4]);
        sockopt_value(t, as_ptr<const void>(a[3]), len);
      }
      return true;
    case Call::sendmsg:
      fd(t, a[0]);
      sep(t);
      msghdr_text(t, as_ptr<const struct msghdr>(a[1]), true);
      sep(t);
      flags(t, a[2], kMsgFlags);
      return true;
    case Call::recvmsg: {
      const auto* m = as_ptr<const struct msghdr>(a[1]);
      fd(t, a[0]);
      sep(t);
      msghdr_text(t, m, r >= 0);  // before the call the control buffer holds nothing yet
      sep(t);
      flags(t, a[2], kMsgFlags);
      // The kernel's verdict on the message: cut short (no room for all of it)?
      if (r >= 0 && m != nullptr && (m->msg_flags & (MSG_CTRUNC | MSG_TRUNC)) != 0) {
        after.put("(msg_flags ");
        flags(after, static_cast<unsigned>(m->msg_flags & (MSG_CTRUNC | MSG_TRUNC)), kMsgFlags);
        after.put(')');
      }
      return true;
    }
    case Call::epoll_create1:
      flags(t, a[0], kEpollCreateFlags);
      return true;
    case Call::epoll_ctl: {
      fd(t, a[0]);
      sep(t);
      choice(t, a[1], kEpollOps);
      sep(t);
      fd(t, a[2]);
      const auto* ev = as_ptr<const struct epoll_event>(a[3]);
      if (ev != nullptr && as_int(a[1]) != EPOLL_CTL_DEL) {
        t.put(", {");
        flags(t, ev->events, kEpollEvents);
        t.put('}');
      }
      return true;
    }
    case Call::epoll_wait: {
      fd(t, a[0]);
      sep(t);
      const auto* events = as_ptr<const struct epoll_event>(a[1]);
      if (r > 0 && events != nullptr) {
        t.put('[');
        for (long i = 0; i < r; ++i) {
          if (i) t.put(", ");
          t.put("fd ");
          t.num(events[i].data.fd);
          t.put(' ');
          flags(t, events[i].events, kEpollEvents);
        }
        t.put(']');
      } else {
        t.put("[]");
      }
      sep(t);
      t.num(as_int(a[2]));
      sep(t);
      t.num(as_int(a[3]));
      return true;
    }
    case Call::fork:
    case Call::setsid:
      return true;
    case Call::waitpid:
      t.num(as_int(a[0]));
      sep(t);
      wait_status(t, as_ptr<const int>(a[1]), r);
      sep(t);
      flags(t, a[2], kWaitOptions);
      return true;
    case Call::kill:
      t.num(as_int(a[0]));
      sep(t);
      signal_name(t, as_int(a[1]));
      return true;
    case Call::execve: {
      t.quoted(as_ptr<const char>(a[0]), 108);
      auto* argv = as_ptr<char* const>(a[1]);
      t.put(", [");
      for (int i = 0; argv != nullptr && argv[i] != nullptr; ++i) {
        if (i == 4) {
          t.put(", ...");
          break;
        }
        if (i) t.put(", ");
        t.quoted(argv[i], 108);
      }
      t.put("], envp");
      return true;
    }
    case Call::setuid:
    case Call::setgid:
      t.unum(static_cast<unsigned>(a[0]));
      return true;
    case Call::setgroups:
      t.unum(a[0]);
      t.put(a[0] == 0 ? ", []" : ", [...]");
      return true;
    case Call::sigaction: {
      signal_name(t, as_int(a[0]));
      sep(t);
      const auto* sa = as_ptr<const struct sigaction>(a[1]);
      if (sa == nullptr) {
        t.put("NULL");
      } else {
        t.put('{');
        if (sa->sa_handler == SIG_DFL) {
          t.put("SIG_DFL");
        } else if (sa->sa_handler == SIG_IGN) {
          t.put("SIG_IGN");
        } else {
          t.put("handler");
        }
        t.put(", ");
        flags(t, static_cast<unsigned>(sa->sa_flags), kSaFlags);
        t.put('}');
      }
      return true;
    }
    case Call::sigprocmask:
      choice(t, a[0], kSigHow);
      sep(t);
      sigset_text(t, as_ptr<const sigset_t>(a[1]));
      return true;
    case Call::count_:
      break;
  }
  return false;
}

}  // namespace

bool decode(Call c, const std::uintptr_t* a, long r, Text& t, Text& after) noexcept {
  t.put(call_name(c));
  t.put('(');
  bool known = decode_args(c, a, r, t, after);
  t.put(')');
  return known;
}

}  // namespace uvref::sys::trace
