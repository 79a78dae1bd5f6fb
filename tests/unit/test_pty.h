// A pseudo-terminal pair for the uv_tty_t tests: closed at the end; where
// none can be made (no /dev/pts in a container) the test case is skipped
// visibly, with the reason.
#pragma once

#include <fcntl.h>
#include <pty.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "support/test_support.h"

namespace uvref::test {

/** A pty pair, closed at the end; ok() is false (and the test skipped) when none can be made. */
struct Pty {
  int master = -1, slave = -1;
  Pty() {
    if (openpty(&master, &slave, nullptr, nullptr, nullptr) != 0) {
      std::string why = std::string("no pseudo-terminal: openpty failed: ") + std::strerror(errno);
      skip(why.c_str());
      master = slave = -1;
      return;
    }
    fcntl(master, F_SETFD, FD_CLOEXEC);
    fcntl(slave, F_SETFD, FD_CLOEXEC);
  }
  ~Pty() {
    if (master >= 0) close(master);
    if (slave >= 0) close(slave);
  }
  Pty(const Pty&) = delete;
  Pty& operator=(const Pty&) = delete;
  bool ok() const { return master >= 0; }
};

}  // namespace uvref::test
