/**
 * @file trace.cpp
 * @brief The trace's switch and its printer: reads UVREF_TRACE at load time, writes one line per call.
 *
 * See trace.h for what a line holds and how the variables read. The output
 * descriptor, the trace file's or a copy of stderr's, is at 100 or above
 * (F_DUPFD_CLOEXEC), so that the descriptors a traced program gets are the
 * ones it gets untraced (the tour still shows fd 3 as the epoll instance).
 *
 * Page: \docpage{watching}
 */
#include "sys/trace.h"

#include "sys/trace_loops.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace uvref::sys::trace {

namespace {

#if defined(__SANITIZE_THREAD__)
constexpr bool kUnderThreadSanitizer = true;
#elif defined(__has_feature)
constexpr bool kUnderThreadSanitizer = __has_feature(thread_sanitizer);
#else
constexpr bool kUnderThreadSanitizer = false;
#endif

// The printer's state: read by any thread (and signal handler) that prints.
std::atomic<int> out_fd{-1};
std::atomic<bool> out_json{false};
std::atomic<std::uint32_t> out_parts{0};
bool out_owned = false;  // start() opened out_fd: stop() closes it
// What start() opened: the trace file's absolute name ("" for a copy of stderr), and which
// file out_fd must still be (output() checks it before each line when out_checked is set).
char out_path[4096];
std::atomic<bool> out_checked{false};
// The output may be a pipe or a socket (stderr always may: the program can redirect it), so
// write_all() must keep SIGPIPE from the program. A trace file that is neither spares the
// three system calls that costs.
std::atomic<bool> out_may_pipe{true};
std::atomic<std::uint64_t> out_dev{0}, out_ino{0};

// stop() must not close a descriptor that a printing thread has already read out of
// out_fd: its write would land in whatever file gets the number next. So each emit()
// counts itself in before it reads out_fd, and stop() only retires the descriptor: it
// is closed when no writer is counted, by stop() itself or by the writer that leaves last.
// The count and the retired descriptor share one atomic word, so "no writer is counted"
// and "this is the descriptor to close" are read in the same step: a close decided on a
// count of 0 cannot then pick up a descriptor retired, or read by a writer, after it.
// The count is kept per session (start() to stop()): sessions take turns over kTurns
// counters, so the writers of the next sessions do not hold up the close of the last
// one's file. No lock and no waiting: a signal handler may print, or stop the trace.
std::atomic<unsigned> session{0};
// Four turns: a counter is used again four sessions later, and only a writer stuck
// since then (preempted through four stop()s, each waiting up to 200 ms) can still
// hold it; its descriptor is then left open rather than closed under that writer.
constexpr unsigned kTurns = 4;
// Per turn: the low 32 bits count the writers; the high 32 bits hold the retired
// descriptor + 1, or 0 when none waits.
std::atomic<std::uint64_t> in_use[kTurns] = {0, 0, 0, 0};
constexpr std::uint64_t kCountMask = 0xffffffffu;

/** Closes the retired descriptor of @p turn if no writer is counted there any more. */
void close_if_unused(unsigned turn) noexcept {
  std::uint64_t seen = in_use[turn].load(std::memory_order_seq_cst);
  while ((seen & kCountMask) == 0 && (seen >> 32) != 0) {
    if (in_use[turn].compare_exchange_weak(seen, 0, std::memory_order_seq_cst)) {
      ::close(static_cast<int>((seen >> 32) - 1));
      return;
    }
  }
}

/**
 * Hands @p fd to close_if_unused(). Returns false, and leaves fd open (a leak, never a
 * stray write), when a descriptor retired kTurns sessions ago still waits for a writer.
 */
bool retire(unsigned turn, int fd) noexcept {
  std::uint64_t seen = in_use[turn].load(std::memory_order_seq_cst);
  while ((seen >> 32) == 0) {
    std::uint64_t with_fd = seen | (static_cast<std::uint64_t>(fd) + 1) << 32;
    if (in_use[turn].compare_exchange_weak(seen, with_fd, std::memory_order_seq_cst)) return true;
  }
  return false;
}

void leave(unsigned turn) noexcept {
  std::uint64_t before = in_use[turn].fetch_sub(1, std::memory_order_seq_cst);
  if ((before & kCountMask) == 1 && (before >> 32) != 0) close_if_unused(turn);
}

/** emit()'s place in the count: taken before out_fd is read, given back after the write. */
struct Writing {
  unsigned turn;
  unsigned counted;
  Writing() noexcept {
    for (;;) {
      unsigned s = session.load(std::memory_order_seq_cst);
      counted = s;
      turn = s % kTurns;
      in_use[turn].fetch_add(1, std::memory_order_seq_cst);
      if (session.load(std::memory_order_seq_cst) == s) return;  // counted in the session that is on
      leave(turn);  // stop() ran in between: count again in the new session
    }
  }
  /** Still the session counted in: a descriptor read since then is that session's. */
  bool current() const noexcept { return session.load(std::memory_order_seq_cst) == counted; }
  ~Writing() {
    int saved_errno = errno;  // close() must not change what the traced call left
    leave(turn);
    errno = saved_errno;
  }
  Writing(const Writing&) = delete;
  Writing& operator=(const Writing&) = delete;
};

constexpr const char* kParts[] = {"loop-init", "core",    "streams", "pipes",   "fdpass",
                                  "processes", "signals", "tcp",     "async",   "threadpool",
                                  "timers",    "fs",      "tty",     "poll",    "misc",
                                  "threads",   "other"};
// dispatch/ (the per-handle-type switches of uv_close, uv_listen, uv_accept) counts as core.
constexpr int kPartCount = sizeof kParts / sizeof kParts[0];
constexpr std::uint32_t kAllParts = (1u << kPartCount) - 1;

/** src/ directory -> part. */
constexpr struct {
  const char* dir;
  const char* part;
} kDirs[] = {{"loop_init", "loop-init"}, {"core", "core"},       {"stream", "streams"},
             {"pipe", "pipes"},          {"fdpass", "fdpass"},   {"process", "processes"},
             {"signal", "signals"},      {"tcp", "tcp"},         {"async", "async"},
             {"threadpool", "threadpool"}, {"timer", "timers"},  {"fs", "fs"},
             {"misc", "misc"},           {"thread", "threads"},  {"dispatch", "core"},
             {"tty", "tty"},             {"poll", "poll"}};

bool same(const char* a, int alen, const char* b) noexcept {
  return std::strlen(b) == static_cast<std::size_t>(alen) && std::memcmp(a, b, alen) == 0;
}

/** "platform_loop_init" from "int uvref::detail::platform_loop_init(uv_loop_t*)". */
void function_name(const char* pretty, char* out, std::size_t size) noexcept {
  const char* paren = std::strchr(pretty, '(');
  const char* end = paren != nullptr ? paren : pretty + std::strlen(pretty);
  const char* start = end;
  while (start > pretty && start[-1] != ':' && start[-1] != ' ') --start;
  std::size_t n = static_cast<std::size_t>(end - start);
  if (n >= size) n = size - 1;
  std::memcpy(out, start, n);
  out[n] = '\0';
}

void write_all(int fd, const char* data, std::size_t size, bool may_pipe) noexcept {
  // A pipe or socket whose reader has gone (`prog 2>&1 | head -1`, once head is done) fails
  // the write with EPIPE and raises SIGPIPE, which by default ends the process: a program
  // that, untraced, never writes there would die of its trace. So SIGPIPE is blocked around
  // the write and the one the write raised is taken back before the mask is restored;
  // one the program already had pending is left to it (sigpending() says which).
  // sigprocmask, sigpending and a zero-timeout sigtimedwait are plain system calls: safe
  // in a signal handler and a forked child like the rest of the printer.
  sigset_t pipe_only, before, pending;
  bool was_pending = true;
  if (may_pipe) {
    sigemptyset(&pipe_only);
    sigaddset(&pipe_only, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_only, &before);
    was_pending = sigpending(&pending) != 0 || sigismember(&pending, SIGPIPE) == 1;
  }
  // One write per line: lines from several threads or processes do not interleave. The
  // open file may have been made non-blocking by the program (uv_pipe_open(1) or
  // uv_tty_init(2) do, and stderr often shares the file with stdout): then a slow reader
  // makes write() fail with EAGAIN, and the trace waits with poll(), as a blocking write
  // would, rather than lose the line. A short write (a terminal) is finished the same way.
  ssize_t r = 0;
  for (std::size_t done = 0; done < size;) {
    r = ::write(fd, data + done, size - done);
    if (r > 0) {
      done += static_cast<std::size_t>(r);
    } else if (r == 0) {
      break;
    } else if (errno == EAGAIN) {
      struct pollfd writable = {fd, POLLOUT, 0};
      ::poll(&writable, 1, -1);
    } else if (errno != EINTR) {
      break;
    }
  }
  if (!may_pipe) return;
  if (r < 0 && errno == EPIPE && !was_pending) {
    const struct timespec now = {0, 0};
    ::sigtimedwait(&pipe_only, nullptr, &now);
  }
  pthread_sigmask(SIG_SETMASK, &before, nullptr);
}

/** Reads the variables when the library is loaded: any uvref program can be traced. */
[[gnu::constructor]] void start_from_environment() noexcept {
  // secure_getenv(): a set-user-ID or set-group-ID program ignores the variables, or any
  // user could make it append to a file only its owner may write (UVREF_TRACE=/etc/...),
  // or learn what it does. glibc ignores MALLOC_TRACE there for the same reason.
  const char* spec = ::secure_getenv("UVREF_TRACE");
  if (spec == nullptr || spec[0] == '\0') return;
  Config c = parse(spec, ::secure_getenv("UVREF_TRACE_FORMAT"));
  if (c.bad != nullptr) {
    Line line;
    line.put("uvref: UVREF_TRACE: '");
    line.put(c.bad, static_cast<std::size_t>(c.bad_len));
    line.put("' is not a part, 1, all or a path (with a '/'); parts:");
    for (const char* p : kParts) {
      line.put(' ');
      line.put(p);
    }
    line.finish();
    write_all(STDERR_FILENO, line.data(), line.size(), true);
  }
  if (c.bad_format != nullptr && c.on) {
    Line line;
    line.put("uvref: UVREF_TRACE_FORMAT: '");
    line.put(c.bad_format);
    line.put("' is not json or text; printing text");
    line.finish();
    write_all(STDERR_FILENO, line.data(), line.size(), true);
  }
  if (!c.on) return;
  int r = start(c);
  if (r < 0) {
    Line line;
    line.put("uvref: UVREF_TRACE: cannot open the trace file '");
    line.put(c.path, static_cast<std::size_t>(c.path_len));
    line.put("': ");
    line.put(strerrorname_np(-r));
    if (r == -ENXIO) line.put(" (a FIFO with no reader: start the reader first)");
    if (r == -EINVAL) line.put(" (the open files limit is 100 or less: the trace file goes at 100 or above)");
    line.put("; the trace is off");
    line.finish();
    write_all(STDERR_FILENO, line.data(), line.size(), true);
  }
}

}  // namespace

