/**
 * @file poll.h
 * @brief The poll handle's hook for the close switch (dispatch/close.cpp).
 *
 * libuv: src/unix/poll.c uv__poll_close
 */
#pragma once

#include "uv.h"

namespace uvref::detail {

/** Stops a poll handle's watcher (its descriptor belongs to the program and stays open). */
void poll_close(uv_poll_t* h) noexcept;

}  // namespace uvref::detail
