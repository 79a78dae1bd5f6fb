// UVREF_TRACE inside one process: the decoders cover the seam, the variables
// parse, the filter filters, and the trace leaves errno, fault counts and the
// program's own calls alone. The end-to-end checks (a traced program, JSON
// lines, loop-init order, docs pages) are in tests/trace/.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string>

#include "sys/sys.h"
#include "sys/trace.h"
#include "support/test_support.h"

using uvref::sys::Call;
namespace fault = uvref::sys::fault;
namespace trace = uvref::sys::trace;

namespace {

/** Traces into a pipe for the lifetime of the object; text() stops and returns what was printed. */
class Capture {
 public:
  explicit Capture(const char* parts = nullptr) {
    REQUIRE(::pipe2(fds_, O_CLOEXEC | O_NONBLOCK) == 0);
    std::uint32_t bits = ~0u;
    if (parts != nullptr) bits = trace::part_bit(parts, static_cast<int>(std::strlen(parts)));
    trace::start_fd(fds_[1], false, bits);
  }
  ~Capture() {
    trace::stop();
    ::close(fds_[0]);
    ::close(fds_[1]);
  }
  std::string text() {
    trace::stop();
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = ::read(fds_[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
    return out;
  }

 private:
  int fds_[2];
};

}  // namespace

TEST_CASE("trace: every call of the seam has a decoder", "[trace]") {
  // Generic over the Call enumerators: a wrapper added without a decoder fails here.
  const std::uintptr_t zero[uvref::sys::seam::kMaxArgs] = {};
  for (unsigned i = 0; i < static_cast<unsigned>(Call::count_); ++i) {
    auto c = static_cast<Call>(i);
    const char* name = uvref::sys::call_name(c);
    INFO("Call #" << i << " " << name);
    CHECK(std::string(name) != "?");
    trace::Text text, after;
    CHECK(trace::decode(c, zero, -EINVAL, text, after));  // a failed call: no output argument is read
    text.close();
    std::string decoded(text.data(), text.size());
    CHECK(decoded.rfind(std::string(name) + "(", 0) == 0);
    CHECK(decoded.back() == ')');
  }
  trace::Text none, none_after;
  CHECK_FALSE(trace::decode(Call::count_, zero, 0, none, none_after));
}

TEST_CASE("trace: decoders name the flags and show what the call filled in", "[trace]") {
  int fds[2] = {4, 5};
  const std::uintptr_t pipe_args[] = {reinterpret_cast<std::uintptr_t>(fds),
                                      static_cast<std::uintptr_t>(O_NONBLOCK | O_CLOEXEC)};
  trace::Text ok, after;
  trace::decode(Call::pipe2, pipe_args, 0, ok, after);
  CHECK(std::string(ok.data(), ok.size()) == "pipe2([4, 5], O_NONBLOCK|O_CLOEXEC)");
  trace::Text failed;
  trace::decode(Call::pipe2, pipe_args, -EMFILE, failed, after);
  CHECK(after.size() == 0);
  CHECK(std::string(failed.data(), failed.size()) == "pipe2([?, ?], O_NONBLOCK|O_CLOEXEC)");

  // sendmsg: the cargo descriptors in the SCM_RIGHTS control message.
  char byte = 'x';
  iovec iov{&byte, 1};
  alignas(cmsghdr) char control[CMSG_SPACE(2 * sizeof(int))] = {};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* c = CMSG_FIRSTHDR(&msg);
  c->cmsg_level = SOL_SOCKET;
  c->cmsg_type = SCM_RIGHTS;
  c->cmsg_len = CMSG_LEN(2 * sizeof(int));
  const int cargo[2] = {12, 13};
  std::memcpy(CMSG_DATA(c), cargo, sizeof cargo);
  const std::uintptr_t send_args[] = {9, reinterpret_cast<std::uintptr_t>(&msg), MSG_NOSIGNAL};
  trace::Text sent;
  trace::decode(Call::sendmsg, send_args, 1, sent, after);
  CHECK(std::string(sent.data(), sent.size()) ==
        "sendmsg(9, {1 byte, SCM_RIGHTS[12, 13]}, MSG_NOSIGNAL)");

  // F_GETFL: the result is flags, named after it; the access mode is a field, not a bit.
  const std::uintptr_t getfl_args[] = {9, F_GETFL, 0};
  trace::Text getfl, flags;
  trace::decode(Call::fcntl, getfl_args, O_RDONLY | O_NONBLOCK, getfl, flags);
  CHECK(std::string(getfl.data(), getfl.size()) == "fcntl(9, F_GETFL)");
  CHECK(std::string(flags.data(), flags.size()) == "(flags O_RDONLY|O_NONBLOCK)");
}

TEST_CASE("trace: UVREF_TRACE and UVREF_TRACE_FORMAT parse", "[trace]") {
  CHECK_FALSE(trace::parse(nullptr, nullptr).on);
  CHECK_FALSE(trace::parse("", nullptr).on);
  CHECK_FALSE(trace::parse("0", nullptr).on);

  trace::Config all = trace::parse("1", nullptr);
  CHECK(all.on);
  CHECK_FALSE(all.json);
  CHECK(all.path == nullptr);
  CHECK(all.parts == trace::parse("all", nullptr).parts);

  std::uint32_t fdpass = trace::part_bit("fdpass", 6), loop_init = trace::part_bit("loop-init", 9);
  REQUIRE(fdpass != 0);
  REQUIRE(loop_init != 0);
  trace::Config two = trace::parse("fdpass,loop-init", "json");
  CHECK(two.on);
  CHECK(two.json);
  CHECK(two.parts == (fdpass | loop_init));

  trace::Config file = trace::parse("loop-init,./trace.log", nullptr);
  CHECK(file.on);
  CHECK(std::string(file.path, static_cast<std::size_t>(file.path_len)) == "./trace.log");
  CHECK(file.parts == loop_init);

  CHECK(trace::parse("1", "json").bad_format == nullptr);
  CHECK(trace::parse("1", "text").bad_format == nullptr);
  CHECK(trace::parse("1", "").bad_format == nullptr);
  trace::Config shouted = trace::parse("1", "JSON");  // reported on stderr at start-up; text is printed
  CHECK_FALSE(shouted.json);
  CHECK(std::string(shouted.bad_format) == "JSON");

  trace::Config typo = trace::parse("fdpas", nullptr);  // reported on stderr at start-up
  CHECK_FALSE(typo.on);
  CHECK(std::string(typo.bad, static_cast<std::size_t>(typo.bad_len)) == "fdpas");
}

TEST_CASE("trace: units map to parts and pages", "[trace]") {
  CHECK(std::string(trace::unit_of("/home/me/uvref/src/loop_init/epoll_create.cpp")) ==
        "loop_init/epoll_create.cpp");
  CHECK(std::string(trace::part_of("loop_init/epoll_create.cpp")) == "loop-init");
  CHECK(std::string(trace::part_of("fdpass/send.cpp")) == "fdpass");
  CHECK(std::string(trace::part_of("unit/test_trace.cpp")) == "other");
  CHECK(std::string(trace::page_of("loop_init/epoll_create.cpp")) == "loop-init/epoll");
  CHECK(trace::page_of("unit/test_trace.cpp") == nullptr);
  for (int i = 0; trace::part_name(i) != nullptr; ++i) {
    const char* name = trace::part_name(i);
    CHECK(trace::part_bit(name, static_cast<int>(std::strlen(name))) == (1u << i));
  }
}

TEST_CASE("trace: every unit of src/ belongs to a part the filter knows", "[trace]") {
  // A directory mapped to a part missing from the part list has no filter bit: its calls
  // would be dropped by every filter, UVREF_TRACE=1 included.
  for (int i = 0; i < trace::kUnitPageCount; ++i) {
    const char* part = trace::part_of(trace::kUnitPages[i].unit);
    INFO(trace::kUnitPages[i].unit << " -> " << part);
    CHECK(trace::part_bit(part, static_cast<int>(std::strlen(part))) != 0);
  }
}

TEST_CASE("trace: every owner names a unit of src/ that exists", "[trace]") {
  // A unit that moves or is renamed leaves its owner lines behind: caught here, since the
  // page table is generated from the files that exist (and every unit has a page).
  for (int i = 0; i < trace::kUnitOwnerCount; ++i) {
    INFO(trace::kUnitOwners[i].unit << " " << uvref::sys::call_name(trace::kUnitOwners[i].call));
    CHECK(trace::page_of(trace::kUnitOwners[i].unit) != nullptr);
  }
}

TEST_CASE("trace: a line names the part, unit, function, call, result and owner", "[trace]") {
  Capture capture;
  uv_loop_t loop;
  REQUIRE(uv_loop_init(&loop) == 0);
  int backend = loop.backend_fd;
  REQUIRE(uv_loop_close(&loop) == 0);
  std::string out = capture.text();
  char address[32];
  std::snprintf(address, sizeof address, "loop %p", static_cast<void*>(&loop));
  INFO(out);
  std::string expected = "loop_init/epoll_create.cpp:";
  auto at = out.find(expected);
  REQUIRE(at != std::string::npos);
  std::string line = out.substr(out.rfind('\n', at) + 1, out.find('\n', at) - out.rfind('\n', at) - 1);
  CHECK(line.find("] loop-init ") != std::string::npos);
  CHECK(line.find(" platform_loop_init ") != std::string::npos);
  CHECK(line.find("epoll_create1(EPOLL_CLOEXEC) = " + std::to_string(backend) + "  -> Stage 1: " + address +
                  "->backend_fd") != std::string::npos);
  CHECK(line.find("docs: loop-init/epoll") != std::string::npos);
}

TEST_CASE("trace: the filter keeps only the parts asked for", "[trace]") {
  Capture capture("fdpass");
  uv_loop_t loop;
  REQUIRE(uv_loop_init(&loop) == 0);
  REQUIRE(uv_loop_close(&loop) == 0);
  CHECK(capture.text().empty());  // loop-init and core calls only: nothing from fdpass
}

TEST_CASE("trace: an injected fault is shown, counted once, and the trace's write is not a call", "[trace]") {
  Capture capture;
  fault::ScopedFault no_pipes({.call = Call::pipe2, .error = EMFILE, .times = 1});
  fault::ScopedFault no_writes({.call = Call::write, .error = EIO, .times = 0});  // would hit the trace's own write
  int fds[2];
  CHECK(uvref::sys::pipe2(fds, O_CLOEXEC) == -EMFILE);
  CHECK(fault::fired(Call::pipe2) == 1);
  std::string out = capture.text();
  CHECK(fault::fired(Call::write) == 0);
  CHECK(out.find("pipe2([?, ?], O_CLOEXEC) = -1 EMFILE (injected)") != std::string::npos);
}

TEST_CASE("trace: errno is left as the call left it, even when the trace cannot write", "[trace]") {
  int closed = 900;
  while (::fcntl(closed, F_GETFD) != -1) ++closed;  // a descriptor number nobody has open
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  trace::start_fd(closed, false, ~0u);  // the trace's write fails with EBADF
  errno = EXDEV;
  CHECK(uvref::sys::fcntl(fds[0], F_GETFD) == FD_CLOEXEC);  // succeeds: libc leaves errno alone
  int after = errno;
  trace::stop();
  ::close(fds[0]);
  ::close(fds[1]);
  CHECK(after == EXDEV);
}
