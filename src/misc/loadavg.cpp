/**
 * @file loadavg.cpp
 * @brief uv_loadavg(): the 1, 5 and 15 minute load averages.
 *
 * Read from /proc/loadavg ("0.42 0.30 0.25 1/123 4567"); if procfs is not
 * mounted, from sysinfo(2), whose loads are fixed-point numbers scaled by
 * 2^16. If both fail the array is left as the caller filled it (libuv: the
 * function returns void and says nothing either).
 *
 * libuv: src/unix/linux-core.c uv_loadavg
 *
 * Page: \docpage{api-system}
 */
#include <sys/sysinfo.h>

#include <cstdio>

#include "sys/sys.h"
#include "uv.h"

namespace sys = uvref::sys;

void uv_loadavg(double avg[3]) {
  int fd = sys::open("/proc/loadavg", O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    char buf[128];
    ssize_t n = sys::read(fd, buf, sizeof buf - 1);
    sys::close(fd);
    if (n > 0) {
      buf[n] = '\0';
      if (std::sscanf(buf, "%lf %lf %lf", &avg[0], &avg[1], &avg[2]) == 3) return;
    }
  }
  struct sysinfo info;
  if (sys::sysinfo(&info) < 0) return;
  for (int i = 0; i < 3; ++i) avg[i] = static_cast<double>(info.loads[i]) / 65536.0;
}
