/**
 * @file trace_units.cpp
 * @brief What the trace says about a unit: its docs page, and where a call's result goes.
 *
 * The pages come from the units themselves: each unit's header names its
 * page on its `Page:` line, and the build turns those lines into a table
 * (trace_pages.cmake writes trace_pages.cpp), so a page cannot go stale here.
 *
 * The owners are the one thing the trace is told rather than shown: a
 * system call returns a number, and only the unit knows which field it is
 * about to store it in. Keeping that knowledge in this table keeps the units
 * free of trace code (a student stepping through them in GDB sees none). Where a
 * row can say *which* loop or handle, its `named` form does: trace_loops.cpp finds
 * it in the loop's own state, and only the thread that uses the loop looks (rows
 * that run in a signal handler, on a pool thread or in a forked child have no
 * `named` form, or find nothing there). The test trace.loop_init checks the
 * loop-init owners against the loop's fields (as the tour's fd_owner() reads them).
 *
 * Page: \docpage{watching}
 */
#include <cstring>

#include "sys/trace.h"

namespace uvref::sys::trace {

const UnitOwner kUnitOwners[] = {
    // Loop initialisation, in stage order.
    {"loop_init/epoll_create.cpp", Call::epoll_create1, nullptr, "Stage 1: loop->backend_fd, the epoll instance",
     Name::init_epoll, "Stage 1: {l}->backend_fd, the epoll instance"},
    {"loop_init/epoll_create.cpp", Call::close, nullptr, "loop->backend_fd closed", Name::loop_fd, "{l}->{f} closed"},
    {"loop_init/signal_lock_pipe.cpp", Call::pipe2, nullptr,
     "Stage 2: signal_lock_pipefd[0] (read: take the lock), [1] (write: release it); one per process"},
    {"loop_init/signal_lock_pipe.cpp", Call::read, nullptr, "signal lock taken (the byte is out of the pipe)"},
    {"loop_init/signal_lock_pipe.cpp", Call::write, nullptr, "signal lock released (the byte is back)"},
    {"loop_init/signal_lock_pipe.cpp", Call::close, nullptr, "a signal lock pipe end closed"},
    {"loop_init/signal_pipe.cpp", Call::pipe2, nullptr,
     "Stage 3: loop->signal_pipefd[0] (read end, watched), [1] (write end, for the handler)", Name::init_signal,
     "Stage 3: {l}->signal_pipefd[0] (read end, watched), [1] (write end, for the handler)"},
    {"loop_init/signal_pipe.cpp", Call::close, nullptr, "a loop->signal_pipefd end closed", Name::loop_fd,
     "{l}->{f} closed"},
    {"loop_init/async_eventfd.cpp", Call::eventfd, nullptr,
     "Stage 4: loop->async_io_watcher.fd, the uv_async_send wake-up counter", Name::init_async,
     "Stage 4: {l}->async_io_watcher.fd, the uv_async_send wake-up counter"},
    // uv_async_send() writes from any thread, even a signal handler: never looked up.
    {"loop_init/async_eventfd.cpp", Call::write, nullptr, "wakes the loop: the eventfd counter is non-zero"},
    {"loop_init/async_eventfd.cpp", Call::read, nullptr, "eventfd counter drained to 0", Name::loop_fd,
     "{l}->async_io_watcher.fd: the eventfd counter drained to 0"},
    {"loop_init/async_eventfd.cpp", Call::close, nullptr, "loop->async_io_watcher.fd closed", Name::loop_fd,
     "{l}->{f} closed"},
    // The loop's core.
    {"core/epoll_poll.cpp", Call::epoll_ctl, nullptr, "the interest list of loop->backend_fd", Name::loop_fd,
     "the interest list of {l}->backend_fd"},
    {"core/epoll_poll.cpp", Call::epoll_wait, nullptr, "ready watchers, dispatched to their callbacks", Name::loop_fd,
     "ready watchers of {l}, dispatched to their callbacks"},
    {"loop_init/stages.cpp", Call::close, nullptr, "loop->emfile_fd closed", Name::loop_fd, "{l}->{f} closed"},
    // Signals.
    {"signal/signal_handler.cpp", Call::write, "signal_handler",
     "the signal, as a message in loop->signal_pipefd (from the handler)"},
    {"signal/signal_handler.cpp", Call::sigaction, nullptr, "the process-wide handler of the signal"},
    {"signal/signal.cpp", Call::read, nullptr, "signal messages, dispatched to the uv_signal_t callbacks",
     Name::loop_fd, "signal messages from {l}->{f}, dispatched to the uv_signal_t callbacks"},
    // Streams.
    {"stream/server_io.cpp", Call::accept4, nullptr, "server->accepted_fd, until uv_accept hands it to a client handle",
     Name::stream_fd, "accepted_fd of the server {h}, until uv_accept hands it to a client handle"},
    {"dispatch/listen_accept.cpp", Call::close, nullptr, "an accepted descriptor the client could not take"},
    {"stream/stream_read.cpp", Call::read, nullptr, "the bytes, handed to the read callback", Name::stream_fd,
     "the bytes, handed to the read callback of {h}"},
    {"stream/write_queue.cpp", Call::write, nullptr, "the bytes of the head write request", Name::stream_fd,
     "the bytes of the head write request of {h}"},
    {"stream/write_queue.cpp", Call::writev, nullptr, "the bytes of the head write request", Name::stream_fd,
     "the bytes of the head write request of {h}"},
    {"stream/stream_close.cpp", Call::close, nullptr, "the stream's io_watcher.fd (or accepted_fd) closed",
     Name::stream_fd, "{h}->{f} closed"},
    {"stream/stream_shutdown.cpp", Call::shutdown, nullptr, "the peer reads end-of-file after the last byte",
     Name::stream_fd, "{h}: the peer reads end-of-file after the last byte"},
    {"stream/emfile.cpp", Call::open, nullptr, "loop->emfile_fd, the reserve for the EMFILE trick"},
    // Files and terminals.
    {"fs/fs_open_close.cpp", Call::open, nullptr, "req->result: the file's descriptor, the caller's to close"},
    {"fs/fs_open_close.cpp", Call::close, nullptr, "the descriptor of uv_fs_close closed"},
    {"tty/tty_init.cpp", Call::open, nullptr, "the terminal reopened: the uv_tty_t's own descriptor"},
    {"tty/tty_init.cpp", Call::dup3, nullptr, "the reopened terminal moved onto the caller's descriptor"},
    {"stream/emfile.cpp", Call::close, nullptr, "the reserve freed, or a connection shed"},
    // Pipes.
    {"pipe/pipe_bind.cpp", Call::socket, nullptr, "the pipe handle's io_watcher.fd"},
    {"pipe/pipe_bind.cpp", Call::bind, nullptr, "the socket file in the file system"},
    {"pipe/pipe_bind.cpp", Call::listen, nullptr, "the pipe now accepts connections", Name::stream_fd,
     "{h} now accepts connections"},
    {"pipe/pipe_init_open.cpp", Call::unlink, nullptr, "the socket file removed"},
    {"pipe/uv_pipe.cpp", Call::pipe2, nullptr, "fds[0] (read end), fds[1] (write end) for the caller"},
    {"pipe/socketpair.cpp", Call::socketpair, nullptr, "fds[0], fds[1] for the caller"},
    // Descriptor passing.
    {"fdpass/send.cpp", Call::sendmsg, nullptr,
     "the bytes and the cargo descriptors, now in flight (the sender may close its copies)", Name::stream_fd,
     "the bytes and the cargo descriptors, now in flight from {h} (the sender may close its copies)"},
    {"fdpass/recvmsg.cpp", Call::recvmsg, nullptr,
     "received descriptors: the pipe's accepted_fd, then its pending queue (queued_fds)", Name::stream_fd,
     "received descriptors: accepted_fd, then the pending queue (queued_fds), of {h}"},
    {"fdpass/recvmsg.cpp", Call::fcntl, nullptr, "FD_CLOEXEC on a received descriptor"},
    {"fdpass/accept.cpp", Call::fcntl, nullptr, "the received descriptor, made non-blocking for its new handle",
     Name::accept_into, "the received descriptor, made non-blocking: accepted into {h}"},
    {"fdpass/pending_queue.cpp", Call::close, nullptr, "a received descriptor nobody accepted"},
    {"fdpass/cmsg_walk.cpp", Call::close, nullptr, "a received descriptor that could not be kept"},
    // Processes.
    {"process/stdio.cpp", Call::socketpair, nullptr,
     "[0] the parent's end (its stream handle), [1] the child's stdio"},
    {"process/spawn.cpp", Call::pipe2, nullptr,
     "the exec-error pipe: the child writes errno if execve fails, EOF means it succeeded"},
    {"process/spawn.cpp", Call::fork, nullptr, "process->pid (0 in the child)"},
    {"process/spawn.cpp", Call::read, nullptr, "the child's exec result (0 bytes: it ran)"},
    {"process/reap.cpp", Call::waitpid, nullptr, "the exit status, handed to the exit callback"},
    {"process/child.cpp", Call::dup2, nullptr, "the child's stdio descriptor"},
    {"process/exec_path.cpp", Call::execve, nullptr, "returns only on failure"},
};
const int kUnitOwnerCount = sizeof kUnitOwners / sizeof kUnitOwners[0];

const char* page_of(const char* unit) noexcept {
  for (int i = 0; i < kUnitPageCount; ++i) {
    if (std::strcmp(kUnitPages[i].unit, unit) == 0) return kUnitPages[i].page;
  }
  return nullptr;
}

const UnitOwner* owner_of(const char* unit, const char* function, Call call) noexcept {
  for (const UnitOwner& o : kUnitOwners) {
    if (o.call != call || std::strcmp(o.unit, unit) != 0) continue;
    if (o.function == nullptr || std::strcmp(o.function, function) == 0) return &o;
  }
  return nullptr;
}

}  // namespace uvref::sys::trace
