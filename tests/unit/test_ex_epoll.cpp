// Checks of the exercise walkthroughs/exercises/epoll (tag [ex:epoll]): the
// backend descriptor that platform_loop_init() makes and platform_loop_delete()
// closes, and its error path, driven through the syscall seam.
#include <cerrno>
#include <vector>

#include "core/internal.h"
#include "debug/fd_table.h"
#include "loop_init/stages.h"
#include "support/test_support.h"
#include "sys/fault.h"

using uvref::sys::Call;
using uvref::sys::fault::ScopedFault;
namespace detail = uvref::detail;

TEST_CASE("epoll stage: one blocking, close-on-exec eventpoll fd in backend_fd, closed by delete", "[ex:epoll]") {
  uv_loop_t loop;
  detail::loop_init_fields(&loop);
  const auto before = uvref::debug::fd_table();

  REQUIRE(detail::platform_loop_init(&loop) == 0);
  const auto after = uvref::debug::fd_table();
  REQUIRE(after.size() == before.size() + 1);
  const uvref::debug::FdInfo* made = nullptr;
  for (const auto& d : after)
    if (d.fd == loop.backend_fd) made = &d;
  REQUIRE(made != nullptr);
  CHECK(made->target == "anon_inode:[eventpoll]");
  CHECK(made->cloexec);
  CHECK_FALSE(made->nonblocking);

  detail::platform_loop_delete(&loop);
  CHECK(loop.backend_fd == -1);
  CHECK(uvref::debug::fd_table().size() == before.size());
}

TEST_CASE("epoll stage: when epoll_create1 fails, its error comes back and backend_fd stays -1", "[ex:epoll]") {
  uv_loop_t loop;
  detail::loop_init_fields(&loop);
  const auto before = uvref::debug::fd_table();
  {
    ScopedFault emfile{{.call = Call::epoll_create1, .error = EMFILE}};
    CHECK(detail::platform_loop_init(&loop) == UV_EMFILE);
    CHECK(uvref::sys::fault::fired(Call::epoll_create1) == 1);
  }
  CHECK(loop.backend_fd == -1);
  CHECK(uvref::debug::fd_table().size() == before.size());
}
