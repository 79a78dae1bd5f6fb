// The stream layer's descriptor-passing paths: uv_write2 / uvref_write2_fd on the write side,
// recvmsg and uv_accept on an IPC pipe's read side, and no loss when the sender closes right away.
#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <memory>

#include "sys/fault.h"
#include "test_stream_helpers.h"

using namespace uvref::test;
using uvref::sys::Call;
namespace fault = uvref::sys::fault;

namespace {

void open_ipc_pair(uv_loop_t* loop, uv_pipe_t* a, uv_pipe_t* b) {
  uv_os_sock_t fds[2];
  REQUIRE(uv_socketpair(SOCK_STREAM, 0, fds, UV_NONBLOCK_PIPE, UV_NONBLOCK_PIPE) == 0);
  REQUIRE(uv_pipe_init(loop, a, 1) == 0);
  REQUIRE(uv_pipe_init(loop, b, 1) == 0);
  REQUIRE(uv_pipe_open(a, fds[0]) == 0);
  REQUIRE(uv_pipe_open(b, fds[1]) == 0);
}

/** The receiving side: bytes, and every received descriptor accepted into a pipe handle and checked. */
struct Receiver {
  std::vector<char> bytes;
  int accepted = 0;
  int fifo_count = 0;  // accepted descriptors that are pipe ends
  int eof = 0;
  int error = 0;
  std::vector<char> buffer = std::vector<char>(65536);
  std::vector<std::unique_ptr<uv_pipe_t>> handles;

  static void alloc(uv_handle_t* h, size_t, uv_buf_t* buf) {
    auto* r = static_cast<Receiver*>(h->data);
    *buf = uv_buf_init(r->buffer.data(), static_cast<unsigned>(r->buffer.size()));
  }
  static void read(uv_stream_t* s, ssize_t nread, const uv_buf_t* buf) {
    auto* r = static_cast<Receiver*>(s->data);
    if (nread > 0) r->bytes.insert(r->bytes.end(), buf->base, buf->base + nread);
    while (uv_pipe_pending_count(reinterpret_cast<uv_pipe_t*>(s)) > 0) {
      CHECK(uv_pipe_pending_type(reinterpret_cast<uv_pipe_t*>(s)) == UV_NAMED_PIPE);
      auto h = std::make_unique<uv_pipe_t>();
      REQUIRE(uv_pipe_init(s->loop, h.get(), 0) == 0);
      REQUIRE(uv_accept(s, reinterpret_cast<uv_stream_t*>(h.get())) == 0);
      struct stat st;
      REQUIRE(fstat(h->io_watcher.fd, &st) == 0);
      if (S_ISFIFO(st.st_mode)) r->fifo_count++;
      r->accepted++;
      uv_close(reinterpret_cast<uv_handle_t*>(h.get()), nullptr);
      r->handles.push_back(std::move(h));  // freed after the loop has finished closing it
    }
    if (nread == UV_EOF) r->eof++;
    else if (nread < 0) r->error = static_cast<int>(nread);
  }
};

}  // namespace

TEST_CASE("ipc: 100 uv_write2 then close; the reader gets every message and descriptor, then EOF",
          "[stream][ipc]") {
  // libuv 1.44.2 reports UV_EOF after the first message here (the POLLHUP
  // short-cut: each descriptor-carrying recvmsg() returns a "short" read).
  uv_pipe_t sender, receiver, payload_r, payload_w;
  Receiver rx;
  TestLoop loop;
  open_ipc_pair(loop, &sender, &receiver);
  uv_file pfds[2];
  REQUIRE(uv_pipe(pfds, UV_NONBLOCK_PIPE, UV_NONBLOCK_PIPE) == 0);
  REQUIRE(uv_pipe_init(loop, &payload_r, 0) == 0);
  REQUIRE(uv_pipe_init(loop, &payload_w, 0) == 0);
  REQUIRE(uv_pipe_open(&payload_r, pfds[0]) == 0);
  REQUIRE(uv_pipe_open(&payload_w, pfds[1]) == 0);

  constexpr int kMessages = 100;
  std::vector<uv_write_t> reqs(kMessages);
  std::vector<std::string> messages;
  std::string expected;
  for (int i = 0; i < kMessages; ++i) {
    messages.push_back("message " + std::to_string(i) + ";");
    expected += messages.back();
  }
  int done = 0;
  sender.data = &done;
  for (int i = 0; i < kMessages; ++i) {
    uv_buf_t buf = uv_buf_init(messages[i].data(), static_cast<unsigned>(messages[i].size()));
    REQUIRE(uv_write2(&reqs[i], as_stream(&sender), &buf, 1, as_stream(&payload_r), [](uv_write_t* w, int st) {
              CHECK(st == 0);
              int* d = static_cast<int*>(w->handle->data);
              if (++*d == kMessages) uv_close(reinterpret_cast<uv_handle_t*>(w->handle), nullptr);
            }) == 0);
  }
  uv_run(loop, UV_RUN_DEFAULT);  // every message is in the receiver's socket; the sender is closed
  REQUIRE(done == kMessages);
  uv_close(as_handle(&payload_r), nullptr);  // the receiver's copies keep the pipe alive

  receiver.data = &rx;
  REQUIRE(uv_read_start(as_stream(&receiver), Receiver::alloc, Receiver::read) == 0);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(std::string(rx.bytes.begin(), rx.bytes.end()) == expected);
  CHECK(rx.accepted == kMessages);
  CHECK(rx.fifo_count == kMessages);
  CHECK(rx.eof == 1);
  CHECK(rx.error == 0);
}

