/**
 * @file loop_init_probe.cpp
 * @brief Diagram 3's data: what each stage of uv_loop_init() created, read from a live run.
 *
 * Runs uv_loop_init() through the same code path as the tour (the stage
 * observer of loop_init_stages) and after each stage records the descriptors
 * that appeared: number, kind (/proc/self/fd), O_NONBLOCK, FD_CLOEXEC and the
 * owner, found by uvref::debug::fd_owner in the loop's own fields. Then it
 * runs the loop once, so the queued watchers are registered, and reads the
 * epoll instance's interest list from /proc/self/fdinfo/<backend_fd> (one
 * "tfd:" line per watched descriptor): the diagram's "watches" edges are the
 * kernel's answer, not the code's intention.
 *
 * Writes JSON to the file named by argv[1]; loop_init_dot.py draws it.
 */
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "debug/fd_owner.h"
#include "debug/fd_table.h"
#include "loop_init/stages.h"
#include "uv.h"

namespace {

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out + "\"";
}

struct Probe {
  std::set<int> known;
  std::ostringstream stages;
  bool first = true;
};

/** Appends {"stage": ..., "fds": [...]} for the descriptors new since the last call. */
void record(uv_loop_t* loop, const char* stage, void* ctx) {
  auto* p = static_cast<Probe*>(ctx);
  p->stages << (p->first ? "\n    " : ",\n    ") << "{\"stage\": " << json_string(stage)
            << ", \"fds\": [";
  p->first = false;
  bool first_fd = true;
  for (const uvref::debug::FdInfo& d : uvref::debug::fd_table()) {
    if (!p->known.insert(d.fd).second) continue;
    p->stages << (first_fd ? "" : ", ") << "{\"fd\": " << d.fd
              << ", \"kind\": " << json_string(uvref::debug::fd_kind(d.target))
              << ", \"nonblocking\": " << (d.nonblocking ? "true" : "false")
              << ", \"cloexec\": " << (d.cloexec ? "true" : "false")
              << ", \"owner\": " << json_string(uvref::debug::fd_owner(loop, d.fd)) << "}";
    first_fd = false;
  }
  p->stages << "]}";
}

/** The descriptors epoll instance @p epfd watches, with their event masks (kernel's view). */
std::string interest_list(int epfd) {
  std::ifstream in("/proc/self/fdinfo/" + std::to_string(epfd));
  std::string line, out;
  while (std::getline(in, line)) {
    int tfd = -1;
    unsigned events = 0;
    if (std::sscanf(line.c_str(), "tfd: %d events: %x", &tfd, &events) != 2) continue;
    out += (out.empty() ? "" : ", ") + std::string("{\"fd\": ") + std::to_string(tfd) +
           ", \"events\": " + std::to_string(events) + "}";
  }
  return "[" + out + "]";
}

void on_timer(uv_timer_t*) {}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: %s OUT.json\n", argv[0]);
    return 2;
  }
  Probe probe;
  record(nullptr, "before", &probe);  // stdio and whatever else the process has: not the loop's
  uv_loop_t loop;
  int r = uvref::detail::loop_init_stages(&loop, record, &probe);
  if (r != 0) {
    std::fprintf(stderr, "loop_init_probe: uv_loop_init: %s\n", uv_strerror(r));
    return 1;
  }
  const std::string before_run = interest_list(loop.backend_fd);

  uv_timer_t timer;
  uv_timer_init(&loop, &timer);
  uv_timer_start(&timer, on_timer, 0, 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  const std::string after_run = interest_list(loop.backend_fd);
  const unsigned nfds = loop.nfds;
  uv_close(reinterpret_cast<uv_handle_t*>(&timer), nullptr);
  uv_run(&loop, UV_RUN_DEFAULT);
  r = uv_loop_close(&loop);
  if (r != 0) {
    std::fprintf(stderr, "loop_init_probe: uv_loop_close: %s\n", uv_strerror(r));
    return 1;
  }

  std::ofstream out(argv[1]);
  out << "{\n  \"version\": " << json_string(uv_version_string())
      << ",\n  \"stages\": [" << probe.stages.str() << "\n  ],\n"
      << "  \"epoll_before_run\": " << before_run << ",\n"
      << "  \"epoll_after_run\": " << after_run << ",\n"
      << "  \"nfds\": " << nfds << "\n}\n";
  out.close();
  if (!out) {
    std::fprintf(stderr, "loop_init_probe: cannot write %s\n", argv[1]);
    return 1;
  }
  return 0;
}
