// The test runner's main: Catch2's session, plus the verdict of the descriptor
// leak listener (fd_leak_listener.cpp): a leak fails the run even if every
// assertion passed.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include <csignal>
#include <cstdio>

#include "support/test_support.h"

int main(int argc, char* argv[]) {
  // As in libuv's own tests: a write to a closed peer must return EPIPE, not kill us.
  std::signal(SIGPIPE, SIG_IGN);
  int result = Catch::Session().run(argc, argv);
  if (uvref::test::fd_leak_detected) {
    std::fprintf(stderr, "FAILED: descriptors leaked (see DESCRIPTOR LEAK lines above)\n");
    return result != 0 ? result : 1;
  }
  return result;
}
