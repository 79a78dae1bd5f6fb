// Process and system (src/misc/) and addresses (uv_ip6_*, uv_inet_*). What
// Debian's libuv can observe the same way is compared by the differential
// tests system_info and addresses; these cover the edges.
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

TEST_CASE("addresses: inet_pton/ntop with libuv's errors; ip6 with a zone; ip_name by family", "[addresses]") {
  unsigned char buf[16];
  CHECK(uv_inet_pton(AF_INET, "10.0.0.1", buf) == 0);
  CHECK(uv_inet_pton(AF_INET, "10.0.0", buf) == UV_EINVAL);
  CHECK(uv_inet_pton(AF_INET6, "fe80::1%lo", buf) == 0);
  CHECK(uv_inet_pton(AF_UNIX, "x", buf) == UV_EAFNOSUPPORT);
  CHECK(uv_inet_pton(AF_INET, nullptr, buf) == UV_EINVAL);
  std::string long_zone = std::string(50, '1') + "%lo";
  CHECK(uv_inet_pton(AF_INET6, long_zone.c_str(), buf) == UV_EINVAL);

  char text[INET6_ADDRSTRLEN];
  REQUIRE(uv_inet_pton(AF_INET6, "2001:db8::ff00:42:8329", buf) == 0);
  REQUIRE(uv_inet_ntop(AF_INET6, buf, text, sizeof text) == 0);
  CHECK(std::string(text) == "2001:db8::ff00:42:8329");
  CHECK(uv_inet_ntop(AF_INET6, buf, text, 22) == UV_ENOSPC);  // 22 characters + NUL needs 23
  CHECK(uv_inet_ntop(AF_INET6, buf, text, 23) == 0);
  CHECK(uv_inet_ntop(AF_UNIX, buf, text, sizeof text) == UV_EAFNOSUPPORT);

  sockaddr_in6 sa6;
  REQUIRE(uv_ip6_addr("fe80::1%lo", 8080, &sa6) == 0);
  CHECK(sa6.sin6_family == AF_INET6);
  CHECK(sa6.sin6_port == htons(8080));
  CHECK(sa6.sin6_scope_id == if_nametoindex("lo"));
  REQUIRE(uv_ip6_addr("::1%no-such-interface", 1, &sa6) == 0);
  CHECK(sa6.sin6_scope_id == 0);  // unknown zone: ignored, as in libuv
  REQUIRE(uv_ip6_name(&sa6, text, sizeof text) == 0);
  CHECK(std::string(text) == "::1");
  REQUIRE(uv_ip_name(reinterpret_cast<sockaddr*>(&sa6), text, sizeof text) == 0);
  CHECK(std::string(text) == "::1");

  sockaddr_in sa4;
  REQUIRE(uv_ip4_addr("192.168.1.2", 1, &sa4) == 0);
  REQUIRE(uv_ip_name(reinterpret_cast<sockaddr*>(&sa4), text, sizeof text) == 0);
  CHECK(std::string(text) == "192.168.1.2");
  sockaddr un{};
  un.sa_family = AF_UNIX;
  CHECK(uv_ip_name(&un, text, sizeof text) == UV_EAFNOSUPPORT);
}