TEST_CASE("ipc: uvref_write2_fd sends a raw descriptor; a partial sendmsg sends it once", "[stream][ipc]") {
  uv_pipe_t sender, receiver;
  Receiver rx;
  TestLoop loop;
  open_ipc_pair(loop, &sender, &receiver);
  int pfds[2];
  REQUIRE(pipe2(pfds, O_CLOEXEC) == 0);

  std::string msg = "0123456789";
  uv_buf_t buf = uv_buf_init(msg.data(), static_cast<unsigned>(msg.size()));
  uv_write_t w;
  int status = 1;
  w.data = &status;
  {
    // Every sendmsg and writev moves at most 3 bytes: the first carries the
    // descriptor, the rest of the request must go without it.
    fault::ScopedFault short_send({.call = Call::sendmsg, .max_len = 3, .times = 0});
    fault::ScopedFault short_write({.call = Call::writev, .max_len = 3, .times = 0});
    REQUIRE(uvref_write2_fd(&w, as_stream(&sender), &buf, 1, pfds[0], [](uv_write_t* req, int st) {
              *static_cast<int*>(req->data) = st;
              uv_close(reinterpret_cast<uv_handle_t*>(req->handle), nullptr);
            }) == 0);
    uv_run(loop, UV_RUN_DEFAULT);
    CHECK(fault::fired(Call::sendmsg) == 1);
    CHECK(fault::fired(Call::writev) >= 3);
  }
  CHECK(status == 0);
  close(pfds[0]);  // the sender's copy; the receiver gets its own

  receiver.data = &rx;
  REQUIRE(uv_read_start(as_stream(&receiver), Receiver::alloc, Receiver::read) == 0);
  uv_run(loop, UV_RUN_DEFAULT);
  CHECK(std::string(rx.bytes.begin(), rx.bytes.end()) == msg);
  CHECK(rx.accepted == 1);
  CHECK(rx.fifo_count == 1);
  CHECK(rx.eof == 1);
  close(pfds[1]);
}

TEST_CASE("ipc: uv_close of an IPC pipe closes descriptors received but never accepted", "[stream][ipc]") {
  uv_pipe_t sender, receiver, payload;
  TestLoop loop;
  open_ipc_pair(loop, &sender, &receiver);
  uv_file pfds[2];
  REQUIRE(uv_pipe(pfds, UV_NONBLOCK_PIPE, UV_NONBLOCK_PIPE) == 0);
  REQUIRE(uv_pipe_init(loop, &payload, 0) == 0);
  REQUIRE(uv_pipe_open(&payload, pfds[0]) == 0);
  close(pfds[1]);
  uv_write_t reqs[3];
  char byte = 'x';
  uv_buf_t buf = uv_buf_init(&byte, 1);
  for (auto& r : reqs) REQUIRE(uv_write2(&r, as_stream(&sender), &buf, 1, as_stream(&payload), nullptr) == 0);
  uv_run(loop, UV_RUN_NOWAIT);

  struct Count {
    int bytes = 0;
    char b[64];
  } count;
  receiver.data = &count;
  REQUIRE(uv_read_start(
              as_stream(&receiver),
              [](uv_handle_t* h, size_t, uv_buf_t* out) {
                *out = uv_buf_init(static_cast<Count*>(h->data)->b, 64);
              },
              [](uv_stream_t* s, ssize_t nread, const uv_buf_t*) {
                auto* c = static_cast<Count*>(s->data);
                if (nread > 0) c->bytes += static_cast<int>(nread);
                if (c->bytes == 3) uv_read_stop(s);
              }) == 0);
  while (count.bytes < 3) uv_run(loop, UV_RUN_ONCE);
  CHECK(uv_pipe_pending_count(&receiver) == 3);
  // TestLoop closes everything; the descriptor-leak check proves the three copies are closed.
}
