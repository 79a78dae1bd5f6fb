/**
 * @file seam.cpp
 * @brief The wrappers' slow path: ask the fault rules and the trace about one call.
 *
 * Reached only while `seam::armed` is not 0: a test armed a fault rule, or
 * the trace is on. See seam.h.
 */
#include "sys/seam.h"

#include "sys/trace.h"

namespace uvref::sys::seam {

std::atomic<unsigned> armed{0};

Watch watch(Call c, const Site& at, const std::uintptr_t* args, int nargs) noexcept {
  Watch w;
  w.call = c;
  w.at = &at;
  unsigned who = armed.load(std::memory_order_acquire);
  if (who & kFaultArmed) w.fault = fault::decide(c);
  if (who & kTraceArmed) {
    w.traced = true;
    w.tracing = trace::wants(at);
    w.nargs = nargs < kMaxArgs ? nargs : kMaxArgs;
    for (int i = 0; i < w.nargs; ++i) w.args[i] = args[i];
    // A successful execve never returns: say it before the call, or the trace would never show it.
    if (w.tracing && c == Call::execve) trace::emit(w, trace::kNotYet);
  }
  return w;
}

void done(const Watch& w, long result) noexcept { trace::after(w, result); }

}  // namespace uvref::sys::seam
