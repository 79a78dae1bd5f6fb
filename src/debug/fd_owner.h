/**
 * @file fd_owner.h
 * @brief Names the owner of a descriptor: which loop field or handle holds it.
 *
 * Ownership is not recorded anywhere: it is read off the structures
 * themselves (loop->backend_fd, loop->signal_pipefd, every handle's
 * io_watcher), so it can never disagree with them, and a debugger script can
 * find the same answer the same way.
 */
#pragma once

#include <string>

#include "uv.h"

namespace uvref::debug {

/** "loop->backend_fd (epoll)", "pipe handle 0x... io_watcher.fd", or "" if @p loop does not own @p fd. */
std::string fd_owner(const uv_loop_t* loop, int fd);

}  // namespace uvref::debug
