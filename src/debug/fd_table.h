/**
 * @file fd_table.h
 * @brief The calling process's descriptor table, as the kernel shows it in /proc/self/fd.
 */
#pragma once

#include <string>
#include <vector>

namespace uvref::debug {

/** One open descriptor. */
struct FdInfo {
  int fd;               ///< the number
  std::string target;   ///< readlink("/proc/self/fd/N"): "pipe:[123]", "anon_inode:[eventpoll]"...
  bool nonblocking;     ///< O_NONBLOCK on the open file description
  bool cloexec;         ///< FD_CLOEXEC on the descriptor
};

/** Every open descriptor of this process, in increasing order (the listing's own excluded). */
std::vector<FdInfo> fd_table();

/** The kind of a readlink target without its inode number: "pipe", "anon_inode:[eventfd]", "socket"... */
std::string fd_kind(const std::string& target);

}  // namespace uvref::debug
