/* In the style of the libuv guide's "interfaces" example, plus addresses:
 * lists the loopback interface's IPv4 entry, and converts addresses both
 * ways. INET6_ADDRSTRLEN, inet_ntop, struct sockaddr_in6, IPPROTO_TCP and
 * struct passwd come from the system headers uv.h includes. */
#include <stdio.h>
#include <string.h>
#include <uv.h>

int main(void) {
  char buf[INET6_ADDRSTRLEN];
  uv_interface_address_t* info;
  int count;
  if (uv_interface_addresses(&info, &count) != 0) return 1;
  int lo = 0;
  for (int i = 0; i < count; i++) {
    uv_interface_address_t interface_a = info[i];
    if (interface_a.address.address4.sin_family == AF_INET) {
      uv_ip4_name(&interface_a.address.address4, buf, sizeof(buf));
      if (strcmp(buf, "127.0.0.1") == 0) {
        printf("Name: %s\nInternal? %s\nIPv4 address: %s\n", interface_a.name,
               interface_a.is_internal ? "Yes" : "No", buf);
        lo++;
      }
    }
  }
  uv_free_interface_addresses(info, count);
  printf("loopback entries: %d\n", lo);

  struct sockaddr_in6 a6;
  uv_ip6_addr("2001:db8::1", 443, &a6);
  uv_ip6_name(&a6, buf, sizeof buf);
  printf("IPv6 address: %s port %d\n", buf, ntohs(a6.sin6_port));
  unsigned char raw[16];
  uv_inet_pton(AF_INET, "192.0.2.1", raw);
  printf("inet_ntop (libc, via uv.h): %s\n", inet_ntop(AF_INET, raw, buf, sizeof buf));
  struct passwd* pw = NULL;
  printf("IPPROTO_TCP %d, struct passwd pointer %s\n", IPPROTO_TCP, pw == NULL ? "declared" : "?");

  uv_utsname_t u;
  uv_os_uname(&u);
  printf("system: %s\n", u.sysname);
  return 0;
}
