/**
 * @file tour.cpp
 * @brief uvref-tour: runs the loop-initialisation stages one by one and shows each new descriptor.
 *
 * After each stage of uv_loop_init() (called as any program calls it, with an
 * observer hook set first, so `break uv_loop_init` stops at this loop too) it
 * prints the descriptors that appeared: number, what /proc/self/fd says it is,
 * O_NONBLOCK, FD_CLOEXEC, and the loop field that owns it. Then it runs the
 * loop once, so epoll_ctl() registers the two watched descriptors, opens a
 * second loop (four descriptors, not six: the lock pipe is per process), and
 * closes both.
 *
 * Run it under strace to see the syscalls beside the output:
 *     strace -e trace=pipe2,eventfd2,epoll_create1,epoll_ctl,close build/debug/src/uvref-tour
 * Step through it in GDB: the walkthrough in walkthroughs/loop-init/.
 *
 * Page: \docpage{tour}
 */
#include <cstdio>
#include <set>

#include "debug/fd_owner.h"
#include "debug/fd_table.h"
#include "loop_init/stages.h"
#include "uv.h"

namespace {

using uvref::debug::FdInfo;

std::set<int> known;

/** Prints the descriptors that were not open at the previous call. */
void show_new(const uv_loop_t* loop, const char* title) {
  std::printf("\n== %s\n", title);
  int shown = 0;
  for (const FdInfo& d : uvref::debug::fd_table()) {
    if (known.count(d.fd)) continue;
    known.insert(d.fd);
    std::printf("   fd %-2d %-24s %-11s %-10s %s\n", d.fd, uvref::debug::fd_kind(d.target).c_str(),
                d.nonblocking ? "O_NONBLOCK" : "blocking", d.cloexec ? "FD_CLOEXEC" : "inherited",
                uvref::debug::fd_owner(loop, d.fd).c_str());
    ++shown;
  }
  if (shown == 0) std::printf("   (no new descriptor)\n");
}

/** Prints the descriptors that have gone since the previous call. */
void show_gone(const char* title) {
  std::set<int> now;
  for (const FdInfo& d : uvref::debug::fd_table()) now.insert(d.fd);
  std::printf("\n== %s\n   closed:", title);
  for (auto it = known.begin(); it != known.end();) {
    if (!now.count(*it)) {
      std::printf(" %d", *it);
      it = known.erase(it);
    } else {
      ++it;
    }
  }
  std::printf("\n   still open beyond stdio:");
  for (int fd : known)
    if (fd > 2) std::printf(" %d", fd);
  std::printf("\n");
}

void after_stage(uv_loop_t* loop, const char* stage, void*) { show_new(loop, stage); }

void on_timer(uv_timer_t*) {}

}  // namespace

int main() {
  std::printf("uvref-tour: uv_loop_init() stage by stage (%s)\n", uv_version_string());
  show_new(nullptr, "before uv_loop_init: what the process already has");

  uv_loop_t loop;
  uvref::detail::set_loop_init_observer(after_stage, nullptr);  // uv_loop_init reports each stage
  int r = uv_loop_init(&loop);
  uvref::detail::set_loop_init_observer(nullptr, nullptr);
  if (r != 0) {
    std::fprintf(stderr, "uv_loop_init: %s\n", uv_strerror(r));
    return 1;
  }

  // The watchers of stages 3 and 4 are queued, not registered: the first
  // iteration with an active handle makes the two epoll_ctl(ADD) calls.
  uv_timer_t timer;
  uv_timer_init(&loop, &timer);
  uv_timer_start(&timer, on_timer, 0, 0);
  uv_run(&loop, UV_RUN_DEFAULT);
  std::printf("\n== uv_run with one timer: epoll now watches %u descriptors (loop.nfds)\n", loop.nfds);
  uv_close(reinterpret_cast<uv_handle_t*>(&timer), nullptr);
  uv_run(&loop, UV_RUN_DEFAULT);

  uv_loop_t second;
  uv_loop_init(&second);
  show_new(&second, "a second loop: four descriptors, the lock pipe is shared");

  uv_loop_close(&second);
  uv_loop_close(&loop);
  show_gone("both loops closed (the lock pipe lives as long as the process, as in libuv)");
  return 0;
}
