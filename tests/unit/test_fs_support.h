// Helpers for the uv_fs_* tests: a scratch file that is removed at the end.
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <string>

#include "support/test_support.h"
#include "sys/fault.h"

namespace uvref::test {

/** A fresh path in /tmp; the file (if the test created one) is unlinked by the destructor. */
class ScratchPath {
 public:
  ScratchPath() {
    char tmpl[] = "/tmp/uvref-fs-XXXXXX";
    int fd = mkstemp(tmpl);
    REQUIRE(fd >= 0);
    close(fd);
    unlink(tmpl);  // a name that does not exist yet
    path_ = tmpl;
  }
  ~ScratchPath() { unlink(path_.c_str()); }
  ScratchPath(const ScratchPath&) = delete;
  ScratchPath& operator=(const ScratchPath&) = delete;
  const char* c_str() const { return path_.c_str(); }

  /** Creates the file with @p content; returns nothing, REQUIREs success. */
  void write(const std::string& content) const {
    int fd = ::open(path_.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0600);
    REQUIRE(fd >= 0);
    REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
    close(fd);
  }
  /** The file's content. */
  std::string read() const {
    int fd = ::open(path_.c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(fd >= 0);
    std::string s;
    char buf[4096];
    ssize_t n;
    while ((n = ::read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
    close(fd);
    return s;
  }

 private:
  std::string path_;
};

}  // namespace uvref::test
