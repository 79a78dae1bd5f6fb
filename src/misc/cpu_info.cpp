/**
 * @file cpu_info.cpp
 * @brief uv_cpu_info(): model, speed and time counters of each CPU, from /proc.
 *
 * Two files, read with open/read through the seam:
 *  - /proc/stat: a line "cpuN user nice system idle iowait irq ..." per
 *    online CPU, in clock ticks (sysconf(_SC_CLK_TCK), 100 per second on
 *    Linux). Times are reported in milliseconds, as libuv does. Its cpuN lines
 *    decide how many CPUs there are.
 *  - /proc/cpuinfo: "model name" and "cpu MHz" per processor, in the same
 *    order. Where "cpu MHz" is missing (some ARM kernels) the current
 *    frequency comes from /sys/devices/system/cpu/cpuN/cpufreq/scaling_cur_freq
 *    (kHz); where both are missing the speed is 0, the model "unknown".
 *
 * One allocation holds the array; each model string is its own allocation,
 * freed by uv_free_cpu_info(), so programs that free them libuv's way work.
 *
 * libuv: src/unix/linux-core.c uv_cpu_info, read_models, read_times, read_cpufreq
 *
 * Page: \docpage{process-misc}
 */
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "sys/sys.h"
#include "uv.h"

namespace {

/** The whole of a (small, procfs) file, or an error. */
int read_file(const char* path, std::string* out) noexcept {
  int fd = uvref::sys::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return fd;
  char buf[4096];
  int r = 0;
  for (;;) {
    ssize_t n = uvref::sys::read(fd, buf, sizeof buf);
    if (n == -EINTR) continue;
    if (n < 0) r = static_cast<int>(n);
    if (n <= 0) break;
    out->append(buf, static_cast<size_t>(n));
  }
  uvref::sys::close_fd(fd);
  return r;
}

/** The text after "key", blanks and a colon, on a line starting with key, or "" if this line is not it. */
std::string value_of(const std::string& line, const char* key) {
  size_t klen = std::strlen(key);
  if (line.compare(0, klen, key) != 0) return "";
  size_t colon = line.find(':', klen);
  if (colon == std::string::npos) return "";
  size_t start = line.find_first_not_of(" \t", colon + 1);
  return start == std::string::npos ? "" : line.substr(start);
}

struct Cpu {
  std::string model = "unknown";
  int speed = 0;
  uv_cpu_times_s times{};
};

// [docs:cpu-times]
int read_times(std::vector<Cpu>* cpus) {
  std::string stat;
  int r = read_file("/proc/stat", &stat);
  if (r < 0) return r;
  long ticks = sysconf(_SC_CLK_TCK);
  uint64_t ms_per_tick = ticks > 0 ? 1000 / static_cast<uint64_t>(ticks) : 10;
  size_t pos = 0;
  while (pos < stat.size()) {
    size_t end = stat.find('\n', pos);
    if (end == std::string::npos) end = stat.size();
    std::string line = stat.substr(pos, end - pos);
    pos = end + 1;
    unsigned cpu;
    unsigned long long user, nice, sys, idle, iowait, irq;
    // "cpuN ..." lines only; "cpu  ..." is the total (and %u would skip the blanks).
    if (line.size() < 4 || line.compare(0, 3, "cpu") != 0 || line[3] < '0' || line[3] > '9') continue;
    if (std::sscanf(line.c_str(), "cpu%u %llu %llu %llu %llu %llu %llu", &cpu, &user, &nice, &sys,
                    &idle, &iowait, &irq) != 7)
      continue;
    Cpu c;
    c.times = {user * ms_per_tick, nice * ms_per_tick, sys * ms_per_tick, idle * ms_per_tick,
               irq * ms_per_tick};
    cpus->push_back(c);
  }
  return cpus->empty() ? UV_EIO : 0;
}
// [/docs:cpu-times]

void read_models(std::vector<Cpu>* cpus) {
  std::string info;
  if (read_file("/proc/cpuinfo", &info) < 0) return;  // models stay "unknown"
  size_t model_i = 0, speed_i = 0, pos = 0;
  while (pos < info.size()) {
    size_t end = info.find('\n', pos);
    if (end == std::string::npos) end = info.size();
    std::string line = info.substr(pos, end - pos);
    pos = end + 1;
    std::string v = value_of(line, "model name");
    if (!v.empty() && model_i < cpus->size()) (*cpus)[model_i++].model = v;
    v = value_of(line, "cpu MHz");
    if (!v.empty() && speed_i < cpus->size()) (*cpus)[speed_i++].speed = std::atoi(v.c_str());
  }
  for (size_t i = 0; i < cpus->size(); ++i) {
    if ((*cpus)[i].speed != 0) continue;
    char path[96];
    std::snprintf(path, sizeof path, "/sys/devices/system/cpu/cpu%zu/cpufreq/scaling_cur_freq", i);
    std::string khz;
    if (read_file(path, &khz) == 0) (*cpus)[i].speed = std::atoi(khz.c_str()) / 1000;
  }
}

}  // namespace

int uv_cpu_info(uv_cpu_info_t** cpu_infos, int* count) {
  if (cpu_infos == nullptr || count == nullptr) return UV_EINVAL;
  std::vector<Cpu> cpus;
  try {
    int r = read_times(&cpus);
    if (r < 0) return r;
    read_models(&cpus);
  } catch (const std::bad_alloc&) {
    return UV_ENOMEM;
  }
  auto* out = static_cast<uv_cpu_info_t*>(std::calloc(cpus.size(), sizeof(uv_cpu_info_t)));
  if (out == nullptr) return UV_ENOMEM;
  for (size_t i = 0; i < cpus.size(); ++i) {
    out[i].model = strdup(cpus[i].model.c_str());
    if (out[i].model == nullptr) {
      uv_free_cpu_info(out, static_cast<int>(i));
      return UV_ENOMEM;
    }
    out[i].speed = cpus[i].speed;
    out[i].cpu_times = cpus[i].times;
  }
  *cpu_infos = out;
  *count = static_cast<int>(cpus.size());
  return 0;
}

void uv_free_cpu_info(uv_cpu_info_t* cpu_infos, int count) {
  if (cpu_infos == nullptr) return;
  for (int i = 0; i < count; ++i) std::free(cpu_infos[i].model);
  std::free(cpu_infos);
}
