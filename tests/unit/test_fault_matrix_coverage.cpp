// The fault matrix covers the seam: every fault::Call enumerator has a row in
// fault_matrix.tsv (a tested one, or "not applicable: why"), and every tested
// row names a test case that exists and runs it. A wrapper added to sys.h
// without a row fails here, and the failure prints the rows to fill in.
#include <algorithm>
#include <set>
#include <sstream>
#include <string>

#include "fault_matrix.h"

using namespace uvref::test::matrix;

namespace {

/** The names of the test cases in this binary that carry the [matrix] tag. */
std::set<std::string> matrix_test_names() {
  std::set<std::string> names;
  for (const Catch::TestCase& t : Catch::getRegistryHub().getTestCaseRegistry().getAllTests()) {
    if (std::find(t.tags.begin(), t.tags.end(), "matrix") != t.tags.end()) names.insert(t.name);
  }
  return names;
}

}  // namespace

TEST_CASE("fault matrix coverage: every seam call has a row, every row names a test that runs it",
          "[fault][matrix-coverage]") {
  const std::vector<Row>& table = rows();
  std::set<std::string> tests = matrix_test_names();

  {
    std::ostringstream missing;  // paste-ready rows for the calls the table lacks
    for (unsigned i = 0; i < static_cast<unsigned>(Call::count_); i++) {
      const char* name = uvref::sys::call_name(static_cast<Call>(i));
      INFO("fault::Call enumerator " << i);
      REQUIRE(name != nullptr);  // call_name() must name every enumerator
      REQUIRE(std::string(name) != "?");
      bool found = false;
      for (const Row& row : table) found = found || row.call == name;
      if (!found) missing << "\n" << name << "\tERROR\tPROGRAM CALL\tOUTCOME\tTEST\tWHY";
    }
    INFO("seam calls with no row in tests/unit/fault_matrix.tsv (add them, or say why not):"
         << missing.str());
    CHECK(missing.str().empty());
  }

  std::set<std::string> keys;
  for (const Row& row : table) {
    INFO("row: " << row.call << " | " << row.error << " | " << row.operation << " | " << row.test);
    CHECK(call_named(row.call) != Call::count_);  // a syscall of the seam, as call_name() spells it
    CHECK(keys.insert(row.call + "\t" + row.error + "\t" + row.operation).second);  // no duplicate
    if (row.test == kNoTest) {
      CHECK(row.outcome.rfind(kNotApplicable, 0) == 0);  // untested rows say why
      CHECK(row.outcome.size() > std::string(kNotApplicable).size() + 10);
    } else {
      CHECK(tests.count(row.test) == 1);  // names a [matrix] test case of this binary
      CHECK((row.error == "short" || errnos().count(row.error) == 1));
      CHECK(row.outcome.rfind(kNotApplicable, 0) != 0);
    }
  }
}
