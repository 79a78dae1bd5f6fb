/**
 * @file type_hooks.h
 * @brief The per-type steps of closing a handle, dispatched on uv_handle_t::type.
 *
 * libuv: src/unix/core.c uv_close (the switch) and uv__finish_close
 */
#pragma once

#include "uv.h"

namespace uvref::detail {

/**
 * Runs the type-specific part of uv_close(): stop timers and watchers, close
 * descriptors. Returns false if the type queues its own close callback later
 * (signal handles with signals still in the pipe), true if the caller should.
 */
bool close_by_type(uv_handle_t* handle) noexcept;

/** The type-specific last step of closing, right before close_cb (streams free their queues). */
void finish_close_by_type(uv_handle_t* handle) noexcept;

}  // namespace uvref::detail