const char* part_name(int i) noexcept { return i >= 0 && i < kPartCount ? kParts[i] : nullptr; }

std::uint32_t part_bit(const char* name, int len) noexcept {
  for (int i = 0; i < kPartCount; ++i) {
    if (same(name, len, kParts[i])) return 1u << i;
  }
  return 0;
}

const char* part_of(const char* unit) noexcept {
  const char* slash = std::strchr(unit, '/');
  if (slash != nullptr) {
    int len = static_cast<int>(slash - unit);
    for (const auto& d : kDirs) {
      if (same(unit, len, d.dir)) return d.part;
    }
  }
  return "other";
}

const char* unit_of(const char* file) noexcept {
  const char* end = file + std::strlen(file);
  const char* p = end;
  int slashes = 0;
  while (p > file) {
    if (p[-1] == '/' && ++slashes == 2) break;
    --p;
  }
  return p;
}

Config parse(const char* spec, const char* format) noexcept {
  Config c;
  c.json = format != nullptr && std::strcmp(format, "json") == 0;
  // "JSON" or "jsonl" must not pass for text without a word: a script reading the lines would fail on the first.
  if (format != nullptr && !c.json && format[0] != '\0' && std::strcmp(format, "text") != 0) c.bad_format = format;
  if (spec == nullptr || spec[0] == '\0' || std::strcmp(spec, "0") == 0) return c;
  bool every = false;
  for (const char* item = spec; *item != '\0';) {
    const char* comma = std::strchr(item, ',');
    int len = static_cast<int>(comma != nullptr ? comma - item : std::strlen(item));
    if (len == 0) {
      // an empty item (",,"): nothing to do
    } else if (same(item, len, "1") || same(item, len, "all")) {
      every = true;
    } else if (std::memchr(item, '/', static_cast<std::size_t>(len)) != nullptr) {
      c.path = item;
      c.path_len = len;
    } else if (std::uint32_t bit = part_bit(item, len); bit != 0) {
      c.parts |= bit;
    } else if (c.bad == nullptr) {
      c.bad = item;
      c.bad_len = len;
    }
    item += len;
    if (*item == ',') ++item;
  }
  if (every || c.parts == 0) c.parts = kAllParts;
  c.on = every || c.path != nullptr || c.parts != kAllParts;
  return c;
}

