/**
 * @file pipe.h
 * @brief What the pipe units share: AF_UNIX addresses, listen and close hooks.
 *
 *     pipe_init_open.cpp  uv_pipe_init, uv_pipe_open, uv_pipe_pending_instances, pipe_close
 *     pipe_names.cpp      name → sockaddr_un (paths, abstract names, length rules), getsockname/getpeername
 *     pipe_bind.cpp       uv_pipe_bind, uv_pipe_bind2, pipe_listen, uv_pipe_chmod
 *     pipe_connect.cpp    uv_pipe_connect, uv_pipe_connect2
 *     uv_pipe.cpp         uv_pipe: pipe2()
 *     socketpair.cpp      uv_socketpair: socketpair()
 *
 * libuv: src/unix/pipe.c
 *
 * Page: \docpage{pipe-init-open}
 */
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <cstddef>

#include "uv.h"

namespace uvref::detail {

/** An AF_UNIX address and the length to pass to bind()/connect(). */
struct PipeAddress {
  sockaddr_un sa;
  socklen_t len;
};

/**
 * Builds the address for the @p namelen bytes at @p name.
 *  - A name starting with NUL is a Linux abstract name: all @p namelen bytes
 *    count (NULs included), at most sizeof(sun_path) = 108.
 *  - Otherwise it is a filesystem path: no NUL inside, and at most 107 bytes
 *    so that it fits sun_path with its terminating NUL.
 *  - @p namelen 0 gives the address "no name" (bind() then autobinds an
 *    abstract name, see unix(7)).
 * Returns 0, UV_EINVAL (NUL inside a path) or UV_ENAMETOOLONG.
 */
int pipe_make_address(const char* name, std::size_t namelen, PipeAddress* out) noexcept;

/** uv_pipe_getsockname / uv_pipe_getpeername. */
int pipe_socket_name(const uv_pipe_t* handle, bool peer, char* buffer, std::size_t* size) noexcept;

/** The pipe part of uv_listen(): UV_EINVAL if unbound or IPC, else listen(2). libuv: uv__pipe_listen */
int pipe_listen(uv_pipe_t* pipe, int backlog) noexcept;

/** uv_close() of a pipe: unlink the bound path, then close the stream. libuv: uv__pipe_close */
void pipe_close(uv_pipe_t* pipe) noexcept;

/** socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC). libuv: src/unix/core.c uv__socket */
int pipe_socket() noexcept;

/**
 * The common tail of uv_pipe() and uv_socketpair(): @p made is a new pair,
 * created non-blocking only if both ends asked for it (one syscall); here the
 * one end that asked alone gets O_NONBLOCK. On success the pair goes to
 * @p out; on failure both ends are closed, so the caller never half-owns a pair.
 */
int pipe_pair_finish(int made[2], int flags0, int flags1, int out[2]) noexcept;

}  // namespace uvref::detail
