// libFuzzer target: the control-message walker (src/fdpass/cmsg_walk.cpp) on
// arbitrary control buffers. Input byte 0 picks msg_flags (MSG_CTRUNC or
// not); the rest is msg_control, copied into a heap block of exactly that
// size so AddressSanitizer sees any read past msg_controllen.
//
// The walker closes descriptors it finds; here the numbers are garbage, so
// every close() is failed through the syscall seam (a fault rule) and the
// fuzzer's own descriptors stay open. Checked: the walk ends, its counts add
// up, every close it made was counted, and the error is one it documents.
#include <cstdint>
#include <cstdlib>
#include <cstring>

#include "fdpass/steps.h"
#include "sys/fault.h"

namespace fault = uvref::sys::fault;
using namespace uvref::detail::fdpass;

namespace {

struct Sink {
  int taken = 0;
  bool refuse = false;
};

[[noreturn]] void broken(const char* what) {
  __builtin_printf("invariant broken: %s\n", what);
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  static fault::ScopedFault no_close(fault::Rule{.call = uvref::sys::Call::close, .error = EBADF, .times = 0});

  std::size_t len = size - 1;
  void* control = len ? std::malloc(len) : nullptr;
  if (len) std::memcpy(control, data + 1, len);
  struct msghdr msg = {};
  msg.msg_control = control;
  msg.msg_controllen = len;
  msg.msg_flags = (data[0] & 1) ? MSG_CTRUNC : 0;

  Sink s;
  s.refuse = (data[0] & 2) != 0;  // a sink that refuses: the walker must close instead
  FdSink sink{[](void* ctx, int fd) noexcept {
                auto* self = static_cast<Sink*>(ctx);
                if (fd < 0) broken("a negative descriptor reached the sink");
                if (self->refuse) return int{UV_ENOMEM};
                self->taken++;
                return 0;
              },
              &s};
  unsigned closes_before = fault::fired(uvref::sys::Call::close);
  CmsgWalk w = walk_cmsgs(&msg, sink);
  unsigned closes = fault::fired(uvref::sys::Call::close) - closes_before;

  if (w.taken != s.taken) broken("taken differs from what the sink kept");
  if (static_cast<unsigned>(w.closed) != closes) broken("closed differs from the close() calls made");
  if (w.error != 0 && w.error != UV_EPROTO && w.error != UV_EMSGSIZE && w.error != UV_ENOMEM)
    broken("an error the walker does not document");
  if ((msg.msg_flags & MSG_CTRUNC) && w.error == 0) broken("MSG_CTRUNC not reported");
  std::free(control);
  return 0;
}
