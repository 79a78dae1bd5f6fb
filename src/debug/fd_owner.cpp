/**
 * @file fd_owner.cpp
 * @brief Walks a loop's fields and handles to find who holds a descriptor.
 *
 * Page: \docpage{tour}
 */
#include "debug/fd_owner.h"

#include <cstdio>

#include "core/internal.h"
#include "fdpass/steps.h"
#include "loop_init/stages.h"

namespace uvref::debug {

std::string fd_owner(const uv_loop_t* loop, int fd) {
  if (fd < 0) return "";
  if (fd == detail::signal_lock_pipefd[0]) return "signal_lock_pipefd[0] (process-wide lock, read end)";
  if (fd == detail::signal_lock_pipefd[1]) return "signal_lock_pipefd[1] (process-wide lock, write end)";
  if (loop == nullptr) return "";
  if (fd == loop->backend_fd) return "loop->backend_fd (epoll instance)";
  if (fd == loop->signal_pipefd[0]) return "loop->signal_pipefd[0] (signal pipe, read end; watched)";
  if (fd == loop->signal_pipefd[1]) return "loop->signal_pipefd[1] (signal pipe, write end)";
  if (fd == loop->async_io_watcher.fd) return "loop->async_io_watcher.fd (eventfd for uv_async_send)";
  if (fd == loop->emfile_fd) return "loop->emfile_fd (reserve for the EMFILE trick)";
  for (const uv__queue* q = loop->handle_queue.next; q != &loop->handle_queue; q = q->next) {
    auto* h = detail::entry<uv_handle_t, offsetof(uv_handle_t, handle_queue)>(const_cast<uv__queue*>(q));
    if (h->type != UV_NAMED_PIPE && h->type != UV_TCP && h->type != UV_TTY) continue;
    auto* s = reinterpret_cast<const uv_stream_t*>(h);
    const char* field = nullptr;
    if (s->io_watcher.fd == fd) field = "io_watcher.fd";
    if (s->accepted_fd == fd) field = "accepted_fd (received or accepted, waiting for uv_accept)";
    if (const uv__queued_fds* q = s->queued_fds) {
      for (unsigned i = q->head; field == nullptr && i < q->tail; ++i)
        if (q->fds[i] == fd) field = "queued_fds (received, waiting for uv_accept)";
    }
    if (field == nullptr) continue;
    char buf[128];
    std::snprintf(buf, sizeof buf, "%s handle %p %s", uv_handle_type_name(h->type),
                  static_cast<const void*>(h), field);
    return buf;
  }
  return "";
}

}  // namespace uvref::debug
