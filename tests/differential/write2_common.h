/*
 * Helpers shared by the write2_callbacks*.c differential programs: an IPC
 * channel with a raw peer, pipe handles to send, and reading everything the
 * peer was sent (bytes and descriptors, message by message).
 */
#ifndef UVREF_DIFF_WRITE2_COMMON_H
#define UVREF_DIFF_WRITE2_COMMON_H

#include "diff_common.h"

/* @p p opened on the read end of a new pipe whose write end is closed; its identity in @p st. */
static inline void w2_open_read_end(uv_loop_t* loop, uv_pipe_t* p, struct stat* st) {
  int ends[2];
  CHECK(pipe(ends) == 0);
  close(ends[1]);
  if (st != NULL) CHECK(fstat(ends[0], st) == 0);
  CHECK(uv_pipe_init(loop, p, 0) == 0);
  CHECK(uv_pipe_open(p, ends[0]) == 0);
}

/* @p p an IPC pipe on one end of a new socket pair; the other end, raw, in @p raw_peer. */
static inline void w2_open_channel(uv_loop_t* loop, uv_pipe_t* p, int* raw_peer) {
  int sv[2];
  CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) == 0);
  CHECK(uv_pipe_init(loop, p, 1) == 0);
  CHECK(uv_pipe_open(p, sv[0]) == 0);
  *raw_peer = sv[1];
}

/*
 * Reads what waits at @p sock without blocking: @p on_bytes for each
 * recvmsg()'s bytes, @p on_fd for each descriptor received (it must close it).
 * Returns 1 if the peer's end was reached, 0 if the socket is just empty.
 */
static inline int w2_drain(int sock, void (*on_bytes)(const char* data, size_t n, void* ctx),
                           void (*on_fd)(int fd, void* ctx), void* ctx) {
  for (;;) {
    char data[256];
    union {
      char buf[CMSG_SPACE(253 * sizeof(int))];
      struct cmsghdr align;
    } control;
    struct iovec iov = {data, sizeof data};
    struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                         .msg_controllen = sizeof control.buf};
    ssize_t n = recvmsg(sock, &msg, MSG_DONTWAIT | MSG_CMSG_CLOEXEC);
    if (n <= 0) return n == 0;
    on_bytes(data, (size_t)n, ctx);
    for (struct cmsghdr* c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
      int count = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));
      for (int i = 0; i < count; i++) {
        int fd;
        memcpy(&fd, CMSG_DATA(c) + i * sizeof(int), sizeof fd);
        on_fd(fd, ctx);
      }
    }
  }
}

#endif
