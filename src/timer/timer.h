/**
 * @file timer.h
 * @brief The timer unit's hooks for the layers above core/ (the timer phase itself is in core/hooks.h).
 *
 * libuv: src/timer.c uv__timer_close
 */
#pragma once

#include "uv.h"

namespace uvref::detail {

/** Stops the timer as uv_close() begins (dispatch/close.cpp). */
void timer_close(uv_timer_t* h) noexcept;

}  // namespace uvref::detail
