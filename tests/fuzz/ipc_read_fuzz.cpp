// libFuzzer target: the IPC read path, end to end. The input is a script of
// records [op][len][len bytes] played by a raw peer into one end of a
// socketpair whose other end is a uv_pipe_t with ipc=1 being read by a loop:
//   op 0: write() the bytes;
//   op 1: sendmsg() the bytes (at least one) with (first byte % 9) descriptors;
//   op 2: sendmsg() the bytes with SCM_CREDENTIALS (the peer's own);
//   op 3: toggle reading (uv_read_stop / uv_read_start);
//   op 4: run the loop once without waiting;
//   other: shut the peer's writing side down (the stream then ends).
// Then the peer closes, reading is turned on, the loop runs to the end of
// the stream, every pending descriptor is accepted and closed, the pipe is
// closed and the loop with it. Checked: the bytes read are exactly the bytes
// sent, every descriptor sent was accepted, nothing was reported but
// UV_EOF, and the process holds exactly the descriptors it held before.
#include <dirent.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "fdpass/control_buffer.h"
#include "uv.h"

using uvref::detail::fdpass::ControlBuffer;
using uvref::detail::fdpass::control_len;
using uvref::detail::fdpass::control_space;

namespace {

[[noreturn]] void broken(const char* what) {
  __builtin_printf("invariant broken: %s\n", what);
  std::abort();
}

int open_fds() {
  int n = 0;
  DIR* d = opendir("/proc/self/fd");
  while (readdir(d) != nullptr) n++;
  closedir(d);
  return n;
}

struct Reader {
  uv_pipe_t pipe{};
  std::string got;
  int eof = 0, errors = 0, accepted = 0;
  bool reading = false;
  char buf[4096];
};

void on_alloc(uv_handle_t* h, size_t, uv_buf_t* b) {
  auto* r = static_cast<Reader*>(h->data);
  *b = uv_buf_init(r->buf, sizeof r->buf);
}

void take_pending(Reader* r) {
  while (uv_pipe_pending_count(&r->pipe) > 0) {
    int fd = -1;
    if (uvref_pipe_accept_fd(&r->pipe, &fd) != 0) broken("a pending descriptor could not be accepted");
    close(fd);
    r->accepted++;
  }
}

void on_read(uv_stream_t* s, ssize_t n, const uv_buf_t* b) {
  auto* r = static_cast<Reader*>(s->data);
  if (n > 0) r->got.append(b->base, static_cast<std::size_t>(n));
  if (n == UV_EOF) r->eof++;
  if (n < 0 && n != UV_EOF) r->errors++;
  if (n < 0) {
    uv_read_stop(s);
    r->reading = false;
  }
  take_pending(r);
}

void set_reading(Reader* r, bool on) {
  if (on == r->reading || r->eof) return;
  if (on && uv_read_start(reinterpret_cast<uv_stream_t*>(&r->pipe), on_alloc, on_read) != 0) broken("uv_read_start");
  if (!on) uv_read_stop(reinterpret_cast<uv_stream_t*>(&r->pipe));
  r->reading = on;
}

/** sendmsg() of @p bytes with one control message (SOL_SOCKET, @p type, @p payload): bytes sent, or -1. */
ssize_t send_with(int sock, const std::string& bytes, int type, const void* payload, std::size_t plen) {
  ControlBuffer<8> control{};
  struct iovec iov = {const_cast<char*>(bytes.data()), bytes.size()};
  struct msghdr msg = {};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control.bytes;
  msg.msg_controllen = CMSG_SPACE(plen);
  struct cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = type;
  c->cmsg_len = CMSG_LEN(plen);
  __builtin_memcpy(CMSG_DATA(c), payload, plen);
  return sendmsg(sock, &msg, MSG_NOSIGNAL);
}

/** What a non-blocking send took: its first @p n bytes (none if it failed, EAGAIN when full). */
std::string taken(const std::string& bytes, ssize_t n) { return n > 0 ? bytes.substr(0, static_cast<std::size_t>(n)) : ""; }

}  // namespace

// The first loop of a process also opens the process-wide signal lock pipe,
// which stays: open it before any input is counted.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  uv_loop_t loop;
  if (uv_loop_init(&loop) != 0 || uv_loop_close(&loop) != 0) broken("loop warm-up");
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  int before = open_fds();
  int origin = eventfd(0, EFD_CLOEXEC);
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0, sv) != 0) broken("socketpair");
  int on = 1;
  setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on);  // credentials may arrive too

  uv_loop_t loop;
  if (uv_loop_init(&loop) != 0) broken("uv_loop_init");
  Reader r;
  r.pipe.data = &r;
  if (uv_pipe_init(&loop, &r.pipe, 1) != 0 || uv_pipe_open(&r.pipe, sv[1]) != 0) broken("uv_pipe_open");
  set_reading(&r, true);

  std::string sent;
  int fds_sent = 0;
  bool peer_open = true;
  std::size_t i = 0;
  while (i + 2 <= size && peer_open) {
    std::uint8_t op = data[i], len = data[i + 1];
    i += 2;
    std::string bytes(reinterpret_cast<const char*>(data + i), std::min<std::size_t>(len, size - i));
    i += bytes.size();
    switch (op) {
      case 0:
        if (!bytes.empty()) sent += taken(bytes, write(sv[0], bytes.data(), bytes.size()));
        break;
      case 1: {
        if (bytes.empty()) break;  // a descriptor needs a byte to ride on
        int n = static_cast<std::uint8_t>(bytes[0]) % 9;
        if (n == 0) n = 1;
        int fds[8];
        for (int k = 0; k < n; k++) fds[k] = dup(origin);
        ssize_t w = send_with(sv[0], bytes, SCM_RIGHTS, fds, n * sizeof(int));
        sent += taken(bytes, w);
        if (w > 0) fds_sent += n;  // they ride on the first byte
        for (int k = 0; k < n; k++) close(fds[k]);
        break;
      }
      case 2: {
        if (bytes.empty()) break;
        struct ucred cred = {getpid(), getuid(), getgid()};
        sent += taken(bytes, send_with(sv[0], bytes, SCM_CREDENTIALS, &cred, sizeof cred));
        break;
      }
      case 3:
        set_reading(&r, !r.reading);
        uv_run(&loop, UV_RUN_NOWAIT);
        break;
      case 4:
        uv_run(&loop, UV_RUN_NOWAIT);
        break;
      default:
        shutdown(sv[0], SHUT_WR);
        peer_open = false;
        break;
    }
  }
  close(sv[0]);
  set_reading(&r, true);
  while (!r.eof && !r.errors && uv_run(&loop, UV_RUN_ONCE) != 0) {
  }
  take_pending(&r);

  if (r.errors != 0) broken("an error other than UV_EOF");
  if (r.eof != 1) broken("the stream did not end with one UV_EOF");
  if (r.got != sent) broken("the bytes read differ from the bytes sent");
  if (r.accepted != fds_sent) broken("descriptors sent were not all accepted");

  uv_close(reinterpret_cast<uv_handle_t*>(&r.pipe), nullptr);
  uv_run(&loop, UV_RUN_DEFAULT);
  if (uv_loop_close(&loop) != 0) broken("uv_loop_close");
  close(origin);
  if (open_fds() != before) broken("a descriptor left open");
  return 0;
}
