// uv_exepath, uv_os_getpid, uv_cpu_info, uv_kill.
#include <unistd.h>

#include <climits>
#include <cstring>
#include <fstream>
#include <string>

#include "support/test_support.h"

TEST_CASE("uv_exepath returns /proc/self/exe's target", "[misc]") {
  char expected[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", expected, sizeof expected);
  REQUIRE(n > 0);
  std::string want(expected, static_cast<size_t>(n));

  char buf[PATH_MAX];
  size_t size = sizeof buf;
  REQUIRE(uv_exepath(buf, &size) == 0);
  CHECK(std::string(buf) == want);
  CHECK(size == want.size());
}

TEST_CASE("uv_exepath with a short buffer: UV_ENOBUFS and the size needed, no truncation", "[misc]") {
  char full[PATH_MAX];
  size_t full_size = sizeof full;
  REQUIRE(uv_exepath(full, &full_size) == 0);

  char buf[8];
  std::memset(buf, 'x', sizeof buf);
  size_t size = sizeof buf;
  CHECK(uv_exepath(buf, &size) == UV_ENOBUFS);
  CHECK(size == full_size + 1);  // NUL included, as uv_cwd
  CHECK(buf[0] == 'x');          // untouched

  size = full_size + 1;  // exactly enough
  char* exact = new char[size];
  CHECK(uv_exepath(exact, &size) == 0);
  CHECK(std::string(exact) == full);
  delete[] exact;
}

TEST_CASE("uv_exepath rejects NULL and empty buffers", "[misc]") {
  char buf[16];
  size_t size = 0;
  CHECK(uv_exepath(buf, &size) == UV_EINVAL);
  size = sizeof buf;
  CHECK(uv_exepath(nullptr, &size) == UV_EINVAL);
  CHECK(uv_exepath(buf, nullptr) == UV_EINVAL);
}

TEST_CASE("uv_os_getpid is getpid", "[misc]") { CHECK(uv_os_getpid() == getpid()); }

TEST_CASE("uv_cpu_info lists each CPU of /proc/stat with times in ms", "[misc]") {
  int online = 0;
  std::ifstream stat("/proc/stat");
  for (std::string line; std::getline(stat, line);)
    online += line.size() > 3 && line.compare(0, 3, "cpu") == 0 && line[3] >= '0' && line[3] <= '9';

  uv_cpu_info_t* cpus = nullptr;
  int count = 0;
  REQUIRE(uv_cpu_info(&cpus, &count) == 0);
  CHECK(count == online);
  for (int i = 0; i < count; ++i) {
    REQUIRE(cpus[i].model != nullptr);
    CHECK(std::strlen(cpus[i].model) > 0);
    CHECK(cpus[i].speed >= 0);
    const auto& t = cpus[i].cpu_times;
    CHECK(t.user + t.sys + t.idle > 0);
    CHECK(t.idle % 10 == 0);  // ticks of 10 ms (USER_HZ 100) turned into ms
  }
  uv_free_cpu_info(cpus, count);
  CHECK(uv_cpu_info(nullptr, &count) == UV_EINVAL);
}

TEST_CASE("uv_kill: signal 0 probes, errors are libuv codes", "[misc]") {
  CHECK(uv_kill(getpid(), 0) == 0);
  CHECK(uv_kill(getpid(), -1) == UV_EINVAL);
  CHECK(uv_kill(getpid(), 1000) == UV_EINVAL);
  CHECK(uv_kill(INT_MAX, 0) == UV_ESRCH);  // above pid_max
}
