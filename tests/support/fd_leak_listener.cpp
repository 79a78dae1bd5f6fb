// Every test case is checked for descriptor leaks: a Catch2 listener snapshots
// /proc/self/fd when a test case starts and compares when it ends. A leak is
// reported with the leaked descriptors and fails the run (see main.cpp).
#define CATCH_CONFIG_EXTERNAL_INTERFACES  // for TestEventListenerBase
#include <catch2/catch.hpp>

#include <cstdio>
#include <set>
#include <string>
#include <utility>

#include "debug/fd_table.h"
#include "loop_init/stages.h"
#include "support/test_support.h"

namespace uvref::test {
bool fd_leak_detected = false;
}

namespace {

using Snapshot = std::set<std::pair<int, std::string>>;

Snapshot snapshot() {
  Snapshot s;
  for (const auto& d : uvref::debug::fd_table()) s.insert({d.fd, d.target});
  return s;
}

struct FdLeakListener : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  Snapshot before;

  void testCaseStarting(Catch::TestCaseInfo const& info) override {
    // The signal lock pipe belongs to the process, not to any loop (as in
    // libuv): make it before the snapshot so that it is not counted.
    uvref::detail::signal_global_once_init();
    before = snapshot();
    (void)info;
  }

  void testCaseEnded(Catch::TestCaseStats const& stats) override {
    Snapshot after = snapshot();
    for (const auto& entry : after) {
      if (before.count(entry)) continue;
      std::fprintf(stderr, "DESCRIPTOR LEAK in \"%s\": fd %d -> %s\n", stats.testInfo.name.c_str(),
                   entry.first, entry.second.c_str());
      uvref::test::fd_leak_detected = true;
    }
  }
};

}  // namespace

CATCH_REGISTER_LISTENER(FdLeakListener)