namespace {

/**
 * Opens the trace file at 100 or above, or copies stderr there if out_path is ""; 0 or
 * -errno. Straight to libc, as every call of the trace: it is not part of the program.
 * Appended, never truncated: a program's spawned copies of itself write to the same
 * file. open, fcntl, fstat and close are async-signal-safe, so a handler may reopen it too.
 *
 * Why a copy of stderr and not fd 2 itself: a program may put another file on its fd 2,
 * and uv_spawn()'s child does, before execve(), with the descriptor its parent reads the
 * child's error output from. The child's trace lines from then on (its signal resets, the
 * execve() itself) would reach the parent as if the program it ran had written them.
 */
int open_trace_file(int* fd) noexcept {
  // O_NONBLOCK: opening a FIFO for writing waits for a reader, and this runs before main()
  // (or in a handler): a FIFO nobody reads would hang the program. Non-blocking, the open
  // fails at once with ENXIO instead. The descriptor is made blocking again, so that a
  // slow reader holds the line back rather than have it dropped (EAGAIN).
  int opened = STDERR_FILENO;
  if (out_path[0] != '\0') {
    opened = ::open(out_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NONBLOCK, 0644);
    if (opened < 0) return -errno;
    ::fcntl(opened, F_SETFL, O_APPEND);
  }
  *fd = ::fcntl(opened, F_DUPFD_CLOEXEC, 100);
  int saved = errno;
  if (kUnderThreadSanitizer && *fd >= 0) {
    // ThreadSanitizer does not see descriptors made by fcntl(), so it would take a line
    // written to an earlier trace file with this number for a race with this file's close().
    // dup3() onto the number just taken changes nothing for the kernel (it is this file
    // already) and tells ThreadSanitizer the descriptor is a new one.
    ::dup3(opened, *fd, O_CLOEXEC);
  }
  if (opened != STDERR_FILENO) ::close(opened);
  if (*fd < 0) return -saved;
  struct stat st;
  bool may_pipe = true;
  if (::fstat(*fd, &st) == 0) {
    out_dev.store(st.st_dev, std::memory_order_relaxed);
    out_ino.store(st.st_ino, std::memory_order_relaxed);
    may_pipe = S_ISFIFO(st.st_mode) || S_ISSOCK(st.st_mode);
  }
  out_may_pipe.store(may_pipe, std::memory_order_relaxed);
  return 0;
}

/**
 * The descriptor to print on, or -1. A program may close descriptors it did not open (the
 * walkthroughs' programs close everything above 2 so that their own start at 3), and may
 * then get the same number for a file of its own: so the trace file's descriptor is
 * checked before each line and opened again if it is gone or is another file.
 */
int output(const Writing& writing) noexcept {
  int fd = out_fd.load(std::memory_order_seq_cst);
  // The session is checked after the load and before any use of fd, even fstat(): if a
  // stop() and a start() ran since the writer counted itself in, fd belongs to the new
  // session, whose count this writer is not in, and may be closed under it at any moment.
  if (fd < 0 || !writing.current()) return -1;
  if (!out_checked.load(std::memory_order_acquire)) return fd;
  struct stat st;
  bool ours = ::fstat(fd, &st) == 0 && st.st_dev == out_dev.load(std::memory_order_relaxed) &&
              st.st_ino == out_ino.load(std::memory_order_relaxed);
  if (ours && (st.st_nlink > 0 || out_path[0] == '\0')) return fd;  // a deleted file is made again, below
  int fresh;
  if (open_trace_file(&fresh) < 0) return ours ? fd : -1;
  if (ours) {
    // The file was deleted (no link left): its lines would be lost, so it is made again.
    // The number is still the trace's, and a writer may hold it: dup3() puts the new
    // file in its place in one step, so that writer's line goes to the new file too.
    ::dup3(fresh, fd, O_CLOEXEC);
    ::close(fresh);
    return fd;
  }
  if (!out_fd.compare_exchange_strong(fd, fresh, std::memory_order_acq_rel)) {
    ::close(fresh);  // another thread reopened it first: use that one
    return fd;
  }
  return fresh;
}

}  // namespace

