// What the fault-matrix drivers (test_fault_matrix*.cpp) set up alike: a pipe
// bound to a fresh socket path, a plain client connected to it, the status a
// callback reported, and a call's result in the table's words; each driver
// then shows only the program call its rows are about.
#pragma once

#include <sys/socket.h>
#include <sys/un.h>

#include <cstring>
#include <string>

#include "fault_matrix.h"
#include "test_stream_helpers.h"

namespace uvref::test::matrix {

/** Initialises @p pipe on @p loop and binds it to a fresh path, which it returns (the TestLoop closes the handle). */
inline std::string bind_temp(uv_pipe_t* pipe, uv_loop_t* loop) {
  std::string path = temp_socket_path("fault");
  REQUIRE(uv_pipe_init(loop, pipe, 0) == 0);
  REQUIRE(uv_pipe_bind(pipe, path.c_str()) == 0);
  return path;
}

/** A client socket connected with plain connect(2) to the pipe listening at @p path. */
inline fdpass::Fd connect_plain(const std::string& path) {
  fdpass::Fd client(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  struct sockaddr_un addr = {};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  REQUIRE(::connect(client, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  return client;
}

/** How often a callback with a status ran, and the last status it got (1 until it runs). */
struct Reported {
  int calls = 0;
  int status = 1;

  /** The callback: @p owner (a handle or a request) has its data pointing at a Reported. */
  template <typename Owner>
  static void record(Owner* owner, int status) {
    auto* r = static_cast<Reported*>(owner->data);
    r->calls++;
    r->status = status;
  }

  /** "connect_cb(UV_ECONNREFUSED)": the callback @p name with the status it got. */
  std::string as(const char* name) const { return std::string(name) + "(" + uv_code(status) + ")"; }
};

/** "uv_pipe_bind returns UV_EACCES", "uv_fs_read returns 12": a call's result as the table writes it. */
inline std::string returns(const char* what, long r) {
  // Appended in steps: gcc 12 at -O2 warns falsely (-Warray-bounds) about a + chain here.
  std::string text(what);
  text += " returns ";
  text += r >= 0 ? std::to_string(r) : uv_code(r);
  return text;
}

}  // namespace uvref::test::matrix
