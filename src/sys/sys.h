/**
 * @file sys.h
 * @brief The syscall seam: every system call uvref makes, one thin inline wrapper each.
 *
 * Why a seam? Three reasons a reader will meet again and again:
 *  - One place to look: `grep sys::` lists every point where uvref enters the kernel.
 *  - Kernel style results: each wrapper returns the result, or `-errno` on
 *    failure (never -1 plus a global errno), which is also libuv's error
 *    convention on Unix. `if (r < 0) return r;` propagates a UV_E* code.
 *  - Testing: fault injection lets a test fail the Nth call with any errno or
 *    shorten a transfer, to drive EINTR retries, EAGAIN waits, the recvmsg
 *    MSG_CMSG_CLOEXEC fallback, EMFILE on accept... (see fault.h).
 *  - Watching: `UVREF_TRACE=1` prints one line per call, naming the unit
 *    that made it and what the result becomes (see trace.h).
 *
 * Every wrapper has the same shape, `seam::call<Call::name>(at, name, args...)`
 * with glibc's function of that name: it runs after one flag test (seam.h);
 * the trace's decoder reads the same arguments; `at` (a default argument) is
 * where the caller is. I/O calls pass a lambda that also takes a length
 * limit. A new wrapper needs a Call enumerator and its name (fault.h,
 * fault.cpp) and a decoder (trace_decode.cpp); the unit test "trace: every
 * call of the seam has a decoder" checks it.
 *
 * The wrappers do not retry on EINTR: whether a call may be restarted is the
 * caller's decision, so the retry loops stay visible in the units.
 * Compare muduo's `sockets::` namespace and libuv's `uv__` helpers.
 */
#pragma once

#include <fcntl.h>
#include <grp.h>
#include <pthread.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/uio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstddef>
#include <ctime>

#include "sys/seam.h"