int start(const Config& config) noexcept {
  stop();
  if (!config.on) return 0;
  int fd = STDERR_FILENO;
  out_path[0] = '\0';  // stderr, unless a path is given
  if (config.path != nullptr) {
    // A relative path is made absolute now: output() may have to open the file again long
    // after the program has changed directory, and must find the same file, not a new one.
    std::size_t used = 0;
    if (config.path[0] != '/') {
      if (::getcwd(out_path, sizeof out_path) == nullptr) return -errno;
      used = std::strlen(out_path);
      out_path[used++] = '/';
    }
    if (used + static_cast<std::size_t>(config.path_len) >= sizeof out_path) return -ENAMETOOLONG;
    std::memcpy(out_path + used, config.path, static_cast<std::size_t>(config.path_len));
    out_path[used + static_cast<std::size_t>(config.path_len)] = '\0';
  }
  int r = open_trace_file(&fd);
  if (r == -EINVAL && out_path[0] == '\0') {
    // RLIMIT_NOFILE is 100 or less: no number is left above the program's. Stderr itself
    // still works; only a program that moves its fd 2 then gets the lines there.
    fd = STDERR_FILENO;
  } else if (r < 0) {
    return r;
  } else {
    out_owned = true;
    out_checked.store(true, std::memory_order_release);
  }
  start_fd(fd, config.json, config.parts);
  return 0;
}

