// Process and system (src/misc/). What Debian's libuv can observe the same
// way is compared by the differential test system_info; these cover the edges.
#include <arpa/inet.h>
#include <net/if.h>
#include <sys/prctl.h>
#include <sys/utsname.h>

#include <cstring>
#include <string>

#include "support/test_support.h"

TEST_CASE("system: uv_sleep sleeps at least as long as asked", "[system]") {
  uint64_t start = uv_hrtime();
  uv_sleep(15);
  CHECK(uv_hrtime() - start >= 15u * 1000 * 1000);
}

TEST_CASE("system: process title lives in argv's block; cut to fit; UV_ENOBUFS before setup",
          "[system][title]") {
  char title[64];
  CHECK(uv_get_process_title(title, sizeof title) == UV_ENOBUFS);
  CHECK(uv_set_process_title("x") == UV_ENOBUFS);

  char comm[16] = {};
  REQUIRE(prctl(PR_GET_NAME, comm, 0, 0, 0) == 0);  // restored at the end

  // A fake argv block, laid out as the kernel lays it out: "prog\0ab\0".
  char block[] = "prog\0ab";
  char* argv[] = {block, block + 5, nullptr};
  char** copy = uv_setup_args(2, argv);
  REQUIRE(copy != argv);
  CHECK(std::string(copy[0]) == "prog");
  CHECK(std::string(copy[1]) == "ab");
  CHECK(copy[2] == nullptr);

  REQUIRE(uv_get_process_title(title, sizeof title) == 0);
  CHECK(std::string(title) == "prog");
  CHECK(uv_get_process_title(title, 4) == UV_ENOBUFS);  // "prog" needs 5
  CHECK(uv_get_process_title(nullptr, 4) == UV_EINVAL);

  REQUIRE(uv_set_process_title("longer than the block") == 0);
  REQUIRE(uv_get_process_title(title, sizeof title) == 0);
  CHECK(std::string(title) == "longer ");  // 8 bytes of room, the NUL included
  CHECK(std::memcmp(block, "longer \0", 8) == 0);
  CHECK(std::string(copy[1]) == "ab");  // the copy is untouched
  char now[16] = {};
  REQUIRE(prctl(PR_GET_NAME, now, 0, 0, 0) == 0);
  CHECK(std::string(now) == "longer ");
  prctl(PR_SET_NAME, comm, 0, 0, 0);
}

TEST_CASE("system: uv_os_uname matches uname(2); uv_loadavg gives three non-negative numbers", "[system]") {
  uv_utsname_t u;
  struct utsname k;
  REQUIRE(uv_os_uname(&u) == 0);
  REQUIRE(uname(&k) == 0);
  CHECK(std::string(u.sysname) == k.sysname);
  CHECK(std::string(u.release) == k.release);
  CHECK(std::string(u.version) == k.version);
  CHECK(std::string(u.machine) == k.machine);
  CHECK(uv_os_uname(nullptr) == UV_EINVAL);

  double avg[3] = {-1, -1, -1};
  uv_loadavg(avg);
  for (double a : avg) CHECK(a >= 0);
}

TEST_CASE("system: uv_interface_addresses lists loopback as internal, with its netmask", "[system][ifaddr]") {
  uv_interface_address_t* addrs = nullptr;
  int count = -1;
  REQUIRE(uv_interface_addresses(&addrs, &count) == 0);
  bool lo4 = false;
  for (int i = 0; i < count; ++i) {
    REQUIRE(addrs[i].name != nullptr);
    int family = addrs[i].address.address4.sin_family;
    CHECK((family == AF_INET || family == AF_INET6));
    if (family == AF_INET && addrs[i].address.address4.sin_addr.s_addr == htonl(INADDR_LOOPBACK)) {
      lo4 = true;
      CHECK(addrs[i].is_internal == 1);
      CHECK(addrs[i].netmask.netmask4.sin_addr.s_addr == htonl(0xFF000000u));
    }
  }
  CHECK(lo4);
  uv_free_interface_addresses(addrs, count);
  CHECK(uv_interface_addresses(nullptr, &count) == UV_EINVAL);
}
