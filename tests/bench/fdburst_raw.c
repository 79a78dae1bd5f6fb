/*
 * fd passing in bursts (raw): the kernel's limit for fdburst_uv.c. A blocking
 * sender has no queue to burst from: it is fdpass_raw.c, one sendmsg per
 * descriptor, reported under the burst workload's name.
 */
#define NAME "fdburst"
#include "fdpass_raw.c"
