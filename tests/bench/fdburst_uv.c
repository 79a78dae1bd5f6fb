/*
 * fd passing in bursts (uv.h): fdpass_uv.c with 10 000 uv_write2s issued at
 * once, before the loop runs, and the next 10 000 only when every callback of
 * the last burst has run. Most of a burst waits in the write queue while the
 * socket buffer is full, which is where uvref sends queued descriptors
 * together (up to 253 in one sendmsg). Baseline: fdburst_raw.c.
 */
#define NAME "fdburst"
#define FDPASS_WINDOW 10000
#define FDPASS_BURST 1
#include "fdpass_uv.c"
