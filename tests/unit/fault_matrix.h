// The fault matrix, as the tests read it: tests/unit/fault_matrix.tsv has one
// row per (syscall, error, program call) with the outcome uvref documents and
// the test case that checks it. A matrix test case runs exactly the rows that
// name it (run_rows), so a row cannot name a test that does not run it, and a
// test cannot drift from its rows. docs/tried.md renders the same file.
#pragma once

#include <cerrno>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "sys/fault.h"
#include "test_fdpass_support.h"

namespace uvref::test::matrix {

namespace fault = uvref::sys::fault;
using uvref::sys::Call;

/** One row of the table, in its column order. */
struct Row {
  std::string call, error, operation, outcome, test, why;
};

/** A row that needs no test: the call cannot fail in a way uvref handles. */
constexpr const char* kNoTest = "-";
constexpr const char* kNotApplicable = "not applicable: ";
constexpr std::size_t kColumns = 6;

/** The rows of the table (the header line and '#' comments skipped). */
inline const std::vector<Row>& rows() {
  static const std::vector<Row> table = [] {
    std::ifstream in(UVREF_FAULT_MATRIX);
    REQUIRE(in.good());
    std::vector<Row> out;
    std::string line;
    bool header = true;
    for (int number = 1; std::getline(in, line); number++) {
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> cols;
      std::stringstream ss(line);
      for (std::string c; std::getline(ss, c, '\t');) cols.push_back(c);
      INFO("fault_matrix.tsv line " << number << ": " << line);
      REQUIRE(cols.size() == kColumns);
      if (header) {  // the column names the docs page shows
        header = false;
        continue;
      }
      out.push_back({cols[0], cols[1], cols[2], cols[3], cols[4], cols[5]});
    }
    return out;
  }();
  return table;
}

/** The errors the error column may name, besides "short" and "-". */
inline const std::map<std::string, int>& errnos() {
  static const std::map<std::string, int> names = {{"EINTR", EINTR},
                                                   {"EAGAIN", EAGAIN},
                                                   {"ENOMEM", ENOMEM},
                                                   {"ENOBUFS", ENOBUFS},
                                                   {"EMFILE", EMFILE},
                                                   {"ENFILE", ENFILE},
                                                   {"EINVAL", EINVAL},
                                                   {"EPIPE", EPIPE},
                                                   {"ECONNRESET", ECONNRESET},
                                                   {"ECONNABORTED", ECONNABORTED},
                                                   {"ECONNREFUSED", ECONNREFUSED},
                                                   {"EACCES", EACCES},
                                                   {"EPERM", EPERM},
                                                   {"ENOENT", ENOENT},
                                                   {"EBADF", EBADF},
                                                   {"ENOTCONN", ENOTCONN},
                                                   {"ENOSPC", ENOSPC},
                                                   {"EADDRINUSE", EADDRINUSE},
                                                   {"ESRCH", ESRCH},
                                                   {"E2BIG", E2BIG},
                                                   {"ENOEXEC", ENOEXEC},
                                                   {"EIO", EIO},
                                                   {"ENOSYS", ENOSYS}};
  return names;
}

/** The seam enumerator strace calls @p name; Call::count_ if none is. */
inline Call call_named(const std::string& name) {
  for (unsigned i = 0; i < static_cast<unsigned>(Call::count_); i++) {
    const char* n = uvref::sys::call_name(static_cast<Call>(i));
    if (n != nullptr && name == n) return static_cast<Call>(i);
  }
  return Call::count_;
}

/** The fault a row arms: fail the next call with the error, or cut every transfer to 2 bytes. */
inline fault::Rule rule_for(const Row& row) {
  fault::Rule rule{.call = call_named(row.call)};
  REQUIRE(rule.call != Call::count_);
  if (row.error == "short") {
    rule.max_len = 2;
    rule.times = 0;  // every transfer
  } else {
    auto it = errnos().find(row.error);
    REQUIRE(it != errnos().end());
    rule.error = it->second;
  }
  return rule;
}

/** "0" or "UV_EPIPE": a status as the table writes it. */
inline std::string uv_code(long code) {
  return code == 0 ? "0" : std::string("UV_") + uv_err_name(static_cast<int>(code));
}

/** Runs @p loop until @p done() or until it has nothing left to do. */
template <typename Pred>
void run_while(uv_loop_t* loop, Pred done) {
  while (!done() && uv_run(loop, UV_RUN_ONCE) != 0) {
  }
}

/**
 * Runs @p loop without blocking until @p done() or @p rounds turns have
 * passed: a row whose outcome never comes reports what it saw instead of
 * hanging the test.
 */
template <typename Pred>
void run_nowait(uv_loop_t* loop, Pred done, int rounds = 50) {
  for (int i = 0; i < rounds && !done(); i++) uv_run(loop, UV_RUN_NOWAIT);
}

/**
 * Registers the loop's own watchers with epoll now (the signal pipe and the
 * async eventfd are added at the first uv_run), so that an epoll_ctl fault
 * armed next reaches the program's descriptor, not the loop's.
 */
inline void settle(uv_loop_t* loop) {
  uv_idle_t idle;
  REQUIRE(uv_idle_init(loop, &idle) == 0);
  REQUIRE(uv_idle_start(&idle, [](uv_idle_t*) {}) == 0);
  uv_run(loop, UV_RUN_NOWAIT);
  uv_close(reinterpret_cast<uv_handle_t*>(&idle), nullptr);
  uv_run(loop, UV_RUN_NOWAIT);
}

/** Where the armed fault fires: here, or in a forked child whose counters the test cannot see. */
enum class FiresIn { test, child };

/** Makes the program call of a row with the fault @p rule, and says what the program saw. */
using Driver = std::function<std::string(const fault::Rule& rule)>;

/**
 * Runs every row that names the current test case, each in its own section:
 * drives it, compares the outcome with the table word for word, checks that
 * the fault was reached and that no descriptor outlives the row. Fails if no
 * row names the test.
 */
inline void run_rows(const Driver& drive, FiresIn where = FiresIn::test) {
  const std::string me = Catch::getResultCapture().getCurrentTestName();
  int mine = 0;
  for (const Row& row : rows()) {
    if (row.test != me) continue;
    mine++;
    DYNAMIC_SECTION(row.call << " " << row.error << " in " << row.operation) {
      std::size_t before = fdpass::open_fd_count();
      std::string got = drive(rule_for(row));
      fault::disarm_all();
      CHECK(got == row.outcome);
      // A fault that fires in a child is proven by the outcome itself (the
      // error could not come from anywhere else); here the counter says so.
      if (where == FiresIn::test) CHECK(fault::fired(call_named(row.call)) > 0);
      CHECK(fdpass::open_fd_count() == before);
    }
  }
  INFO("no row of fault_matrix.tsv names the test case \"" << me << "\"");
  REQUIRE(mine > 0);
}

}  // namespace uvref::test::matrix
