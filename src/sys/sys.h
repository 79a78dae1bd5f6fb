/**
 * @file sys.h
 * @brief The syscall seam: every system call uvref makes, one thin inline wrapper each.
 *
 * Why a seam? Three reasons a reader will meet again and again:
 *  - One place to look: `grep sys::` lists every point where uvref enters the kernel.
 *  - Kernel style results: each wrapper returns the result, or `-errno` on
 *    failure (never -1 plus a global errno), which is also libuv's error
 *    convention on Unix. `if (r < 0) return r;` propagates a UV_E* code.
 *  - Testing: fault::check() lets a test fail the Nth call with any errno or
 *    shorten a transfer, to drive EINTR retries, EAGAIN waits, the recvmsg
 *    MSG_CMSG_CLOEXEC fallback, EMFILE on accept... (see fault.h).
 *
 * The wrappers do not retry on EINTR: whether a call may be restarted is the
 * caller's decision, so the retry loops stay visible in the units.
 * Compare muduo's `sockets::` namespace and libuv's `uv__` helpers.
 */
#pragma once

#include <fcntl.h>
#include <grp.h>
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

#include <ctime>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <pthread.h>
#include <cstddef>

#include "sys/fault.h"

namespace uvref::sys {

namespace detail {
/** Converts a libc return value into "result or -errno". */
template <typename T>
inline T result(T r) noexcept {
  return r < 0 ? static_cast<T>(-errno) : r;
}
}  // namespace detail

/** Fails the call early if a test armed a fault for it. */
#define UVREF_SYS_FAULT(name)                                          \
  fault::Decision fault_ = fault::check(Call::name);                   \
  if (fault_.error != 0) [[unlikely]] return -fault_.error

// --- descriptors -----------------------------------------------------------

inline int close(int fd) noexcept {
  UVREF_SYS_FAULT(close);
  return detail::result(::close(fd));
}
inline int pipe2(int fds[2], int flags) noexcept {
  UVREF_SYS_FAULT(pipe2);
  return detail::result(::pipe2(fds, flags));
}
inline int eventfd(unsigned int initval, int flags) noexcept {
  UVREF_SYS_FAULT(eventfd);
  return detail::result(::eventfd(initval, flags));
}
inline int fcntl(int fd, int cmd, long arg = 0) noexcept {
  UVREF_SYS_FAULT(fcntl);
  return detail::result(::fcntl(fd, cmd, arg));
}
inline int ioctl(int fd, unsigned long request, int* arg) noexcept {
  UVREF_SYS_FAULT(ioctl);
  return detail::result(::ioctl(fd, request, arg));
}
inline int dup(int fd) noexcept {
  UVREF_SYS_FAULT(dup);
  return detail::result(::dup(fd));
}
inline int dup2(int oldfd, int newfd) noexcept {
  UVREF_SYS_FAULT(dup2);
  return detail::result(::dup2(oldfd, newfd));
}
inline int fstat(int fd, struct stat* st) noexcept {
  UVREF_SYS_FAULT(fstat);
  return detail::result(::fstat(fd, st));
}
/** stat(2): a path's inode (uv_pipe_chmod reads the socket file's mode). */
inline int stat(const char* path, struct stat* st) noexcept {
  UVREF_SYS_FAULT(stat);
  return detail::result(::stat(path, st));
}
inline int open(const char* path, int flags, mode_t mode = 0) noexcept {
  UVREF_SYS_FAULT(open);
  return detail::result(::open(path, flags, mode));
}
inline int unlink(const char* path) noexcept {
  UVREF_SYS_FAULT(unlink);
  return detail::result(::unlink(path));
}
inline int chmod(const char* path, mode_t mode) noexcept {
  UVREF_SYS_FAULT(chmod);
  return detail::result(::chmod(path, mode));
}
/** readlink(2): the link's target, not NUL-terminated; returns its length (possibly truncated). */
inline ssize_t readlink(const char* path, char* buf, std::size_t len) noexcept {
  UVREF_SYS_FAULT(readlink);
  return detail::result(::readlink(path, buf, len));
}

// --- process and system ----------------------------------------------------

/** nanosleep(2): sleeps; on EINTR @p rem holds what is left. */
inline int nanosleep(const struct timespec* req, struct timespec* rem) noexcept {
  UVREF_SYS_FAULT(nanosleep);
  return detail::result(::nanosleep(req, rem));
}
/** uname(2): kernel name, release, version, machine. */
inline int uname(struct utsname* buf) noexcept {
  UVREF_SYS_FAULT(uname);
  return detail::result(::uname(buf));
}
/** prctl(PR_SET_NAME): the thread's name in /proc/self/comm (16 bytes with the NUL). */
inline int prctl_set_name(const char* name) noexcept {
  UVREF_SYS_FAULT(prctl);
  return detail::result(::prctl(PR_SET_NAME, name, 0, 0, 0));
}
/** sysinfo(2): uptime, load averages, memory. */
inline int sysinfo(struct sysinfo* info) noexcept {
  UVREF_SYS_FAULT(sysinfo);
  return detail::result(::sysinfo(info));
}

// --- byte I/O: a fault may also shorten the transfer -------------------------

inline ssize_t read(int fd, void* buf, std::size_t len) noexcept {
  UVREF_SYS_FAULT(read);
  return detail::result(::read(fd, buf, std::min(len, fault_.max_len)));
}
inline ssize_t write(int fd, const void* buf, std::size_t len) noexcept {
  UVREF_SYS_FAULT(write);
  return detail::result(::write(fd, buf, std::min(len, fault_.max_len)));
}
/** readv(2); a length fault reads at most max_len bytes into the first buffer. */
inline ssize_t readv(int fd, const struct iovec* iov, int iovcnt) noexcept {
  UVREF_SYS_FAULT(readv);
  if (fault_.max_len != std::size_t(-1)) {
    return detail::result(::read(fd, iov[0].iov_base, std::min(iov[0].iov_len, fault_.max_len)));
  }
  return detail::result(::readv(fd, iov, iovcnt));
}
/** writev(2); a length fault writes at most max_len bytes of the first buffer. */
inline ssize_t writev(int fd, const struct iovec* iov, int iovcnt) noexcept {
  UVREF_SYS_FAULT(writev);
  if (fault_.max_len != std::size_t(-1)) {
    return detail::result(::write(fd, iov[0].iov_base, std::min(iov[0].iov_len, fault_.max_len)));
  }
  return detail::result(::writev(fd, iov, iovcnt));
}

// --- files and terminals (uv_fs_*, uv_tty_t) ----------------------------------------

/** pread(2): reads at @p off without moving the file position; a length fault clamps @p len. */
inline ssize_t pread(int fd, void* buf, std::size_t len, off_t off) noexcept {
  UVREF_SYS_FAULT(pread);
  return detail::result(::pread(fd, buf, std::min(len, fault_.max_len), off));
}
/** pwrite(2): writes at @p off without moving the file position; a length fault clamps @p len. */
inline ssize_t pwrite(int fd, const void* buf, std::size_t len, off_t off) noexcept {
  UVREF_SYS_FAULT(pwrite);
  return detail::result(::pwrite(fd, buf, std::min(len, fault_.max_len), off));
}
/** preadv(2); a length fault reads at most max_len bytes into the first buffer. */
inline ssize_t preadv(int fd, const struct iovec* iov, int iovcnt, off_t off) noexcept {
  UVREF_SYS_FAULT(preadv);
  if (fault_.max_len != std::size_t(-1)) {
    return detail::result(::pread(fd, iov[0].iov_base, std::min(iov[0].iov_len, fault_.max_len), off));
  }
  return detail::result(::preadv(fd, iov, iovcnt, off));
}
/** pwritev(2); a length fault writes at most max_len bytes of the first buffer. */
inline ssize_t pwritev(int fd, const struct iovec* iov, int iovcnt, off_t off) noexcept {
  UVREF_SYS_FAULT(pwritev);
  if (fault_.max_len != std::size_t(-1)) {
    return detail::result(::pwrite(fd, iov[0].iov_base, std::min(iov[0].iov_len, fault_.max_len), off));
  }
  return detail::result(::pwritev(fd, iov, iovcnt, off));
}
/** statx(2): an inode's attributes, by path, by descriptor (AT_EMPTY_PATH) or of a link itself. */
inline int statx(int dirfd, const char* path, int flags, unsigned int mask, struct statx* out) noexcept {
  UVREF_SYS_FAULT(statx);
  return detail::result(::statx(dirfd, path, flags, mask, out));
}
/** lstat(2): a path's inode, not following a final symbolic link (uv_fs_lstat's fallback). */
inline int lstat(const char* path, struct stat* st) noexcept {
  UVREF_SYS_FAULT(lstat);
  return detail::result(::lstat(path, st));
}
/** dup3(2): like dup2, with O_CLOEXEC on the new descriptor; EINVAL when both are the same. */
inline int dup3(int oldfd, int newfd, int flags) noexcept {
  UVREF_SYS_FAULT(dup3);
  return detail::result(::dup3(oldfd, newfd, flags));
}
/** tcgetattr(3): a terminal's modes (ioctl TCGETS underneath). */
inline int tcgetattr(int fd, struct termios* t) noexcept {
  UVREF_SYS_FAULT(tcgetattr);
  return detail::result(::tcgetattr(fd, t));
}
/** tcsetattr(3): sets a terminal's modes (ioctl TCSETS, TCSETSW or TCSETSF underneath). */
inline int tcsetattr(int fd, int when, const struct termios* t) noexcept {
  UVREF_SYS_FAULT(tcsetattr);
  return detail::result(::tcsetattr(fd, when, t));
}
/** ioctl(TIOCGWINSZ): a terminal's size in rows and columns. */
inline int get_winsize(int fd, struct winsize* ws) noexcept {
  UVREF_SYS_FAULT(ioctl);
  return detail::result(::ioctl(fd, TIOCGWINSZ, ws));
}
/** ttyname_r(3): the path of the terminal open on @p fd (readlink of /proc/self/fd/N underneath). */
inline int ttyname(int fd, char* buf, std::size_t len) noexcept {
  UVREF_SYS_FAULT(ttyname);
  int r = ::ttyname_r(fd, buf, len);  // returns the error number, not -1
  return r == 0 ? 0 : -r;
}

// --- sockets -------------------------------------------------------------------

inline int socket(int domain, int type, int protocol) noexcept {
  UVREF_SYS_FAULT(socket);
  return detail::result(::socket(domain, type, protocol));
}
inline int socketpair(int domain, int type, int protocol, int sv[2]) noexcept {
  UVREF_SYS_FAULT(socketpair);
  return detail::result(::socketpair(domain, type, protocol, sv));
}
inline int bind(int fd, const struct sockaddr* addr, socklen_t len) noexcept {
  UVREF_SYS_FAULT(bind);
  return detail::result(::bind(fd, addr, len));
}
inline int listen(int fd, int backlog) noexcept {
  UVREF_SYS_FAULT(listen);
  return detail::result(::listen(fd, backlog));
}
inline int accept4(int fd, struct sockaddr* addr, socklen_t* len, int flags) noexcept {
  UVREF_SYS_FAULT(accept4);
  return detail::result(::accept4(fd, addr, len, flags));
}
inline int connect(int fd, const struct sockaddr* addr, socklen_t len) noexcept {
  UVREF_SYS_FAULT(connect);
  return detail::result(::connect(fd, addr, len));
}
inline int shutdown(int fd, int how) noexcept {
  UVREF_SYS_FAULT(shutdown);
  return detail::result(::shutdown(fd, how));
}
inline int getsockname(int fd, struct sockaddr* addr, socklen_t* len) noexcept {
  UVREF_SYS_FAULT(getsockname);
  return detail::result(::getsockname(fd, addr, len));
}
inline int getpeername(int fd, struct sockaddr* addr, socklen_t* len) noexcept {
  UVREF_SYS_FAULT(getpeername);
  return detail::result(::getpeername(fd, addr, len));
}
inline int getsockopt(int fd, int level, int name, void* val, socklen_t* len) noexcept {
  UVREF_SYS_FAULT(getsockopt);
  return detail::result(::getsockopt(fd, level, name, val, len));
}
inline int setsockopt(int fd, int level, int name, const void* val, socklen_t len) noexcept {
  UVREF_SYS_FAULT(setsockopt);
  return detail::result(::setsockopt(fd, level, name, val, len));
}
/** sendmsg(2); a length fault shortens the first iovec (the control data still travels). */
inline ssize_t sendmsg(int fd, const struct msghdr* msg, int flags) noexcept {
  UVREF_SYS_FAULT(sendmsg);
  if (fault_.max_len != std::size_t(-1) && msg->msg_iovlen > 0) {
    struct msghdr shorter = *msg;
    struct iovec first = msg->msg_iov[0];
    first.iov_len = std::min(first.iov_len, fault_.max_len);
    shorter.msg_iov = &first;
    shorter.msg_iovlen = 1;
    return detail::result(::sendmsg(fd, &shorter, flags));
  }
  return detail::result(::sendmsg(fd, msg, flags));
}
inline ssize_t recvmsg(int fd, struct msghdr* msg, int flags) noexcept {
  UVREF_SYS_FAULT(recvmsg);
  return detail::result(::recvmsg(fd, msg, flags));
}

// --- epoll -----------------------------------------------------------------------

inline int epoll_create1(int flags) noexcept {
  UVREF_SYS_FAULT(epoll_create1);
  return detail::result(::epoll_create1(flags));
}
inline int epoll_ctl(int epfd, int op, int fd, struct epoll_event* ev) noexcept {
  UVREF_SYS_FAULT(epoll_ctl);
  return detail::result(::epoll_ctl(epfd, op, fd, ev));
}
inline int epoll_wait(int epfd, struct epoll_event* events, int maxevents, int timeout) noexcept {
  UVREF_SYS_FAULT(epoll_wait);
  return detail::result(::epoll_wait(epfd, events, maxevents, timeout));
}

// --- processes ---------------------------------------------------------------------

inline pid_t fork() noexcept {
  UVREF_SYS_FAULT(fork);
  return detail::result(::fork());
}
inline pid_t waitpid(pid_t pid, int* status, int options) noexcept {
  UVREF_SYS_FAULT(waitpid);
  return detail::result(::waitpid(pid, status, options));
}
inline int kill(pid_t pid, int sig) noexcept {
  UVREF_SYS_FAULT(kill);
  return detail::result(::kill(pid, sig));
}
inline int setsid() noexcept {
  UVREF_SYS_FAULT(setsid);
  return detail::result(static_cast<int>(::setsid()));
}
inline int chdir(const char* path) noexcept {
  UVREF_SYS_FAULT(chdir);
  return detail::result(::chdir(path));
}
/** execve(2): returns only on failure (-errno). */
inline int execve(const char* path, char* const argv[], char* const envp[]) noexcept {
  UVREF_SYS_FAULT(execve);
  return detail::result(::execve(path, argv, envp));
}
inline int setuid(uid_t uid) noexcept {
  UVREF_SYS_FAULT(setuid);
  return detail::result(::setuid(uid));
}
inline int setgid(gid_t gid) noexcept {
  UVREF_SYS_FAULT(setgid);
  return detail::result(::setgid(gid));
}
/** setgroups(2): replaces the supplementary group list (needs CAP_SETGID). */
inline int setgroups(std::size_t n, const gid_t* groups) noexcept {
  UVREF_SYS_FAULT(setgroups);
  return detail::result(::setgroups(n, groups));
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
inline pid_t getpid() noexcept { return ::getpid(); }

// --- signals -------------------------------------------------------------------------

inline int sigaction(int signum, const struct sigaction* act, struct sigaction* old) noexcept {
  UVREF_SYS_FAULT(sigaction);
  return detail::result(::sigaction(signum, act, old));
}
/** pthread_sigmask(3): the calling thread's signal mask (rt_sigprocmask underneath). */
inline int thread_sigmask(int how, const sigset_t* set, sigset_t* old) noexcept {
  UVREF_SYS_FAULT(sigprocmask);
  int r = ::pthread_sigmask(how, set, old);  // returns the error number, not -1
  return r == 0 ? 0 : -r;
}

#undef UVREF_SYS_FAULT

// --- small helpers built on the wrappers ------------------------------------------

/** Sets or clears O_NONBLOCK (libuv: src/unix/core.c uv__nonblock_fcntl). */
inline int set_nonblock(int fd, bool on) noexcept {
  int flags = fcntl(fd, F_GETFL);
  if (flags < 0) return flags;
  int wanted = on ? (flags | O_NONBLOCK) : (flags & ~O_NONBLOCK);
  if (wanted == flags) return 0;  // already so: save a syscall, as libuv does
  int r = fcntl(fd, F_SETFL, wanted);
  return r < 0 ? r : 0;
}

/** Sets or clears FD_CLOEXEC (libuv: src/unix/core.c uv__cloexec). */
inline int set_cloexec(int fd, bool on) noexcept {
  int flags = fcntl(fd, F_GETFD);
  if (flags < 0) return flags;
  int wanted = on ? (flags | FD_CLOEXEC) : (flags & ~FD_CLOEXEC);
  if (wanted == flags) return 0;
  int r = fcntl(fd, F_SETFD, wanted);
  return r < 0 ? r : 0;
}

/**
 * Closes a descriptor, treating EINTR as "closed". On Linux the descriptor is
 * released even when close() is interrupted, so retrying could close a
 * descriptor another thread just opened. libuv: src/unix/core.c uv__close_nocheckstdio
 */
inline int close_fd(int fd) noexcept {
  int r = close(fd);
  return (r == -EINTR || r == -EINPROGRESS) ? 0 : r;
}

}  // namespace uvref::sys
