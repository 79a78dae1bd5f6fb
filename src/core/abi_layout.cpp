/**
 * @file abi_layout.cpp
 * @brief The public structs keep libuv 1.44.2's sizes and public field offsets on x86-64.
 *
 * A program compiled against Debian's uv.h allocates its loops and handles
 * with libuv's sizes; uvref's private fields must fit in them. Where uvref
 * needs less room than libuv, `uvref_reserved` fields pad the struct to
 * libuv's size (uv.h says why at each). A private field added to uv_loop_t
 * must shrink its padding: these assertions fail the build until it does.
 * The numbers were measured on Debian's header; the test meta.struct_sizes
 * compares every field both headers name against it at each run.
 *
 * libuv: include/uv.h, include/uv/unix.h
 */
#include <cstddef>

#include "uv.h"

#if defined(__x86_64__)
static_assert(sizeof(uv_loop_t) == 848, "libuv 1.44.2's uv_loop_t");
static_assert(offsetof(uv_loop_t, data) == 0);
static_assert(offsetof(uv_loop_t, active_handles) == 8);
static_assert(offsetof(uv_loop_t, handle_queue) == 16);
static_assert(offsetof(uv_loop_t, active_reqs) == 32);
static_assert(offsetof(uv_loop_t, internal_fields) == 40);
static_assert(offsetof(uv_loop_t, stop_flag) == 48);

static_assert(sizeof(uv_timer_t) == 152, "libuv 1.44.2's uv_timer_t");
static_assert(offsetof(uv_timer_t, timer_cb) == 96);
static_assert(offsetof(uv_timer_t, timeout) == 128);
static_assert(offsetof(uv_timer_t, repeat) == 136);
static_assert(offsetof(uv_timer_t, start_id) == 144);

static_assert(sizeof(uv_signal_t) == 152, "libuv 1.44.2's uv_signal_t");
static_assert(offsetof(uv_signal_t, signal_cb) == 96);
static_assert(offsetof(uv_signal_t, signum) == 104);
static_assert(offsetof(uv_signal_t, caught_signals) == 144);
static_assert(offsetof(uv_signal_t, dispatched_signals) == 148);
#endif
