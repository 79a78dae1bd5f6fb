// UVREF_TRACE against what a program or its user may do to it. Each must leave the
// program as it would be untraced.
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <string>
#include <thread>

#include "support/test_support.h"
#include "sys/sys.h"
#include "sys/trace.h"
#include "test_fs_support.h"
#include "test_process_util.h"

namespace trace = uvref::sys::trace;
using uvref::test::ScratchPath;

namespace {

/** A directory under /tmp for one test case, removed with what is in it. */
class ScratchDir {
 public:
  ScratchDir() {
    char tmpl[] = "/tmp/uvref-trace-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path_ = tmpl;
  }
  ~ScratchDir() {
    ::unlink(file().c_str());
    ::rmdir(path_.c_str());
  }
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;
  const std::string& path() const { return path_; }
  /** The one file a test makes in it: "t.log". */
  std::string file() const { return path_ + "/t.log"; }

 private:
  std::string path_;
};

std::string read_file(const std::string& path) {
  std::string s;
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return s;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) s.append(buf, static_cast<std::size_t>(n));
  ::close(fd);
  return s;
}

/** The descriptor, 100 or above, that this process has open on @p path; -1 if none. */
int descriptor_of(const std::string& path) {
  for (int fd = 100; fd < 1024; ++fd) {
    char link[64], target[PATH_MAX];
    std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = ::readlink(link, target, sizeof target - 1);
    if (n > 0 && std::string(target, static_cast<std::size_t>(n)) == path) return fd;
  }
  return -1;
}

volatile sig_atomic_t signals_seen = 0;
void count_signal(int) { signals_seen = signals_seen + 1; }

}  // namespace

TEST_CASE("trace: a FIFO with no reader is refused at once, not waited for", "[trace]") {
  // The trace file is opened when the library is loaded: a FIFO nobody reads would hang
  // the program before main(). A timer's signal (no SA_RESTART) ends such a wait with
  // EINTR, so that this test fails instead of hanging if open() waits.
  ScratchPath fifo;
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  struct sigaction wake {}, old {};
  wake.sa_handler = count_signal;
  REQUIRE(::sigaction(SIGALRM, &wake, &old) == 0);
  struct itimerval soon {}, off {};
  soon.it_value.tv_usec = 300 * 1000;
  ::setitimer(ITIMER_REAL, &soon, nullptr);
  std::string spec = std::string("1,") + fifo.c_str();
  int r = trace::start(trace::parse(spec.c_str(), nullptr));
  ::setitimer(ITIMER_REAL, &off, nullptr);
  ::sigaction(SIGALRM, &old, nullptr);
  trace::stop();
  CHECK(r == -ENXIO);

  // With a reader it is a trace file like any other, and a blocking one: a line is
  // never dropped because the reader is slow.
  int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  REQUIRE(reader >= 0);
  REQUIRE(trace::start(trace::parse(spec.c_str(), nullptr)) == 0);
  int traced = descriptor_of(fifo.c_str());
  CHECK(traced >= 100);
  CHECK((::fcntl(traced, F_GETFL) & O_NONBLOCK) == 0);
  uvref::sys::fcntl(STDIN_FILENO, F_GETFD);
  trace::stop();
  char buf[4096];
  ssize_t n = ::read(reader, buf, sizeof buf);
  ::close(reader);
  REQUIRE(n > 0);
  CHECK(std::string(buf, static_cast<std::size_t>(n)).find("fcntl(0, F_GETFD)") != std::string::npos);
}

TEST_CASE("trace: a reader that went away raises no SIGPIPE in the traced program", "[trace]") {
  // `prog 2>&1 | head -1` with the trace on: once head exits, each trace line's write
  // fails with EPIPE, and the kernel's SIGPIPE would kill a program that, untraced,
  // never writes there. The trace must take its SIGPIPE back, and only its own.
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  ::close(fds[0]);
  struct sigaction counting {}, old {};
  counting.sa_handler = count_signal;
  REQUIRE(::sigaction(SIGPIPE, &counting, &old) == 0);
  signals_seen = 0;
  trace::start_fd(fds[1], false, ~0u);
  errno = EXDEV;
  CHECK(uvref::sys::fcntl(fds[1], F_GETFD) == FD_CLOEXEC);
  CHECK(errno == EXDEV);
  CHECK(signals_seen == 0);

  // A SIGPIPE of the program's own, pending while it blocks the signal, stays pending.
  sigset_t pipe_only, before;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  REQUIRE(::pthread_sigmask(SIG_BLOCK, &pipe_only, &before) == 0);
  ::raise(SIGPIPE);
  uvref::sys::fcntl(fds[1], F_GETFD);
  sigset_t pending;
  sigpending(&pending);
  CHECK(sigismember(&pending, SIGPIPE) == 1);
  ::pthread_sigmask(SIG_SETMASK, &before, nullptr);  // delivered now
  CHECK(signals_seen == 1);

  trace::stop();
  ::sigaction(SIGPIPE, &old, nullptr);
  ::close(fds[1]);
}