namespace uvref::sys {

// --- descriptors -----------------------------------------------------------

inline int close(int fd, Site at = Site::current()) noexcept {
  return seam::call<Call::close>(at, ::close, fd);
}
inline int pipe2(int fds[2], int flags, Site at = Site::current()) noexcept {
  return seam::call<Call::pipe2>(at, ::pipe2, fds, flags);
}
inline int eventfd(unsigned int initval, int flags, Site at = Site::current()) noexcept {
  return seam::call<Call::eventfd>(at, ::eventfd, initval, flags);
}
inline int fcntl(int fd, int cmd, long arg = 0, Site at = Site::current()) noexcept {
  return seam::call<Call::fcntl>(at, ::fcntl, fd, cmd, arg);
}
inline int ioctl(int fd, unsigned long request, int* arg, Site at = Site::current()) noexcept {
  return seam::call<Call::ioctl>(at, ::ioctl, fd, request, arg);
}
inline int dup(int fd, Site at = Site::current()) noexcept {
  return seam::call<Call::dup>(at, ::dup, fd);
}
inline int dup2(int oldfd, int newfd, Site at = Site::current()) noexcept {
  return seam::call<Call::dup2>(at, ::dup2, oldfd, newfd);
}
inline int fstat(int fd, struct stat* st, Site at = Site::current()) noexcept {
  return seam::call<Call::fstat>(at, ::fstat, fd, st);
}
/** stat(2): a path's inode (uv_pipe_chmod reads the socket file's mode). */
inline int stat(const char* path, struct stat* st, Site at = Site::current()) noexcept {
  return seam::call<Call::stat>(at, ::stat, path, st);
}
inline int open(const char* path, int flags, mode_t mode = 0, Site at = Site::current()) noexcept {
  return seam::call<Call::open>(at, ::open, path, flags, mode);
}
inline int unlink(const char* path, Site at = Site::current()) noexcept {
  return seam::call<Call::unlink>(at, ::unlink, path);
}
inline int chmod(const char* path, mode_t mode, Site at = Site::current()) noexcept {
  return seam::call<Call::chmod>(at, ::chmod, path, mode);
}
/** readlink(2): the link's target, not NUL-terminated; returns its length (possibly truncated). */
inline ssize_t readlink(const char* path, char* buf, std::size_t len,
                        Site at = Site::current()) noexcept {
  return seam::call<Call::readlink>(at, ::readlink, path, buf, len);
}

// --- process and system ----------------------------------------------------

/** nanosleep(2): sleeps; on EINTR @p rem holds what is left. */
inline int nanosleep(const struct timespec* req, struct timespec* rem,
                     Site at = Site::current()) noexcept {
  return seam::call<Call::nanosleep>(at, ::nanosleep, req, rem);
}
/** uname(2): kernel name, release, version, machine. */
inline int uname(struct utsname* buf, Site at = Site::current()) noexcept {
  return seam::call<Call::uname>(at, ::uname, buf);
}
/** prctl(PR_SET_NAME): the thread's name in /proc/self/comm (16 bytes with the NUL). */
inline int prctl_set_name(const char* name, Site at = Site::current()) noexcept {
  auto set_name = [](const char* n) { return ::prctl(PR_SET_NAME, n, 0, 0, 0); };
  return seam::call<Call::prctl>(at, set_name, name);
}
/** sysinfo(2): uptime, load averages, memory. */
inline int sysinfo(struct sysinfo* info, Site at = Site::current()) noexcept {
  return seam::call<Call::sysinfo>(at, ::sysinfo, info);
}

// --- byte I/O: a fault may also shorten the transfer (to `max` bytes) ----------

inline ssize_t read(int fd, void* buf, std::size_t len, Site at = Site::current()) noexcept {
  auto clamped = [](int f, void* b, std::size_t n, std::size_t max) {
    return ::read(f, b, std::min(n, max));
  };
  return seam::call<Call::read>(at, clamped, fd, buf, len);
}
inline ssize_t write(int fd, const void* buf, std::size_t len, Site at = Site::current()) noexcept {
  auto clamped = [](int f, const void* b, std::size_t n, std::size_t max) {
    return ::write(f, b, std::min(n, max));
  };
  return seam::call<Call::write>(at, clamped, fd, buf, len);
}
/** readv(2); a length fault reads at most max bytes into the first buffer. */
inline ssize_t readv(int fd, const struct iovec* iov, int iovcnt,
                     Site at = Site::current()) noexcept {
  auto clamped = [](int f, const struct iovec* v, int n, std::size_t max) {
    if (max != std::size_t(-1)) return ::read(f, v[0].iov_base, std::min(v[0].iov_len, max));
    return ::readv(f, v, n);
  };
  return seam::call<Call::readv>(at, clamped, fd, iov, iovcnt);
}
/** writev(2); a length fault writes at most max bytes of the first buffer. */
inline ssize_t writev(int fd, const struct iovec* iov, int iovcnt,
                      Site at = Site::current()) noexcept {
  auto clamped = [](int f, const struct iovec* v, int n, std::size_t max) {
    if (max != std::size_t(-1)) return ::write(f, v[0].iov_base, std::min(v[0].iov_len, max));
    return ::writev(f, v, n);
  };
  return seam::call<Call::writev>(at, clamped, fd, iov, iovcnt);
}

// --- files and terminals (uv_fs_*, uv_tty_t) ----------------------------------------

/** pread(2): reads at @p off without moving the file position; a length fault clamps @p len. */
inline ssize_t pread(int fd, void* buf, std::size_t len, off_t off, Site at = Site::current()) noexcept {
  auto clamped = [](int f, void* b, std::size_t n, off_t o, std::size_t max) {
    return ::pread(f, b, std::min(n, max), o);
  };
  return seam::call<Call::pread>(at, clamped, fd, buf, len, off);
}
/** pwrite(2): writes at @p off without moving the file position; a length fault clamps @p len. */
inline ssize_t pwrite(int fd, const void* buf, std::size_t len, off_t off,
                      Site at = Site::current()) noexcept {
  auto clamped = [](int f, const void* b, std::size_t n, off_t o, std::size_t max) {
    return ::pwrite(f, b, std::min(n, max), o);
  };
  return seam::call<Call::pwrite>(at, clamped, fd, buf, len, off);
}
/** preadv(2); a length fault reads at most max bytes into the first buffer. */
inline ssize_t preadv(int fd, const struct iovec* iov, int iovcnt, off_t off,
                      Site at = Site::current()) noexcept {
  auto clamped = [](int f, const struct iovec* v, int n, off_t o, std::size_t max) {
    if (max != std::size_t(-1)) return ::pread(f, v[0].iov_base, std::min(v[0].iov_len, max), o);
    return ::preadv(f, v, n, o);
  };
  return seam::call<Call::preadv>(at, clamped, fd, iov, iovcnt, off);
}
/** pwritev(2); a length fault writes at most max bytes of the first buffer. */
inline ssize_t pwritev(int fd, const struct iovec* iov, int iovcnt, off_t off,
                       Site at = Site::current()) noexcept {
  auto clamped = [](int f, const struct iovec* v, int n, off_t o, std::size_t max) {
    if (max != std::size_t(-1)) return ::pwrite(f, v[0].iov_base, std::min(v[0].iov_len, max), o);
    return ::pwritev(f, v, n, o);
  };
  return seam::call<Call::pwritev>(at, clamped, fd, iov, iovcnt, off);
}
/** statx(2): an inode's attributes, by path, by descriptor (AT_EMPTY_PATH) or of a link itself. */
inline int statx(int dirfd, const char* path, int flags, unsigned int mask, struct statx* out,
                 Site at = Site::current()) noexcept {
  return seam::call<Call::statx>(at, ::statx, dirfd, path, flags, mask, out);
}
/** lstat(2): a path's inode, not following a final symbolic link (uv_fs_lstat's fallback). */
inline int lstat(const char* path, struct stat* st, Site at = Site::current()) noexcept {
  return seam::call<Call::lstat>(at, ::lstat, path, st);
}
/** dup3(2): like dup2, with O_CLOEXEC on the new descriptor; EINVAL when both are the same. */
inline int dup3(int oldfd, int newfd, int flags, Site at = Site::current()) noexcept {
  return seam::call<Call::dup3>(at, ::dup3, oldfd, newfd, flags);
}
/** tcgetattr(3): a terminal's modes (ioctl TCGETS underneath). */
inline int tcgetattr(int fd, struct termios* t, Site at = Site::current()) noexcept {
  return seam::call<Call::tcgetattr>(at, ::tcgetattr, fd, t);
}
/** tcsetattr(3): sets a terminal's modes (ioctl TCSETS, TCSETSW or TCSETSF underneath). */
inline int tcsetattr(int fd, int when, const struct termios* t, Site at = Site::current()) noexcept {
  return seam::call<Call::tcsetattr>(at, ::tcsetattr, fd, when, t);
}
/** ioctl(TIOCGWINSZ): a terminal's size in rows and columns. */
inline int get_winsize(int fd, struct winsize* ws, Site at = Site::current()) noexcept {
  auto winsize = [](int f, unsigned long req, struct winsize* w) { return ::ioctl(f, req, w); };
  return seam::call<Call::ioctl>(at, winsize, fd, static_cast<unsigned long>(TIOCGWINSZ), ws);
}
/** ttyname_r(3): the path of the terminal open on @p fd (readlink of /proc/self/fd/N underneath). */
inline int ttyname(int fd, char* buf, std::size_t len, Site at = Site::current()) noexcept {
  auto named = [](int f, char* b, std::size_t n) {
    int e = ::ttyname_r(f, b, n);  // returns the error number, not -1
    if (e != 0) errno = e;
    return e == 0 ? 0 : -1;
  };
  return seam::call<Call::ttyname>(at, named, fd, buf, len);
}

// --- sockets -------------------------------------------------------------------

inline int socket(int domain, int type, int protocol, Site at = Site::current()) noexcept {
  return seam::call<Call::socket>(at, ::socket, domain, type, protocol);
}
inline int socketpair(int domain, int type, int protocol, int sv[2],
                      Site at = Site::current()) noexcept {
  return seam::call<Call::socketpair>(at, ::socketpair, domain, type, protocol, sv);
}
inline int bind(int fd, const struct sockaddr* addr, socklen_t len,
                Site at = Site::current()) noexcept {
  return seam::call<Call::bind>(at, ::bind, fd, addr, len);
}
inline int listen(int fd, int backlog, Site at = Site::current()) noexcept {
  return seam::call<Call::listen>(at, ::listen, fd, backlog);
}
inline int accept4(int fd, struct sockaddr* addr, socklen_t* len, int flags,
                   Site at = Site::current()) noexcept {
  return seam::call<Call::accept4>(at, ::accept4, fd, addr, len, flags);
}
inline int connect(int fd, const struct sockaddr* addr, socklen_t len,
                   Site at = Site::current()) noexcept {
  return seam::call<Call::connect>(at, ::connect, fd, addr, len);
}
inline int shutdown(int fd, int how, Site at = Site::current()) noexcept {
  return seam::call<Call::shutdown>(at, ::shutdown, fd, how);
}
inline int getsockname(int fd, struct sockaddr* addr, socklen_t* len,
                       Site at = Site::current()) noexcept {
  return seam::call<Call::getsockname>(at, ::getsockname, fd, addr, len);
}
inline int getpeername(int fd, struct sockaddr* addr, socklen_t* len,
                       Site at = Site::current()) noexcept {
  return seam::call<Call::getpeername>(at, ::getpeername, fd, addr, len);
}
inline int getsockopt(int fd, int level, int name, void* val, socklen_t* len,
                      Site at = Site::current()) noexcept {
  return seam::call<Call::getsockopt>(at, ::getsockopt, fd, level, name, val, len);
}
inline int setsockopt(int fd, int level, int name, const void* val, socklen_t len,
                      Site at = Site::current()) noexcept {
  return seam::call<Call::setsockopt>(at, ::setsockopt, fd, level, name, val, len);
}
/** sendmsg(2); a length fault shortens the first iovec (the control data still travels). */
inline ssize_t sendmsg(int fd, const struct msghdr* msg, int flags,
                       Site at = Site::current()) noexcept {
  auto clamped = [](int f, const struct msghdr* m, int fl, std::size_t max) {
    if (max == std::size_t(-1) || m->msg_iovlen == 0) return ::sendmsg(f, m, fl);
    struct msghdr shorter = *m;
    struct iovec first = m->msg_iov[0];
    first.iov_len = std::min(first.iov_len, max);
    shorter.msg_iov = &first;
    shorter.msg_iovlen = 1;
    return ::sendmsg(f, &shorter, fl);
  };
  return seam::call<Call::sendmsg>(at, clamped, fd, msg, flags);
}
inline ssize_t recvmsg(int fd, struct msghdr* msg, int flags, Site at = Site::current()) noexcept {
  return seam::call<Call::recvmsg>(at, ::recvmsg, fd, msg, flags);
}

// --- epoll -----------------------------------------------------------------------

inline int epoll_create1(int flags, Site at = Site::current()) noexcept {
  return seam::call<Call::epoll_create1>(at, ::epoll_create1, flags);
}
inline int epoll_ctl(int epfd, int op, int fd, struct epoll_event* ev,
                     Site at = Site::current()) noexcept {
  return seam::call<Call::epoll_ctl>(at, ::epoll_ctl, epfd, op, fd, ev);
}
inline int epoll_wait(int epfd, struct epoll_event* events, int maxevents, int timeout,
                      Site at = Site::current()) noexcept {
  return seam::call<Call::epoll_wait>(at, ::epoll_wait, epfd, events, maxevents, timeout);
}

// --- processes ---------------------------------------------------------------------

inline pid_t fork(Site at = Site::current()) noexcept {
  return seam::call<Call::fork>(at, ::fork);
}
inline pid_t waitpid(pid_t pid, int* status, int options, Site at = Site::current()) noexcept {
  return seam::call<Call::waitpid>(at, ::waitpid, pid, status, options);
}
inline int kill(pid_t pid, int sig, Site at = Site::current()) noexcept {
  return seam::call<Call::kill>(at, ::kill, pid, sig);
}
inline int setsid(Site at = Site::current()) noexcept {
  return static_cast<int>(seam::call<Call::setsid>(at, ::setsid));
}
inline int chdir(const char* path, Site at = Site::current()) noexcept {
  return seam::call<Call::chdir>(at, ::chdir, path);
}
/** execve(2): returns only on failure (-errno). */
inline int execve(const char* path, char* const argv[], char* const envp[],
                  Site at = Site::current()) noexcept {
  return seam::call<Call::execve>(at, ::execve, path, argv, envp);
}
inline int setuid(uid_t uid, Site at = Site::current()) noexcept {
  return seam::call<Call::setuid>(at, ::setuid, uid);
}
inline int setgid(gid_t gid, Site at = Site::current()) noexcept {
  return seam::call<Call::setgid>(at, ::setgid, gid);
}
/** setgroups(2): replaces the supplementary group list (needs CAP_SETGID). */
inline int setgroups(std::size_t n, const gid_t* groups, Site at = Site::current()) noexcept {
  return seam::call<Call::setgroups>(at, ::setgroups, n, groups);
}
/**
 * Ends the process at once: the exit_group system call, as _exit(2), but
 * issued raw. A forked child must not run the parent's atexit handlers or
 * flush its stdio buffers (that would print the parent's pending output a
 * second time); _exit() promises that, yet ThreadSanitizer intercepts
 * _exit() and its finalisation flushes stdout, so the raw call it is.
 */
[[noreturn]] inline void exit_group(int status) noexcept {
  ::syscall(SYS_exit_group, status);
  __builtin_unreachable();
}
/** getpid(2) cannot fail, so there is no fault to inject. */
inline pid_t getpid() noexcept {
  return ::getpid();
}

// --- signals -------------------------------------------------------------------------

inline int sigaction(int signum, const struct sigaction* act, struct sigaction* old,
                     Site at = Site::current()) noexcept {
  return seam::call<Call::sigaction>(at, ::sigaction, signum, act, old);
}
/** pthread_sigmask(3): the calling thread's signal mask (rt_sigprocmask underneath). */
inline int thread_sigmask(int how, const sigset_t* set, sigset_t* old,
                          Site at = Site::current()) noexcept {
  auto as_syscall = [](int h, const sigset_t* s, sigset_t* o) {
    int r = ::pthread_sigmask(h, s, o);  // returns the error number, not -1...
    if (r != 0) errno = r;               // ...made to look like the other calls
    return r == 0 ? 0 : -1;
  };
  return seam::call<Call::sigprocmask>(at, as_syscall, how, set, old);
}

// --- small helpers built on the wrappers ------------------------------------------

/** Sets or clears O_NONBLOCK (libuv: src/unix/core.c uv__nonblock_fcntl). */
inline int set_nonblock(int fd, bool on, Site at = Site::current()) noexcept {
  int flags = fcntl(fd, F_GETFL, 0, at);
  if (flags < 0) return flags;
  int wanted = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
  if (wanted == flags) return 0;  // already so: save a syscall, as libuv does
  int r = fcntl(fd, F_SETFL, wanted, at);
  return r < 0 ? r : 0;
}

/** Sets or clears FD_CLOEXEC (libuv: src/unix/core.c uv__cloexec). */
inline int set_cloexec(int fd, bool on, Site at = Site::current()) noexcept {
  int flags = fcntl(fd, F_GETFD, 0, at);
  if (flags < 0) return flags;
  int wanted = on ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC);
  if (wanted == flags) return 0;
  int r = fcntl(fd, F_SETFD, wanted, at);
  return r < 0 ? r : 0;
}

/**
 * Closes a descriptor, treating EINTR as "closed". On Linux the descriptor is
 * released even when close() is interrupted, so retrying could close a
 * descriptor another thread just opened. libuv: src/unix/core.c uv__close_nocheckstdio
 */
inline int close_fd(int fd, Site at = Site::current()) noexcept {
  int r = close(fd, at);
  return (r == -EINTR || r == -EINPROGRESS) ? 0 : r;
}

}  // namespace uvref::sys
