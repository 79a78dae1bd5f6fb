/*
 * Differential program: addresses (uv_inet_pton, uv_inet_ntop, uv_ip6_addr,
 * uv_ip6_name, uv_ip_name, and the IPv4 forms for comparison).
 *
 * A table of texts, valid and not, goes through pton then ntop; sizes of
 * the output buffer probe UV_ENOSPC; a zone ("%lo") becomes sin6_scope_id.
 */
#include <arpa/inet.h>
#include <net/if.h>

#include "diff_common.h"

static void round_trip(int af, const char* text) {
  unsigned char bin[16];
  char out[64];
  int r = uv_inet_pton(af, text, bin);
  if (r != 0) {
    say("pton(%s, \"%s\") = %s", af == AF_INET ? "AF_INET" : "AF_INET6", text, diff_err(r));
    return;
  }
  r = uv_inet_ntop(af, bin, out, sizeof out);
  say("pton(%s, \"%s\") = 0 -> ntop = %s \"%s\"", af == AF_INET ? "AF_INET" : "AF_INET6", text, diff_err(r), out);
}

int main(void) {
  diff_start();
  const char* v4[] = {"127.0.0.1", "0.0.0.0", "255.255.255.255", "1.2.3", "1.2.3.4.5", "256.1.1.1",
                      "01.2.3.4", "1.2.3.4 ", "", "::1", "1.2.3.04"};
  for (size_t i = 0; i < sizeof v4 / sizeof v4[0]; i++) round_trip(AF_INET, v4[i]);
  const char* v6[] = {"::1", "::", "1:2:3:4:5:6:7:8", "1::8", "0:0:0:0:0:0:0:1", "::ffff:1.2.3.4",
                      "2001:DB8::1", "fe80::1%lo", "fe80::1%", "1:2:3:4:5:6:7:8:9", ":::", "1.2.3.4",
                      "::ffff:1.2.3", "0000:0000::0001", "00000::1"};
  for (size_t i = 0; i < sizeof v6 / sizeof v6[0]; i++) round_trip(AF_INET6, v6[i]);

  unsigned char bin[16];
  say("pton(AF_UNIX) = %s, pton(NULL) = %s", diff_err(uv_inet_pton(AF_UNIX, "x", bin)),
      diff_err(uv_inet_pton(AF_INET, NULL, bin)));
  char out[64];
  CHECK(uv_inet_pton(AF_INET6, "2001:db8::ff00:42:8329", bin) == 0);
  for (size_t size = 21; size <= 24; size++)
    say("ntop(2001:db8::ff00:42:8329) into %zu bytes = %s", size, diff_err(uv_inet_ntop(AF_INET6, bin, out, size)));
  CHECK(uv_inet_pton(AF_INET, "10.20.30.40", bin) == 0);
  for (size_t size = 11; size <= 13; size++)
    say("ntop(10.20.30.40) into %zu bytes = %s", size, diff_err(uv_inet_ntop(AF_INET, bin, out, size)));
  say("ntop(AF_UNIX) = %s", diff_err(uv_inet_ntop(AF_UNIX, bin, out, sizeof out)));

  struct sockaddr_in6 a6;
  int r = uv_ip6_addr("fe80::2%lo", 4242, &a6);
  say("uv_ip6_addr(\"fe80::2%%lo\", 4242) = %s: family AF_INET6 %d, port %d, scope is lo's index %d", diff_err(r),
      a6.sin6_family == AF_INET6, ntohs(a6.sin6_port), a6.sin6_scope_id == if_nametoindex("lo"));
  r = uv_ip6_addr("::1%nosuchif", 1, &a6);
  say("uv_ip6_addr(\"::1%%nosuchif\") = %s, scope %u", diff_err(r), a6.sin6_scope_id);
  say("uv_ip6_addr(\"1.2.3.4\") = %s", diff_err(uv_ip6_addr("1.2.3.4", 1, &a6)));
  CHECK(uv_ip6_addr("2001:db8::7", 80, &a6) == 0);
  r = uv_ip6_name(&a6, out, sizeof out);
  say("uv_ip6_name = %s \"%s\"; into 4 bytes = %s", diff_err(r), out, diff_err(uv_ip6_name(&a6, out, 4)));
  r = uv_ip_name((struct sockaddr*)&a6, out, sizeof out);
  say("uv_ip_name(IPv6) = %s \"%s\"", diff_err(r), out);

  struct sockaddr_in a4;
  CHECK(uv_ip4_addr("192.0.2.9", 80, &a4) == 0);
  r = uv_ip_name((struct sockaddr*)&a4, out, sizeof out);
  say("uv_ip_name(IPv4) = %s \"%s\"", diff_err(r), out);
  say("uv_ip4_name into 9 bytes = %s", diff_err(uv_ip4_name(&a4, out, 9)));
  struct sockaddr un;
  memset(&un, 0, sizeof un);
  un.sa_family = AF_UNIX;
  say("uv_ip_name(AF_UNIX) = %s", diff_err(uv_ip_name(&un, out, sizeof out)));
  diff_done();
  return 0;
}
