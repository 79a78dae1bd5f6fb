/**
 * @file library_shutdown.cpp
 * @brief uv_library_shutdown(): release what the library holds for the whole process.
 *
 * Three things outlive every loop: the thread pool's threads, the signal
 * lock pipe (two descriptors, made by the first uv_loop_init()) and the copy
 * of argv made by uv_setup_args(). uv_library_shutdown() joins the threads,
 * closes the pipe and frees the copy, once: later calls do nothing. As in
 * libuv, the program must not call into the library afterwards (a new loop
 * would find no lock pipe). It is for programs that unload the library or
 * want a clean descriptor table and leak checker at exit; the same clean-up
 * otherwise happens at exit.
 *
 * libuv: src/uv-common.c uv_library_shutdown
 *
 * Page: \docpage{api-system}
 */
#include <atomic>

#include "loop_init/stages.h"
#include "misc/misc.h"
#include "threadpool/threadpool.h"
#include "uv.h"

void uv_library_shutdown(void) {
  static std::atomic<bool> done{false};
  if (done.exchange(true)) return;
  uvref::detail::process_title_cleanup();
  uvref::detail::signal_global_cleanup();
  uvref::detail::threadpool_cleanup();
}