void start_fd(int fd, bool json, std::uint32_t parts) noexcept {
  loop_table_clear();  // loops set up while the trace was off are not known: see trace_loops.h
  out_json.store(json, std::memory_order_relaxed);
  out_parts.store(parts, std::memory_order_relaxed);
  // Release: a printer that loads fd also sees it opened (and the settings above).
  out_fd.store(fd, std::memory_order_release);
  seam::armed.fetch_or(seam::kTraceArmed, std::memory_order_release);
}

void stop() noexcept {
  seam::armed.fetch_and(~seam::kTraceArmed, std::memory_order_release);
  out_checked.store(false, std::memory_order_release);
  out_may_pipe.store(true, std::memory_order_relaxed);  // start_fd()'s descriptor may be anything
  int fd = out_fd.exchange(-1, std::memory_order_seq_cst);
  if (fd >= 0) {
    // A new session (only when one ends, so that sessions take their turns); a writer
    // counted in the one that ends may still hold fd.
    unsigned turn = session.fetch_add(1, std::memory_order_seq_cst) % kTurns;
    if (out_owned && retire(turn, fd)) {
      // Give the writers a moment (they are mid-line: microseconds, unless preempted), so
      // that the file is closed when stop() returns. Bounded: a handler that interrupted a
      // writer of its own thread would wait for ever; then the last writer closes it.
      struct timespec now, end;
      clock_gettime(CLOCK_MONOTONIC, &end);
      end.tv_nsec += 200 * 1000 * 1000;  // 200 ms at most
      if (end.tv_nsec >= 1000000000L) {
        end.tv_sec += 1;
        end.tv_nsec -= 1000000000L;
      }
      while ((in_use[turn].load(std::memory_order_seq_cst) & kCountMask) != 0) {
        sched_yield();
        clock_gettime(CLOCK_MONOTONIC, &now);
        if (now.tv_sec > end.tv_sec || (now.tv_sec == end.tv_sec && now.tv_nsec >= end.tv_nsec)) break;
      }
      close_if_unused(turn);
    }
  }
  out_owned = false;
  loop_table_clear();
}

