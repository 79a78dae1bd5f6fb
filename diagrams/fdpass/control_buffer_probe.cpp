// Probe for the control-buffer diagram: one real recvmsg() into uvref's
// receive buffer (RecvControlBuffer) of the largest message a sender can
// make, 253 descriptors (SCM_MAX_FD), on a socket with SO_PASSCRED on so the
// kernel adds the sender's credentials too. Writes, as JSON, the buffer's
// size and every control message the kernel wrote: where it starts, its
// cmsg_len, the room it takes (CMSG_SPACE), its type and descriptor count.
//
//   uvref_control_buffer_probe OUT.json
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <vector>

#include "fdpass/steps.h"

using namespace uvref::detail::fdpass;

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  int sv[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) return 3;
  int on = 1;
  if (setsockopt(sv[1], SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0) return 4;

  int origin = eventfd(0, EFD_CLOEXEC);
  std::vector<int> fds(kMaxRecvFds);
  for (int& fd : fds) fd = dup(origin);
  ControlBuffer<kMaxRecvFds> out{};
  char byte = 'x';
  struct iovec iov = {&byte, 1};
  struct msghdr msg;
  if (pack_rights(&msg, &iov, 1, out.bytes, fds) != 0 || sendmsg(sv[0], &msg, 0) != 1) return 5;
  for (int fd : fds) close(fd);

  RecvControlBuffer in{};
  char got;
  struct iovec riov = {&got, 1};
  struct msghdr rmsg = {};
  rmsg.msg_iov = &riov;
  rmsg.msg_iovlen = 1;
  rmsg.msg_control = in.bytes;
  rmsg.msg_controllen = sizeof in.bytes;
  if (recvmsg_cloexec(sv[1], &rmsg) != 1) return 6;

  FILE* f = std::fopen(argv[1], "w");
  if (f == nullptr) return 7;
  std::fprintf(f, "{\"buffer\": %zu, \"written\": %zu, \"ctrunc\": %s, \"libuv_buffer\": %zu, \"messages\": [",
               sizeof in.bytes, static_cast<std::size_t>(rmsg.msg_controllen),
               (rmsg.msg_flags & MSG_CTRUNC) ? "true" : "false", control_space(64));
  bool malformed = false, first = true;
  for (struct cmsghdr* c = next_cmsg(&rmsg, nullptr, &malformed); c != nullptr; c = next_cmsg(&rmsg, c, &malformed)) {
    bool rights = c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS;
    const char* type = rights ? "SCM_RIGHTS"
                       : (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_CREDENTIALS) ? "SCM_CREDENTIALS"
                                                                                          : "other";
    std::size_t payload = c->cmsg_len - CMSG_LEN(0);
    std::fprintf(f, "%s{\"offset\": %td, \"len\": %zu, \"space\": %zu, \"header\": %zu, \"type\": \"%s\", \"fds\": %d}",
                 first ? "" : ", ", reinterpret_cast<unsigned char*>(c) - in.bytes, static_cast<std::size_t>(c->cmsg_len),
                 static_cast<std::size_t>(CMSG_SPACE(payload)), static_cast<std::size_t>(CMSG_LEN(0)), type,
                 rights ? cmsg_fd_count(c) : 0);
    first = false;
    if (rights)
      for (int i = 0; i < cmsg_fd_count(c); i++) close(cmsg_fd(c, i));
  }
  std::fprintf(f, "]}\n");
  std::fclose(f);
  return malformed ? 8 : 0;
}
