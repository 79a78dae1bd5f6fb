/**
 * @file spawn_options.cpp
 * @brief Step 1 of uv_spawn(): reject options that cannot work, before anything is created.
 *
 * No syscall here. libuv checks most of these with assert() (an abort in a
 * debug build, undefined behaviour in a release build); uvref returns
 * UV_EINVAL instead, so a mistake in a program's options is an error code,
 * never a crash. What is checked:
 *  - `file` and `args` are set (execve() needs a path and an argv);
 *  - `flags` holds only known UV_PROCESS_* bits (the Windows-only ones are
 *    accepted and ignored, as in libuv);
 *  - `stdio_count` is not negative, and `stdio` is set when it is positive.
 *
 * Each stdio container is checked later, by init_stdio() (stdio.cpp), because
 * checking it and preparing its descriptor are the same step.
 *
 * libuv: src/unix/process.c uv_spawn (the asserts at its top)
 *
 * Page: \docpage{process-spawn}
 */
#include "process/process.h"

namespace uvref::detail::process {

// [docs:spawn-validate]
int validate_options(const uv_process_options_t* options) noexcept {
  constexpr unsigned int known = UV_PROCESS_SETUID | UV_PROCESS_SETGID |
                                 UV_PROCESS_WINDOWS_VERBATIM_ARGUMENTS | UV_PROCESS_DETACHED |
                                 UV_PROCESS_WINDOWS_HIDE | UV_PROCESS_WINDOWS_HIDE_CONSOLE |
                                 UV_PROCESS_WINDOWS_HIDE_GUI;
  if (options->file == nullptr || options->args == nullptr) return UV_EINVAL;
  if (options->flags & ~known) return UV_EINVAL;
  if (options->stdio_count < 0) return UV_EINVAL;
  if (options->stdio_count > 0 && options->stdio == nullptr) return UV_EINVAL;
  return 0;
}
// [/docs:spawn-validate]

}  // namespace uvref::detail::process
