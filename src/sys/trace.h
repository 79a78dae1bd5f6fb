/**
 * @file trace.h
 * @brief `UVREF_TRACE`: a program that explains itself, one line per system call.
 *
 * Any program linked against uvref, run with `UVREF_TRACE=1`, prints on
 * stderr one line for each system call uvref makes: the part of the library
 * (loop-init, core, streams, pipes, fdpass, processes...), the unit file and
 * function that made the call, the call with its flags decoded, the result or
 * the error's name, what the result becomes (its owner), and the docs page
 * that explains the unit:
 *
 *     uvref[4242] loop-init loop_init/epoll_create.cpp:LINE platform_loop_init
 *         epoll_create1(EPOLL_CLOEXEC) = 3  -> Stage 1: loop->backend_fd...  docs: loop-init/epoll
 *
 * (one line in the output; docs/watching.md shows real ones). The variable is a comma-separated list:
 *  - `1` (or `all`): every part; a part name (`fdpass,loop-init`): only those;
 *  - an item with a '/' in it: append to that file instead of writing to
 *    stderr (`UVREF_TRACE=./trace.log`, `UVREF_TRACE=fdpass,/tmp/t.log`).
 * A set-user-ID or set-group-ID program ignores both variables (secure_getenv).
 * Stderr means the stderr the program had at start: the trace writes to a copy of it, so
 * that a child of uv_spawn() that has put its parent's pipe on fd 2 does not send its
 * trace lines down that pipe (trace.cpp, open_trace_file()).
 * `UVREF_TRACE_FORMAT=json` prints JSON lines instead (keys in docs/watching.md); `text`,
 * empty or unset is the default, and any other value is reported and printed as text.
 *
 * How it is wired: trace.cpp reads the variables when the library is loaded
 * and sets the trace bit of seam::armed, so every wrapper takes the slow path
 * (seam.h), which calls wants() before and emit() after the call. Off, the
 * only cost is the flag test the wrappers make anyway.
 *
 * Safe anywhere a system call is: each line is formatted on the stack
 * (trace_line.h) and written with one write(2) straight to libc, never
 * through the seam (so the trace never traces itself, nor counts as a fault
 * rule's call); errno is saved and restored. No malloc, no lock: a signal
 * handler, a forked child before exec and the pool's threads may all print,
 * and lines do not interleave (one write each, O_APPEND for a file).
 *
 * Page: \docpage{watching}
 */
#pragma once

#include <cstdint>

#include "sys/fault.h"
#include "sys/seam.h"
#include "sys/trace_line.h"

namespace uvref::sys::trace {

/** What `UVREF_TRACE` and `UVREF_TRACE_FORMAT` ask for. */
struct Config {
  bool on = false;
  bool json = false;
  std::uint32_t parts = 0;    ///< bit i: part i of part_name() is printed
  const char* path = nullptr; ///< the output file, or nullptr for stderr (points into the spec)
  int path_len = 0;
  const char* bad = nullptr;  ///< the first item that is neither a part, `1`/`all` nor a path
  int bad_len = 0;
  const char* bad_format = nullptr;  ///< UVREF_TRACE_FORMAT if it is neither `json` nor `text` (text is printed)
};

/** Parses the two variables' values (either may be null). */
Config parse(const char* spec, const char* format) noexcept;

/** Starts tracing as @p config says (stops a previous trace first); 0 or -errno from open(2). */
int start(const Config& config) noexcept;
/** Starts tracing to @p fd (not closed by stop()): how tests capture the output. */
void start_fd(int fd, bool json, std::uint32_t parts) noexcept;
/** Stops tracing and closes the file start() opened. */
void stop() noexcept;

/** The parts, in the order of their bits; nullptr past the last. */
const char* part_name(int i) noexcept;
/** The part of a unit ("loop_init/epoll_create.cpp" -> "loop-init"); "other" outside src/. */
const char* part_of(const char* unit) noexcept;
/** The bit of a part name, 0 if unknown. */
std::uint32_t part_bit(const char* name, int len) noexcept;

/** "loop_init/epoll_create.cpp" from a source_location file name (the last two parts). */
const char* unit_of(const char* file) noexcept;
/** A unit and its docs page: one row of the table the build writes (trace_pages.cmake). */
struct UnitPage {
  const char* unit;  ///< "loop_init/epoll_create.cpp"
  const char* page;  ///< "loop-init/epoll": docs/loop-init/epoll.md
};
extern const UnitPage kUnitPages[];
extern const int kUnitPageCount;

/**
 * How a row names the loop or handle it is about (trace_loops.h finds it), for `named`:
 * `{l}` becomes "loop 0x...", `{h}` "uv_pipe_t 0x..." (or uv_tcp_t, uv_tty_t), `{f}`
 * the field that holds the descriptor. When nothing is found, `owner` is printed.
 */
enum class Name : unsigned char {
  none,         ///< the fixed phrase only (a signal handler, a pool thread, a forked child...)
  init_epoll,   ///< the loop this thread is setting up, before its backend_fd is stored (stage 1)
  init_signal,  ///< the loop whose signal_pipefd the first argument points to (stage 3)
  init_async,   ///< the loop this thread is setting up, before its eventfd is stored (stage 4)
  loop_fd,      ///< the first argument is one of a loop's own descriptors
  stream_fd,    ///< the first argument is a stream's io_watcher.fd or accepted_fd
  accept_into,  ///< the client of uv_accept(): the one stream that can take a descriptor
};

/** A call's result and where it goes (trace_units.cpp); function nullptr: any function of the unit. */
struct UnitOwner {
  const char* unit;               ///< "loop_init/epoll_create.cpp"
  Call call;                      ///< the call whose result it is
  const char* function;           ///< "platform_loop_init", or nullptr
  const char* owner;              ///< "Stage 1: loop->backend_fd, the epoll instance"
  Name name = Name::none;         ///< how to find what `named` names
  const char* named = nullptr;    ///< "Stage 1: {l}->backend_fd, the epoll instance"
};
extern const UnitOwner kUnitOwners[];
extern const int kUnitOwnerCount;

/** The docs page of a unit ("loop-init/epoll"), or nullptr. */
const char* page_of(const char* unit) noexcept;
/** The row that says what the result of @p call made in @p function of @p unit becomes, or nullptr. */
const UnitOwner* owner_of(const char* unit, const char* function, Call call) noexcept;

/**
 * Writes "name(args...)" for a call that returned @p result (output arguments
 * are shown only when it succeeded), and in @p after what the result means
 * when a number says too little ("(flags O_RDWR|O_NONBLOCK)" for F_GETFL).
 * False when @p c has no decoder: a new wrapper needs one (unit test "trace:
 * every call of the seam has a decoder").
 */
bool decode(Call c, const std::uintptr_t* args, long result, Text& out, Text& after) noexcept;

/** emit()'s result for a line printed before the call (execve: it returns only on failure). */
inline constexpr long kNotYet = -(1L << 40);

/** True if the trace prints calls made at @p at (its part passes the filter). */
bool wants(const Site& at) noexcept;
/** Prints the line for one finished call. */
void emit(const seam::Watch& w, long result) noexcept;
/** After each call while the trace is on: keeps the table of loops (trace_loops.h), prints the line if wanted. */
void after(const seam::Watch& w, long result) noexcept;

}  // namespace uvref::sys::trace
