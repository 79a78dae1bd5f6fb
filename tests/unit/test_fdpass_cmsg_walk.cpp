// Step 5 alone: the control-message walker on hand-built buffers, well-formed
// and malformed. Real descriptors (eventfds owned by the test) fill the
// payloads, so "closed" and "left alone" can both be checked.
#include <netinet/in.h>
#include <sys/eventfd.h>

#include <cstring>
#include <optional>

#include "test_fdpass_support.h"

using namespace uvref::detail::fdpass;
using namespace uvref::test::fdpass;

namespace {

/** Lays control messages out back to back, each at a CMSG_SPACE boundary. */
struct ControlBuilder {
  std::size_t used = 0;
  struct msghdr msg = {};
  ControlBuffer<64> control{};  // last: glibc's cmsghdr ends in a flexible array member

  ControlBuilder& add(int level, int type, const void* payload, std::size_t len,
                      std::optional<std::size_t> cmsg_len = std::nullopt) {
    auto* c = reinterpret_cast<struct cmsghdr*>(control.bytes + used);
    c->cmsg_level = level;
    c->cmsg_type = type;
    c->cmsg_len = cmsg_len.value_or(CMSG_LEN(len));
    std::memcpy(CMSG_DATA(c), payload, len);
    used += CMSG_SPACE(len);
    return *this;
  }
  ControlBuilder& rights(const std::vector<int>& fds, std::optional<std::size_t> cmsg_len = std::nullopt) {
    return add(SOL_SOCKET, SCM_RIGHTS, fds.data(), fds.size() * sizeof(int), cmsg_len);
  }
  const struct msghdr* get(int flags = 0, std::optional<std::size_t> controllen = std::nullopt) {
    msg.msg_control = control.bytes;
    msg.msg_controllen = controllen.value_or(used);
    msg.msg_flags = flags;
    return &msg;
  }
};

/** A sink that keeps descriptors in a vector, or refuses once it holds @p room of them. */
struct VectorSink {
  std::vector<Fd> kept;
  std::size_t room = 1000;
  FdSink sink() {
    return FdSink{[](void* ctx, int fd) noexcept {
                    auto* self = static_cast<VectorSink*>(ctx);
                    if (self->kept.size() >= self->room) return int{UV_ENOMEM};
                    self->kept.emplace_back(fd);
                    return 0;
                  },
                  this};
  }
};

/** @p n eventfds, released to the caller as plain numbers (what a recvmsg would install). */
std::vector<int> fresh_fds(int n) {
  std::vector<int> v;
  for (int i = 0; i < n; i++) {
    v.push_back(::eventfd(0, EFD_CLOEXEC));
    REQUIRE(v.back() >= 0);
  }
  return v;
}

}  // namespace

TEST_CASE("cmsg walk: no control data, nothing to do", "[fdpass][cmsg-walk][ex:fdpass-cmsg-walk]") {
  struct msghdr msg = {};
  VectorSink s;
  CmsgWalk w = walk_cmsgs(&msg, s.sink());
  CHECK(w.taken == 0);
  CHECK(w.closed == 0);
  CHECK(w.ignored == 0);
  CHECK(w.error == 0);
}

TEST_CASE("cmsg walk: SCM_RIGHTS descriptors go to the sink in order",
          "[fdpass][cmsg-walk][ex:fdpass-cmsg-walk]") {
  std::vector<int> fds = fresh_fds(3);
  ControlBuilder b;
  b.rights(fds);
  VectorSink s;
  CmsgWalk w = walk_cmsgs(b.get(), s.sink());
  CHECK(w.taken == 3);
  CHECK(w.error == 0);
  REQUIRE(s.kept.size() == 3);
  for (int i = 0; i < 3; i++) CHECK(s.kept[static_cast<std::size_t>(i)].get() == fds[static_cast<std::size_t>(i)]);
}

TEST_CASE("cmsg walk: credentials and other levels are skipped, descriptors after them taken",
          "[fdpass][cmsg-walk][ex:fdpass-cmsg-walk]") {
  struct ucred cred = {::getpid(), ::getuid(), ::getgid()};
  int ttl = 64;
  std::vector<int> fds = fresh_fds(2);
  ControlBuilder b;
  b.add(SOL_SOCKET, SCM_CREDENTIALS, &cred, sizeof cred).add(IPPROTO_IP, IP_TTL, &ttl, sizeof ttl).rights(fds);
  VectorSink s;
  CmsgWalk w = walk_cmsgs(b.get(), s.sink());
  CHECK(w.ignored == 2);
  CHECK(w.taken == 2);
  CHECK(w.error == 0);
}

TEST_CASE("cmsg walk: a descriptor in SCM_PIDFD is closed, not leaked",
          "[fdpass][cmsg-walk][ex:fdpass-cmsg-walk]") {
  std::vector<int> pidfd = fresh_fds(1);  // stands in for the pidfd Linux 6.5+ sends with SO_PASSPIDFD
  std::vector<int> fds = fresh_fds(1);
  ControlBuilder b;
  b.add(SOL_SOCKET, 0x04 /* SCM_PIDFD */, pidfd.data(), sizeof(int)).rights(fds);
  VectorSink s;
  CmsgWalk w = walk_cmsgs(b.get(), s.sink());
  CHECK(w.closed == 1);
  CHECK(w.taken == 1);
  CHECK(w.error == 0);
  CHECK_FALSE(is_open(pidfd[0]));
}