namespace {

/** The loop or handle a row names (trace_loops.h), checked against what the row's call implies. */
Found find_named(const UnitOwner& row, const seam::Watch& w) noexcept {
  Found f;
  switch (row.name) {
    case Name::none:
      return f;
    case Name::init_epoll:  // the result is not stored yet: the loop still says -1
      f = loop_in_init();
      return f.loop != nullptr && f.loop->backend_fd == -1 ? f : Found{};
    case Name::init_signal:
      f = loop_in_init();
      return f.loop != nullptr && reinterpret_cast<std::uintptr_t>(f.loop->signal_pipefd) == w.args[0] ? f
                                                                                                       : Found{};
    case Name::init_async:
      f = loop_in_init();
      return f.loop != nullptr && f.loop->async_io_watcher.fd == -1 ? f : Found{};
    case Name::loop_fd:
      return loop_with_fd(static_cast<int>(w.args[0]));
    case Name::stream_fd:
      return stream_with_fd(static_cast<int>(w.args[0]));
    case Name::accept_into:
      return only_empty_stream();
  }
  return f;
}

const char* handle_type(const uv_stream_t* s) noexcept {
  switch (s->type) {
    case UV_NAMED_PIPE:
      return "uv_pipe_t";
    case UV_TCP:
      return "uv_tcp_t";
    case UV_TTY:
      return "uv_tty_t";
    default:
      return "handle";
  }
}

/** The row's `named` text with what was found, or its fixed phrase if nothing was. */
void put_owner(const UnitOwner& row, const Found& f, Text& out) noexcept {
  if (row.named == nullptr || f.loop == nullptr) {
    out.put(row.owner);
    out.close();
    return;
  }
  for (const char* p = row.named; *p != '\0'; ++p) {
    if (p[0] == '{' && p[1] != '\0' && p[2] == '}') {
      if (p[1] == 'l') {
        out.put("loop ");
        out.hex(reinterpret_cast<std::uintptr_t>(f.loop));
      } else if (p[1] == 'h' && f.stream != nullptr) {
        out.put(handle_type(f.stream));
        out.put(' ');
        out.hex(reinterpret_cast<std::uintptr_t>(f.stream));
      } else if (p[1] == 'f' && f.field != nullptr) {
        out.put(f.field);
      }
      p += 2;
    } else {
      out.put(*p);
    }
  }
  out.close();
}

void put_address(Line& line, const void* p) noexcept {
  if (p == nullptr) return line.put("null");
  line.put('"');
  line.hex(reinterpret_cast<std::uintptr_t>(p));
  line.put('"');
}

}  // namespace

void after(const seam::Watch& w, long result) noexcept {
  const char* unit = unit_of(w.at->file_name());
  loop_table_before_line(w.call, unit, w.args, result);
  if (w.tracing) emit(w, result);
  loop_table_after_call(w.call, unit, w.args, result);
}

bool wants(const Site& at) noexcept {
  if (out_fd.load(std::memory_order_relaxed) < 0) return false;
  const char* part = part_of(unit_of(at.file_name()));
  std::uint32_t bit = part_bit(part, static_cast<int>(std::strlen(part)));
  return (out_parts.load(std::memory_order_relaxed) & bit) != 0;
}

