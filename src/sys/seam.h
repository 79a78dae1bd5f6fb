/**
 * @file seam.h
 * @brief How a sys.h wrapper enters the kernel: one flag test, then the call.
 *
 * Each wrapper in sys.h is one line, `seam::call<Call::pipe2>(at, pipe2, fds, flags)`
 * with glibc's pipe2: the libc function (or a small lambda) and its
 * arguments, which the trace also decodes. Normally nobody watches the calls, `armed` is 0, and the
 * wrapper costs one relaxed load and one predictable branch before the
 * syscall, as it did when only fault injection watched. Two watchers set a
 * bit in that one word and take the out-of-line path instead:
 *  - fault injection (fault.h): a test arms a rule to fail or shorten a call;
 *  - the trace (trace.h): `UVREF_TRACE=1` narrates every call on stderr.
 *
 * `at` is the caller's std::source_location, a default argument of every
 * wrapper: it names the unit file and function for the trace. On the fast
 * path nothing reads it, and the arguments travel by value (no lambda
 * captures), so neither adds an instruction there: at -O2 a unit's code
 * before the syscall is the flag test and the call, as before the trace.
 */
#pragma once

#include <atomic>
#include <cerrno>
#include <cstddef>
#include <cstdint>
#include <source_location>
#include <type_traits>

#include "sys/fault.h"

namespace uvref::sys {

#if defined(__cpp_lib_source_location)
/** Where a wrapper was called: the trace prints its file and function. */
using Site = std::source_location;
#else
/**
 * Where a wrapper was called, for compilers whose library has no
 * std::source_location (clang 14 with libstdc++ 12, used by the fuzz build):
 * the same three facts from the builtins std::source_location is made of.
 */
struct Site {
  static constexpr Site current(const char* file = __builtin_FILE(), const char* function = __builtin_FUNCTION(),
                                unsigned line = __builtin_LINE()) noexcept {
    Site s;
    s.file_ = file;
    s.function_ = function;
    s.line_ = line;
    return s;
  }
  constexpr const char* file_name() const noexcept { return file_; }
  constexpr const char* function_name() const noexcept { return function_; }
  constexpr unsigned line() const noexcept { return line_; }

 private:
  const char* file_ = "";
  const char* function_ = "";
  unsigned line_ = 0;
};
#endif

namespace seam {

/** Bits of `armed`: who watches the calls. */
inline constexpr unsigned kFaultArmed = 1;  ///< at least one fault rule is armed
inline constexpr unsigned kTraceArmed = 2;  ///< the trace is on

/** 0 in normal operation: the wrappers' fast-path test. */
extern std::atomic<unsigned> armed;

#if defined(UVREF_SEAM_UNWATCHED)
/**
 * A benchmark-only build (target uvref_unwatched, release trees): the flag
 * test is compiled out, so `tests/bench/run.py --trace` can time what that
 * one test costs. Nothing can watch this build: no faults, no trace.
 */
inline constexpr bool kWatchable = false;
#else
inline constexpr bool kWatchable = true;  ///< every other build: the flag test is there
#endif

/** The most arguments a wrapper has (sendmsg, setsockopt: 5). */
inline constexpr int kMaxArgs = 6;

/** One watched call, as the slow path sees it. */
struct Watch {
  Call call{};
  const Site* at = nullptr;
  fault::Decision fault;
  bool tracing = false;  ///< print this call once it returns
  bool traced = false;   ///< the trace is on: done() runs (it keeps its table of loops even for calls it does not print)
  int nargs = 0;
  std::uintptr_t args[kMaxArgs] = {};  ///< the arguments as words, for the decoder
};

/** Slow path, before the call: asks the fault rules and the trace's filter. */
Watch watch(Call c, const Site& at, const std::uintptr_t* args, int nargs) noexcept;
/** Slow path, after the call, while the trace is on: prints the trace line (errno is left as it was). */
void done(const Watch& w, long result) noexcept;

/** An argument as a word: pointers by address, integers by value. */
template <typename T>
std::uintptr_t word(T v) noexcept {
  if constexpr (std::is_pointer_v<T>) {
    return reinterpret_cast<std::uintptr_t>(v);
  } else {
    return static_cast<std::uintptr_t>(v);
  }
}

/** Converts a libc return value into "result or -errno". */
template <typename T>
T result(T r) noexcept {
  return r < 0 ? static_cast<T>(-errno) : r;
}

/** Calls the body; an I/O body also takes the length limit a fault may impose. */
template <typename Body, typename... A>
auto run(Body body, std::size_t max_len, A... a) noexcept {
  if constexpr (std::is_invocable_v<Body, A...>) {
    (void)max_len;
    return body(a...);
  } else {
    return body(a..., max_len);
  }
}

/** The watched path: a fault rule or the trace is armed. Kept out of the caller's code. */
template <Call C, typename Body, typename... A>
[[gnu::noinline, gnu::cold]] auto slow(Site at, Body body, A... a) noexcept {
  const std::uintptr_t words[] = {word(a)..., 0};
  Watch w = watch(C, at, words, static_cast<int>(sizeof...(A)));
  using R = decltype(run(body, std::size_t{}, a...));
  R r = w.fault.error != 0 ? static_cast<R>(-w.fault.error) : result(run(body, w.fault.max_len, a...));
  if (w.traced) done(w, static_cast<long>(r));
  return r;
}

/** A wrapper's whole body: the one branch, then the libc call. */
template <Call C, typename Body, typename... A>
inline auto call(Site at, Body body, A... a) noexcept {
  static_assert(sizeof...(A) <= kMaxArgs);
  if (kWatchable && armed.load(std::memory_order_relaxed) != 0) [[unlikely]]
    return slow<C>(at, body, a...);
  return result(run(body, static_cast<std::size_t>(-1), a...));
}

}  // namespace seam
}  // namespace uvref::sys
