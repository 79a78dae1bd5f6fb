// Error codes: libuv's values (negated errno, UV_EOF = -4095), names and
// messages from the table in uv.h, and a readable answer for unknown codes.
#include <cerrno>
#include <cstring>
#include <string>

#include "support/test_support.h"

TEST_CASE("UV_E* codes are negated errno values, as in libuv", "[errors]") {
  CHECK(UV_EPIPE == -EPIPE);
  CHECK(UV_EAGAIN == -EAGAIN);
  CHECK(UV_EMFILE == -EMFILE);
  CHECK(UV_EBUSY == -EBUSY);
  CHECK(UV_ECANCELED == -ECANCELED);
  CHECK(UV_EOF == -4095);
  CHECK(UV_UNKNOWN == -4094);
  CHECK(UV_EFTYPE == -4028);
  CHECK(uv_translate_sys_error(EPIPE) == UV_EPIPE);
  CHECK(uv_translate_sys_error(UV_EPIPE) == UV_EPIPE);  // already negative: unchanged
}

TEST_CASE("uv_strerror and uv_err_name for known codes", "[errors]") {
  struct Known {
    int code;
    const char* name;
    const char* message;
  };
  const Known known[] = {
      {UV_EPIPE, "EPIPE", "broken pipe"},
      {UV_EOF, "EOF", "end of file"},
      {UV_EBUSY, "EBUSY", "resource busy or locked"},
      {UV_ECANCELED, "ECANCELED", "operation canceled"},
      {UV_EAGAIN, "EAGAIN", "resource temporarily unavailable"},
      {UV_EMFILE, "EMFILE", "too many open files"},
      {UV_EINVAL, "EINVAL", "invalid argument"},
      {UV_ENOTSOCK, "ENOTSOCK", "socket operation on non-socket"},
  };
  for (const Known& k : known) {
    INFO("code " << k.code);
    CHECK(std::string(uv_err_name(k.code)) == k.name);
    CHECK(std::string(uv_strerror(k.code)) == k.message);
    char buf[64];
    CHECK(std::string(uv_err_name_r(k.code, buf, sizeof buf)) == k.name);
    CHECK(std::string(uv_strerror_r(k.code, buf, sizeof buf)) == k.message);
  }
}

TEST_CASE("unknown error codes get a message naming the number, never a blank or a crash", "[errors]") {
  CHECK(std::string(uv_strerror(-9999)) == "Unknown system error -9999");
  CHECK(std::string(uv_err_name(-9999)) == "Unknown system error -9999");
  CHECK(std::string(uv_strerror(12345)) == "Unknown system error 12345");
  // Earlier answers stay valid for a while (libuv leaks one string per call instead).
  const char* a = uv_err_name(-9001);
  const char* b = uv_err_name(-9002);
  CHECK(std::string(a) == "Unknown system error -9001");
  CHECK(std::string(b) == "Unknown system error -9002");

  char buf[64];
  CHECK(std::string(uv_strerror_r(-9999, buf, sizeof buf)) == "Unknown system error -9999");
  CHECK(std::string(uv_err_name_r(-9999, buf, sizeof buf)) == "Unknown system error -9999");
}

TEST_CASE("the _r variants truncate to the buffer and stay NUL-terminated", "[errors]") {
  char small[6];
  std::memset(small, 'x', sizeof small);
  CHECK(std::string(uv_strerror_r(UV_EPIPE, small, sizeof small)) == "broke");
  std::memset(small, 'x', sizeof small);
  CHECK(std::string(uv_err_name_r(UV_ECANCELED, small, sizeof small)) == "ECANC");
  std::memset(small, 'x', sizeof small);
  CHECK(std::string(uv_strerror_r(-9999, small, sizeof small)) == "Unkno");
}
