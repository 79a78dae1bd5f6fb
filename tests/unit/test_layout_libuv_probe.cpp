// Measures the struct layouts of Debian's libuv 1.44 (libuv1-dev's
// /usr/include/uv.h) for test_layout.cpp. This file does not see uvref's
// uv.h: libuv's header is included inside a namespace so that its types
// cannot clash with uvref's (the C library headers it needs come first, so
// their include guards keep them out of the namespace).
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <pwd.h>
#include <semaphore.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/param.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <termios.h>

#include <map>
#include <string>

namespace debian_libuv {
#include "/usr/include/uv.h"
}  // namespace debian_libuv

namespace uvref::test {

std::map<std::string, size_t> debian_libuv_layout() {
  using namespace debian_libuv;
  std::map<std::string, size_t> m;
#define SIZE(T) m["sizeof " #T] = sizeof(T)
#define OFF(T, f) m[#T "." #f] = offsetof(T, f)
#include "layout_fields.inc"
#undef SIZE
#undef OFF
  return m;
}

}  // namespace uvref::test
