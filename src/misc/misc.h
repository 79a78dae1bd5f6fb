/**
 * @file misc.h
 * @brief What the process and system units share with uv_library_shutdown().
 *
 * libuv: src/uv-common.c uv_library_shutdown
 *
 * Page: \docpage{api-system}
 */
#pragma once

namespace uvref::detail {

/** Frees uv_setup_args()'s copy; the title functions then answer UV_ENOBUFS. libuv: src/unix/proctitle.c uv__process_title_cleanup */
void process_title_cleanup() noexcept;

}  // namespace uvref::detail
