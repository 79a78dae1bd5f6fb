/*
 * pump_common.h: the byte pattern both pump programs send and check.
 * byte[i] = i % 251 for stream offset i. One table of PUMP_CHUNK + 251 bytes
 * serves every chunk (chunk k starts at table offset (k * PUMP_CHUNK) % 251),
 * so writers never copy and readers check a read with a single memcmp.
 */
#ifndef UVREF_BENCH_PUMP_COMMON_H
#define UVREF_BENCH_PUMP_COMMON_H

#include <stddef.h>
#include <string.h>

#define PUMP_CHUNK (64 * 1024)
#define PUMP_PERIOD 251

static unsigned char pump_table[PUMP_CHUNK + PUMP_PERIOD];

static inline void pump_pattern_init(void) {
  for (size_t i = 0; i < sizeof pump_table; i++) pump_table[i] = (unsigned char)(i % PUMP_PERIOD);
}

/* The bytes of chunk k (PUMP_CHUNK of them). */
static inline const unsigned char* pump_chunk(long k) {
  return pump_table + ((unsigned long long)k * PUMP_CHUNK) % PUMP_PERIOD;
}

/* Whether `n` bytes (n <= PUMP_CHUNK) read at stream offset `off` are right. */
static inline int pump_verify(unsigned long long off, const void* p, size_t n) {
  return n <= PUMP_CHUNK && memcmp(p, pump_table + off % PUMP_PERIOD, n) == 0;
}

#endif /* UVREF_BENCH_PUMP_COMMON_H */