TEST_CASE("trace: a relative trace path names the same file after chdir() and a dup2() over it", "[trace]") {
  // UVREF_TRACE=./t.log is read at load time; the program may then change directory and
  // put a descriptor of its own on the trace's number. The trace reopens its file then
  // (trace.cpp output()): the one it was started with, not ./t.log of the new directory.
  ScratchDir first, second;
  char home[PATH_MAX];
  REQUIRE(::getcwd(home, sizeof home) != nullptr);
  REQUIRE(::chdir(first.path().c_str()) == 0);
  int r = trace::start(trace::parse("other,./t.log", nullptr));
  REQUIRE(::chdir(second.path().c_str()) == 0);
  int traced = descriptor_of(first.file());
  int mine = ::open("/dev/null", O_WRONLY | O_CLOEXEC);
  if (traced >= 0) ::dup3(mine, traced, O_CLOEXEC);  // the program's /dev/null now has the trace's number
  uvref::sys::fcntl(STDIN_FILENO, F_GETFD);
  trace::stop();
  REQUIRE(::chdir(home) == 0);
  ::close(mine);
  if (traced >= 0) ::close(traced);
  REQUIRE(r == 0);
  REQUIRE(traced >= 100);
  CHECK(read_file(first.file()).find("fcntl(0, F_GETFD)") != std::string::npos);
  CHECK(::access(second.file().c_str(), F_OK) == -1);
}

TEST_CASE("trace: a trace file deleted while the program runs is made again; a renamed one is kept", "[trace]") {
  // Lines written to a file nobody can open any more are lost without a word.
  ScratchPath file, renamed;
  std::string spec = std::string("other,") + file.c_str();
  REQUIRE(trace::start(trace::parse(spec.c_str(), nullptr)) == 0);
  uvref::sys::fcntl(STDIN_FILENO, F_GETFD);
  REQUIRE(::unlink(file.c_str()) == 0);
  uvref::sys::fcntl(STDOUT_FILENO, F_GETFD);
  REQUIRE(::rename(file.c_str(), renamed.c_str()) == 0);  // rotated away, as a log is: it keeps the lines
  uvref::sys::fcntl(STDERR_FILENO, F_GETFD);
  trace::stop();
  std::string out = read_file(renamed.c_str());
  CHECK(out.find("fcntl(0, F_GETFD)") == std::string::npos);  // that line went with the deleted file
  CHECK(out.find("fcntl(1, F_GETFD)") != std::string::npos);
  CHECK(out.find("fcntl(2, F_GETFD)") != std::string::npos);
  CHECK(::access(file.c_str(), F_OK) == -1);
}

TEST_CASE("trace: a spawned child's lines stay out of the stderr the parent gave it", "[trace]") {
  // With the trace on stderr, uv_spawn()'s child prints its calls before execve() too. Once
  // it has put the parent's descriptor on its fd 2, those lines must not go there: the
  // parent would read them as the program's own error output.
  ScratchPath log;
  int saved_stderr = ::fcntl(STDERR_FILENO, F_DUPFD_CLOEXEC, 3);
  int file = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
  REQUIRE(saved_stderr >= 0);
  REQUIRE(file >= 0);
  ::dup2(file, STDERR_FILENO);  // this test's stderr is the log while the trace runs
  ::close(file);
  int r = trace::start(trace::parse("processes", nullptr));
  std::string child_stderr;
  {
    uvref::test::Pipe child_err;
    uv_process_t proc;
    uvref::test::ExitRecord exit;
    uvref::test::TestLoop loop;
    uvref::test::Args args{"/bin/true"};
    uv_stdio_container_t stdio[3];
    stdio[0].flags = UV_IGNORE;
    stdio[1].flags = UV_IGNORE;
    stdio[2].flags = UV_INHERIT_FD;
    stdio[2].data.fd = child_err.wr();
    if (r == 0) r = uvref::test::spawn_recorded(loop, &proc, &exit, args, stdio, 3);
    child_err.close_write();
    if (r == 0) uv_run(loop, UV_RUN_DEFAULT);
    child_stderr = child_err.read_all();
  }
  trace::stop();
  ::dup2(saved_stderr, STDERR_FILENO);
  ::close(saved_stderr);
  REQUIRE(r == 0);
  CHECK(child_stderr.empty());
  CHECK(log.read().find("execve(\"/bin/true\"") != std::string::npos);  // the child's line, in the trace
}

TEST_CASE("trace: a line is not dropped when the program made the output non-blocking", "[trace]") {
  // uv_pipe_open(1) or uv_tty_init(2) makes the open file non-blocking, and stderr often
  // shares it (2>&1, a terminal). When the reader is slow, write() then fails with EAGAIN:
  // the trace must wait, as it would on a blocking descriptor, not lose the line.
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC | O_NONBLOCK) == 0);
  std::string filler(4096, 'x');
  while (::write(fds[1], filler.data(), filler.size()) > 0) {
  }
  REQUIRE(errno == EAGAIN);  // full: the next line does not fit
  std::string drained;
  std::thread reader([&] {
    ::usleep(100 * 1000);  // long enough for the line's write() to find the pipe full
    char buf[4096];
    for (;;) {
      ssize_t n = ::read(fds[0], buf, sizeof buf);
      if (n > 0) {
        drained.append(buf, static_cast<std::size_t>(n));
      } else if (n == 0 || errno != EAGAIN) {
        break;
      } else if (drained.find("fcntl(0, F_GETFD)") != std::string::npos) {
        break;  // the line came
      } else {
        ::usleep(1000);
      }
    }
  });
  trace::start_fd(fds[1], false, ~0u);
  errno = EXDEV;
  uvref::sys::fcntl(STDIN_FILENO, F_GETFD);
  int after = errno;
  trace::stop();
  ::close(fds[1]);  // a reader still waiting sees the end of the pipe
  reader.join();
  ::close(fds[0]);
  CHECK(after == EXDEV);
  CHECK(drained.find("fcntl(0, F_GETFD)") != std::string::npos);
}