TEST_CASE("cmsg walk: what the sink refuses is closed and the sink's error reported",
          "[fdpass][cmsg-walk][ex:fdpass-cmsg-walk]") {
  std::vector<int> fds = fresh_fds(3);
  ControlBuilder b;
  b.rights(fds);
  VectorSink s;
  s.room = 1;
  CmsgWalk w = walk_cmsgs(b.get(), s.sink());
  CHECK(w.taken == 1);
  CHECK(w.closed == 2);
  CHECK(w.error == UV_ENOMEM);
  CHECK(is_open(fds[0]));  // owned by the sink now
  CHECK_FALSE(is_open(fds[1]));
  CHECK_FALSE(is_open(fds[2]));
}

TEST_CASE("cmsg walk: MSG_CTRUNC keeps what arrived and reports UV_EMSGSIZE",
          "[fdpass][cmsg-walk][ex:fdpass-cmsg-walk]") {
  std::vector<int> fds = fresh_fds(2);
  ControlBuilder b;
  b.rights(fds);
  VectorSink s;
  CmsgWalk w = walk_cmsgs(b.get(MSG_CTRUNC), s.sink());
  CHECK(w.taken == 2);
  CHECK(w.error == UV_EMSGSIZE);
  CHECK(s.kept.size() == 2);
}

TEST_CASE("cmsg walk: malformed lengths stop the walk and touch no descriptor",
          "[fdpass][cmsg-walk][ex:fdpass-cmsg-walk]") {
  std::vector<Fd> owned;
  for (int fd : fresh_fds(2)) owned.emplace_back(fd);
  std::vector<int> fds = {owned[0].get(), owned[1].get()};
  VectorSink s;
  ControlBuilder b;
  std::optional<std::size_t> controllen;

  SECTION("cmsg_len shorter than a header") { b.rights(fds, sizeof(int)); }
  SECTION("cmsg_len zero (a walker that trusted it would loop forever)") { b.rights(fds, 0); }
  SECTION("cmsg_len past the end of the buffer") { b.rights(fds, 4096); }
  SECTION("cmsg_len one byte past msg_controllen") {
    b.rights(fds);
    controllen = CMSG_LEN(2 * sizeof(int)) - 1;
  }
  SECTION("an SCM_RIGHTS payload that is not whole ints") { b.rights(fds, CMSG_LEN(2 * sizeof(int)) - 2); }
  SECTION("a negative descriptor number") {
    fds[1] = -1;
    b.rights(fds);
  }

  CmsgWalk w = walk_cmsgs(b.get(0, controllen), s.sink());
  CHECK(w.error == UV_EPROTO);
  CHECK(w.taken == 0);
  CHECK(w.closed == 0);
  CHECK(s.kept.empty());
  CHECK(is_open(owned[0]));
  CHECK(is_open(owned[1]));
}

TEST_CASE("cmsg walk: a malformed SCM_PIDFD block stops the walk and closes nothing",
          "[fdpass][cmsg-walk][ex:fdpass-cmsg-walk]") {
  // The same rule as SCM_RIGHTS: a payload that is not whole non-negative ints
  // did not come from the kernel, so no number in it is closed.
  Fd planted(::eventfd(0, EFD_CLOEXEC));
  int payload[2] = {planted.get(), 0};
  ControlBuilder b;
  SECTION("a 6-byte payload") { b.add(SOL_SOCKET, 0x04 /* SCM_PIDFD */, payload, 6); }
  SECTION("a negative number") {
    payload[0] = -5;
    b.add(SOL_SOCKET, 0x04 /* SCM_PIDFD */, payload, sizeof(int));
  }
  VectorSink s;
  CmsgWalk w = walk_cmsgs(b.get(), s.sink());
  CHECK(w.error == UV_EPROTO);
  CHECK(w.closed == 0);
  CHECK(is_open(planted));
}

TEST_CASE("cmsg walk: a good message before a malformed one is taken",
          "[fdpass][cmsg-walk][ex:fdpass-cmsg-walk]") {
  std::vector<int> good = fresh_fds(1);
  Fd bad(::eventfd(0, EFD_CLOEXEC));
  ControlBuilder b;
  b.rights(good).rights({bad.get()}, 3);
  VectorSink s;
  CmsgWalk w = walk_cmsgs(b.get(), s.sink());
  CHECK(w.taken == 1);
  CHECK(w.error == UV_EPROTO);
  CHECK(is_open(bad));
}

TEST_CASE("cmsg walk: trailing bytes too short for a header end the walk quietly",
          "[fdpass][cmsg-walk][ex:fdpass-cmsg-walk]") {
  std::vector<int> fds = fresh_fds(1);
  ControlBuilder b;
  b.rights(fds);
  VectorSink s;
  CmsgWalk w = walk_cmsgs(b.get(0, b.used + sizeof(struct cmsghdr) - 1), s.sink());
  CHECK(w.taken == 1);
  CHECK(w.error == 0);
}

TEST_CASE("cmsg walk: next_cmsg and the fd accessors on a hand-built buffer", "[fdpass][cmsg-walk]") {
  ControlBuilder b;
  int x = 42;
  b.rights({3, 4, 5}).add(SOL_SOCKET, SCM_CREDENTIALS, &x, sizeof x);
  const struct msghdr* m = b.get();
  bool malformed = false;
  struct cmsghdr* c = next_cmsg(m, nullptr, &malformed);
  REQUIRE(c != nullptr);
  CHECK(cmsg_fd_count(c) == 3);
  CHECK(cmsg_fd(c, 0) == 3);
  CHECK(cmsg_fd(c, 2) == 5);
  c = next_cmsg(m, c, &malformed);
  REQUIRE(c != nullptr);
  CHECK(c->cmsg_type == SCM_CREDENTIALS);
  CHECK(next_cmsg(m, c, &malformed) == nullptr);
  CHECK_FALSE(malformed);
}
