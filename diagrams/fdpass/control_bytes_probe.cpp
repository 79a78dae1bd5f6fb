// Probe for the control-bytes diagram: the control buffer uvref's sender
// builds (pack_rights) for one and for three descriptors, byte for byte, as
// GDB's `x/24xb msg.msg_control` shows it, after a real sendmsg() of it
// succeeded. Writes JSON: for each count, CMSG_SPACE, cmsg_len, the
// descriptors sent and the bytes.
//
//   uvref_control_bytes_probe OUT.json
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <span>

#include "fdpass/steps.h"

using namespace uvref::detail::fdpass;

namespace {

template <std::size_t N>
bool probe(FILE* f, int sock, int origin, bool first) {
  std::array<int, N> fds;
  for (int& fd : fds) fd = dup(origin);
  ControlBuffer<N> control{};
  char byte = 'x';
  struct iovec iov = {&byte, 1};
  struct msghdr msg;
  bool ok = pack_rights(&msg, &iov, 1, control.bytes, fds) == 0 && sendmsg(sock, &msg, 0) == 1;
  for (int fd : fds) close(fd);
  if (!ok) return false;
  auto* c = CMSG_FIRSTHDR(&msg);
  std::fprintf(f, "%s{\"fds\": [", first ? "" : ", ");
  for (std::size_t i = 0; i < N; i++) std::fprintf(f, "%s%d", i ? ", " : "", fds[i]);
  std::fprintf(f, "], \"space\": %zu, \"len\": %zu, \"header\": %zu, \"level\": %d, \"type\": %d, \"bytes\": [",
               static_cast<std::size_t>(msg.msg_controllen), static_cast<std::size_t>(c->cmsg_len),
               static_cast<std::size_t>(CMSG_LEN(0)), c->cmsg_level, c->cmsg_type);
  for (std::size_t i = 0; i < msg.msg_controllen; i++) std::fprintf(f, "%s%u", i ? ", " : "", control.bytes[i]);
  std::fprintf(f, "]}");
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return 3;
  int origin = eventfd(0, EFD_CLOEXEC);
  FILE* f = std::fopen(argv[1], "w");
  if (f == nullptr || origin < 0) return 4;
  std::fprintf(f, "{\"buffers\": [");
  bool ok = probe<1>(f, sv[0], origin, true) && probe<3>(f, sv[0], origin, false);
  std::fprintf(f, "]}\n");
  std::fclose(f);
  return ok ? 0 : 5;
}