void emit(const seam::Watch& w, long result) noexcept {
  int saved_errno = errno;  // the caller may still look at it
  Writing writing;          // before out_fd is read: stop() leaves this descriptor open until the write is done
  int fd = output(writing);
  if (fd < 0 || !writing.current()) {  // stopped (and maybe started again) meanwhile: fd is not ours to use
    errno = saved_errno;
    return;
  }

  const char* unit = unit_of(w.at->file_name());
  char function[96];
  function_name(w.at->function_name(), function, sizeof function);
  bool before = result == kNotYet;
  const UnitOwner* row = result >= 0 || before ? owner_of(unit, function, w.call) : nullptr;
  Found found;
  Text owner;
  if (row != nullptr) {
    found = find_named(*row, w);
    put_owner(*row, found, owner);
  }
  const char* page = page_of(unit);
  const char* error = nullptr;
  if (result < 0 && !before) {
    error = strerrorname_np(static_cast<int>(-result));
    if (error == nullptr) error = "E?";
  }
  bool injected = w.fault.error != 0;
  long pid = ::syscall(SYS_getpid);  // not getpid(): glibc caches it, and a child of fork() prints too
  long tid = ::syscall(SYS_gettid);

  Text text, after;
  decode(w.call, w.args, before ? -EINPROGRESS : result, text, after);
  if (before) after.put("(before the call: on success it does not return)");
  text.close();
  after.close();

  Line line;
  if (out_json.load(std::memory_order_relaxed)) {
    line.put("{\"pid\":");
    line.num(pid);
    line.put(",\"tid\":");
    line.num(tid);
    line.put(",\"part\":\"");
    line.put(part_of(unit));
    line.put("\",\"unit\":");
    line.quoted(unit, 128);
    line.put(",\"line\":");
    line.unum(w.at->line());
    line.put(",\"function\":");
    line.quoted(function, 96);
    line.put(",\"call\":\"");
    line.put(call_name(w.call));
    line.put("\",\"text\":\"");
    line.escaped(text);
    line.put("\",\"result\":");
    if (before) {
      line.put("null");
    } else {
      line.num(result < 0 ? -1 : result);
    }
    line.put(",\"detail\":");
    if (after.size() != 0) {
      line.put('"');
      line.escaped(after);
      line.put('"');
    } else {
      line.put("null");
    }
    line.put(",\"error\":");
    if (error != nullptr) {
      line.quoted(error);
    } else {
      line.put("null");
    }
    line.put(",\"injected\":");
    line.put(injected ? "true" : "false");
    line.put(",\"owner\":");
    if (row != nullptr) {
      line.put('"');
      line.escaped(owner);
      line.put('"');
    } else {
      line.put("null");
    }
    line.put(",\"handle\":");
    put_address(line, found.stream);
    line.put(",\"loop\":");
    put_address(line, found.loop);
    line.put(",\"docs\":");
    if (page != nullptr) {
      line.quoted(page, 128);
    } else {
      line.put("null");
    }
    line.put('}');
  } else {
    line.put("uvref[");
    line.num(pid);
    if (tid != pid) {
      line.put('/');
      line.num(tid);
    }
    line.put("] ");
    std::size_t start = line.size();
    line.put(part_of(unit));
    line.pad_to(start + 10);
    start = line.size();
    line.put(unit);
    line.put(':');
    line.unum(w.at->line());
    line.put(' ');
    line.put(function);
    line.pad_to(start + 56);
    line.put(text.data(), text.size());
    line.put(" = ");
    if (before) {
      line.put('?');
    } else if (result >= 0) {
      line.num(result);
    } else {
      line.put("-1 ");
      line.put(error);
      if (injected) line.put(" (injected)");
    }
    if (after.size() != 0) {
      line.put(' ');
      line.put(after.data(), after.size());
    }
    if (row != nullptr) {
      line.put("  -> ");
      line.put(owner.data(), owner.size());
    }
    if (page != nullptr) {
      line.put("  docs: ");
      line.put(page);
    }
  }
  line.finish();
  write_all(fd, line.data(), line.size(), out_may_pipe.load(std::memory_order_relaxed));
  errno = saved_errno;
}

}  // namespace uvref::sys::trace
