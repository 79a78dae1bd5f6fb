/*
 * fdpass_common.h: the protocol both fd-passing programs speak.
 * The sender sends message i as one byte FDPASS_BYTE(i) with a descriptor
 * attached (always the write end of one pipe made before fork(), so the
 * receiver knows its inode), then one FDPASS_END byte without a descriptor.
 * The receiver answers FDPASS_ACK; only then does the sender close. Closing
 * right after sending would lose messages in libuv 1.44 (a drained-after-
 * POLLHUP short-cut; see docs/libuv-facts.md), and that would be a protocol bug here,
 * not a slow implementation.
 */
#ifndef UVREF_BENCH_FDPASS_COMMON_H
#define UVREF_BENCH_FDPASS_COMMON_H

#include <sys/stat.h>

#define FDPASS_BYTE(i) ((char)('a' + (i) % 25))
#define FDPASS_END 'Z'
#define FDPASS_ACK 'A'

/* Whether `fd` is open and is the pipe whose identity is `want`. */
static inline int fdpass_same_file(int fd, const struct stat* want) {
  struct stat st;
  return fstat(fd, &st) == 0 && st.st_ino == want->st_ino && st.st_dev == want->st_dev;
}

#endif /* UVREF_BENCH_FDPASS_COMMON_H */
