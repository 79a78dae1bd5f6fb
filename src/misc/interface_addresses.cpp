/**
 * @file interface_addresses.cpp
 * @brief uv_interface_addresses(): one entry per address of every interface that is up and running.
 *
 * getifaddrs(3) (glibc asks the kernel over a netlink socket it opens and
 * closes itself) lists three kinds of entries per interface: IPv4 and IPv6
 * addresses, and an AF_PACKET entry carrying the hardware address. libuv
 * keeps interfaces that are both IFF_UP and IFF_RUNNING, makes one
 * uv_interface_address_t per IPv4 or IPv6 address (name, address, netmask,
 * is_internal for loopback), and copies the 6-byte hardware address of the
 * AF_PACKET entry into every entry with the same name (aliases such as
 * "eth0:1" included). An entry without a netmask keeps a zeroed one (libuv
 * would dereference NULL).
 *
 * One calloc() holds the array and each name is its own strdup(), so
 * uv_free_interface_addresses() frees them the way libuv does.
 *
 * libuv: src/unix/linux-core.c uv_interface_addresses, uv__ifaddr_exclude, uv_free_interface_addresses
 *
 * Page: \docpage{api-system}
 */
#include <ifaddrs.h>
#include <net/if.h>
#include <netpacket/packet.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "uv.h"

namespace {

bool up_and_running(const ifaddrs* ent) {
  return (ent->ifa_flags & IFF_UP) && (ent->ifa_flags & IFF_RUNNING) && ent->ifa_addr != nullptr;
}

bool is_address(const ifaddrs* ent) {
  return up_and_running(ent) && ent->ifa_addr->sa_family != AF_PACKET;
}

bool is_hardware(const ifaddrs* ent) {
  return up_and_running(ent) && ent->ifa_addr->sa_family == AF_PACKET;
}

/** Copies a sockaddr of either family into the entry's union. */
template <typename Union>
void copy_addr(Union* dst, const sockaddr* src) {
  if (src == nullptr) return;
  std::memcpy(dst, src, src->sa_family == AF_INET6 ? sizeof(sockaddr_in6) : sizeof(sockaddr_in));
}

/** "eth0" names "eth0" and its aliases "eth0:N". */
bool same_interface(const char* entry, const char* name) {
  size_t n = std::strlen(name);
  return std::strncmp(entry, name, n) == 0 && (entry[n] == '\0' || entry[n] == ':');
}

}  // namespace

// [docs:interface-addresses]
int uv_interface_addresses(uv_interface_address_t** addresses, int* count) {
  if (addresses == nullptr || count == nullptr) return UV_EINVAL;
  *addresses = nullptr;
  *count = 0;
  ifaddrs* list;
  if (getifaddrs(&list) != 0) return -errno;

  int n = 0;
  for (ifaddrs* ent = list; ent != nullptr; ent = ent->ifa_next) n += is_address(ent);
  if (n == 0) {
    freeifaddrs(list);
    return 0;
  }
  auto* out = static_cast<uv_interface_address_t*>(std::calloc(n, sizeof(uv_interface_address_t)));
  if (out == nullptr) {
    freeifaddrs(list);
    return UV_ENOMEM;
  }

  int i = 0;
  for (ifaddrs* ent = list; ent != nullptr; ent = ent->ifa_next) {
    if (!is_address(ent)) continue;
    uv_interface_address_t* a = &out[i++];
    a->name = strdup(ent->ifa_name);
    if (a->name == nullptr) {
      uv_free_interface_addresses(out, i);
      freeifaddrs(list);
      return UV_ENOMEM;
    }
    copy_addr(&a->address, ent->ifa_addr);
    copy_addr(&a->netmask, ent->ifa_netmask);
    a->is_internal = (ent->ifa_flags & IFF_LOOPBACK) ? 1 : 0;
  }
  for (ifaddrs* ent = list; ent != nullptr; ent = ent->ifa_next) {
    if (!is_hardware(ent)) continue;
    const auto* sll = reinterpret_cast<const sockaddr_ll*>(ent->ifa_addr);
    for (int k = 0; k < n; ++k)
      if (same_interface(out[k].name, ent->ifa_name))
        std::memcpy(out[k].phys_addr, sll->sll_addr, sizeof out[k].phys_addr);
  }
  freeifaddrs(list);
  *addresses = out;
  *count = n;
  return 0;
}
// [/docs:interface-addresses]

void uv_free_interface_addresses(uv_interface_address_t* addresses, int count) {
  for (int i = 0; i < count; ++i) std::free(addresses[i].name);
  std::free(addresses);
}
