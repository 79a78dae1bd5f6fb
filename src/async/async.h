/**
 * @file async.h
 * @brief The async unit's hooks for the layers above it (the eventfd itself is loop-init stage 4).
 *
 * libuv: src/unix/async.c uv__async_close
 */
#pragma once

#include "uv.h"

namespace uvref::detail {

/** Unlinks the handle from loop->async_handles as uv_close() begins (dispatch/close.cpp). */
void async_close(uv_async_t* h) noexcept;

}  // namespace uvref::detail
