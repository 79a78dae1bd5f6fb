/**
 * @file pipe_names.cpp
 * @brief Names of AF_UNIX sockets: paths, Linux abstract names, and the 108-byte sun_path.
 *
 * A `struct sockaddr_un` is a family and `char sun_path[108]`. Two kinds of
 * name fit in it:
 *  - a filesystem path ("/tmp/echo.sock"): bind() creates a socket file
 *    there, connect() looks it up (permissions apply), and the file outlives
 *    the socket until someone unlinks it (uv_close() does, for the binder);
 *  - an abstract name (Linux only): sun_path[0] is NUL and the next bytes,
 *    up to the address length passed to bind(), are the name. No file, no
 *    permissions, gone when the last socket closes.
 *
 * Length rules. A path must fit with its terminating NUL: at most 107 bytes.
 * libuv 1.44.2 silently truncates a longer name, binds the truncated path,
 * remembers the full one, and at close unlinks the full name, which does not
 * exist, leaving the socket file behind. libuv 1.46 added uv_pipe_bind2() and
 * uv_pipe_connect2() with UV_PIPE_NO_TRUNCATE to ask for UV_EINVAL instead.
 * uvref never truncates: too long is UV_ENAMETOOLONG, or UV_EINVAL with
 * UV_PIPE_NO_TRUNCATE, as libuv 1.46 (which, on Linux, also accepts a path
 * of exactly 108 bytes without its NUL; uvref keeps the NUL).
 *
 * getsockname()/getpeername() give the name back; the caller's buffer gets
 * the path NUL-terminated, or the abstract name as is (leading NUL, no
 * terminator); a short buffer gets UV_ENOBUFS and the size needed.
 *
 * libuv: src/unix/pipe.c uv_pipe_bind (the name part; 1.46: uv_pipe_bind2, includes_invalid_nul),
 * uv__pipe_getsockpeername
 *
 * Page: \docpage{pipe-names}
 */
#include <cstring>

#include "pipe/pipe.h"
#include "stream/stream.h"
#include "sys/sys.h"

namespace uvref::detail {

namespace {
constexpr std::size_t kSunPathSize = sizeof(sockaddr_un::sun_path);  // 108 on Linux
constexpr socklen_t kPathOffset = offsetof(sockaddr_un, sun_path);   // 2: the family
}  // namespace

// [docs:make-address]
int pipe_make_address(const char* name, std::size_t namelen, PipeAddress* out) noexcept {
  std::memset(&out->sa, 0, sizeof out->sa);
  out->sa.sun_family = AF_UNIX;

  bool abstract = namelen > 0 && name[0] == '\0';
  if (abstract) {
    // Every byte is part of the name, NULs included; no terminator.
    if (namelen > kSunPathSize) return UV_ENAMETOOLONG;
  } else {
    if (std::memchr(name, '\0', namelen) != nullptr) return UV_EINVAL;  // "a\0b" is not a path
    if (namelen >= kSunPathSize) return UV_ENAMETOOLONG;  // no room for the NUL
  }
  std::memcpy(out->sa.sun_path, name, namelen);
  // An abstract name's length is the address length: every byte counts. A
  // path ends at its NUL, so the whole zero-filled struct can be passed, as
  // libuv 1.44 does (strace shows the same 110). The empty name is then 108
  // NULs: an abstract name, as in libuv 1.44.
  out->len = abstract ? kPathOffset + static_cast<socklen_t>(namelen) : sizeof out->sa;
  return 0;
}
// [/docs:make-address]

// [docs:socket-name]
int pipe_socket_name(const uv_pipe_t* handle, bool peer, char* buffer, std::size_t* size) noexcept {
  if (size == nullptr || (buffer == nullptr && *size != 0)) return UV_EINVAL;
  int fd = stream_fd(reinterpret_cast<const uv_stream_t*>(handle));
  if (fd < 0 || handle_is_closing(reinterpret_cast<const uv_handle_t*>(handle))) {
    *size = 0;
    return UV_EBADF;
  }

  sockaddr_un sa{};
  socklen_t len = sizeof sa;
  int r = peer ? sys::getpeername(fd, reinterpret_cast<sockaddr*>(&sa), &len)
               : sys::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &len);
  if (r < 0) {
    *size = 0;
    return r;
  }

  // Name bytes, and whether the caller gets a NUL after them.
  std::size_t namelen = len > kPathOffset ? len - kPathOffset : 0;  // unnamed: just the family
  bool abstract = namelen > 0 && sa.sun_path[0] == '\0';
  if (!abstract) namelen = strnlen(sa.sun_path, namelen);
  std::size_t needed = namelen + (abstract ? 0 : 1);

  if (needed > *size) {
    *size = needed;
    return UV_ENOBUFS;
  }
  std::memcpy(buffer, sa.sun_path, namelen);
  if (!abstract) buffer[namelen] = '\0';
  *size = namelen;
  return 0;
}
// [/docs:socket-name]

}  // namespace uvref::detail

using namespace uvref::detail;

int uv_pipe_getsockname(const uv_pipe_t* handle, char* buffer, size_t* size) {
  return pipe_socket_name(handle, false, buffer, size);
}

int uv_pipe_getpeername(const uv_pipe_t* handle, char* buffer, size_t* size) {
  return pipe_socket_name(handle, true, buffer, size);
}
