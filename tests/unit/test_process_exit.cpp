// Exit notification: SIGCHLD → waitpid per handle → exit_cb, exactly once per child, no zombies.
#include <unistd.h>

#include <vector>

#include "test_process_util.h"

using namespace uvref::test;

TEST_CASE("200 children exiting at once: each exit_cb runs exactly once, no zombie", "[process][exit]") {
  constexpr int kChildren = 200;
  std::vector<uv_process_t> procs(kChildren);
  std::vector<ExitRecord> exits(kChildren);
  TestLoop loop;
  Pipe gate;  // every child is `cat` reading this pipe: closing it ends them all together
  Args args{"/bin/cat"};
  uv_stdio_container_t stdio[3];
  stdio[0].flags = UV_INHERIT_FD;
  stdio[0].data.fd = gate.rd();
  stdio[1].flags = stdio[2].flags = UV_IGNORE;
  uv_process_options_t o = options_for(args.get(), stdio, 3);
  o.exit_cb = record_exit;
  for (int i = 0; i < kChildren; ++i) {
    procs[i].data = &exits[i];
    REQUIRE(uv_spawn(loop, &procs[i], &o) == 0);
  }
  CHECK(uv_run(loop, UV_RUN_NOWAIT) == 1);  // all still running
  for (const auto& e : exits) REQUIRE(e.calls == 0);

  gate.close_read();
  gate.close_write();  // EOF for every cat at the same moment
  REQUIRE(uv_run(loop, UV_RUN_DEFAULT) == 0);

  int once = 0;
  for (const auto& e : exits) once += (e.calls == 1 && e.status == 0 && e.signal == 0);
  CHECK(once == kChildren);
  CHECK(no_children_left());
}

TEST_CASE("exit_cb may be NULL: the handle just stops", "[process][exit]") {
  uv_process_t proc;
  TestLoop loop;
  Args args{"/bin/true"};
  uv_process_options_t o = options_for(args.get());
  REQUIRE(uv_spawn(loop, &proc, &o) == 0);
  REQUIRE(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK_FALSE(uv_is_active(as_handle(&proc)));
  CHECK(no_children_left());
}

TEST_CASE("an exit_cb may spawn the next child", "[process][exit]") {
  struct Chain {
    uv_process_t procs[3];
    int next = 0;
    uv_process_options_t opts{};
  };
  Chain chain;
  TestLoop loop;
  Args args{"/bin/true"};
  chain.opts.file = args.get()[0];
  chain.opts.args = args.get();
  chain.opts.exit_cb = [](uv_process_t* p, int64_t, int) {
    auto* c = static_cast<Chain*>(p->data);
    if (c->next == 3) return;
    uv_process_t* n = &c->procs[c->next++];
    n->data = c;
    REQUIRE(uv_spawn(p->loop, n, &c->opts) == 0);
  };
  chain.procs[0].data = &chain;
  chain.next = 1;
  REQUIRE(uv_spawn(loop, &chain.procs[0], &chain.opts) == 0);
  REQUIRE(uv_run(loop, UV_RUN_DEFAULT) == 0);
  CHECK(chain.next == 3);
  for (auto& p : chain.procs) CHECK_FALSE(uv_is_active(as_handle(&p)));
  CHECK(no_children_left());
}

TEST_CASE("closing a running child's handle stops watching it; the child lives on", "[process][exit]") {
  uv_process_t proc;
  ExitRecord exit;
  TestLoop loop;
  Pipe gate;
  Args args{"/bin/cat"};
  uv_stdio_container_t stdio[1];
  stdio[0].flags = UV_INHERIT_FD;
  stdio[0].data.fd = gate.rd();
  REQUIRE(spawn_recorded(loop, &proc, &exit, args, stdio, 1) == 0);
  pid_t pid = uv_process_get_pid(&proc);
  uv_close(as_handle(&proc), nullptr);
  CHECK_FALSE(uv_is_active(as_handle(&loop.get()->child_watcher)));
  CHECK(uv_run(loop, UV_RUN_DEFAULT) == 0);  // nothing keeps the loop alive
  CHECK(exit.calls == 0);
  CHECK(kill(pid, 0) == 0);  // still running: uv_close does not kill (as libuv)
  gate.close_write();
  int status;
  CHECK(waitpid(pid, &status, 0) == pid);  // the program reaps what it abandoned
  CHECK(no_children_left());
}

TEST_CASE("each loop reaps only its own children", "[process][exit]") {
  uv_process_t p1, p2;
  ExitRecord e1, e2;
  TestLoop loop1;
  TestLoop loop2;
  Args args{"/bin/true"};
  uv_process_options_t o = options_for(args.get());
  o.exit_cb = record_exit;
  p1.data = &e1;
  p2.data = &e2;
  REQUIRE(uv_spawn(loop1, &p1, &o) == 0);
  REQUIRE(uv_spawn(loop2, &p2, &o) == 0);
  REQUIRE(uv_run(loop1, UV_RUN_DEFAULT) == 0);
  CHECK(e1.calls == 1);
  CHECK(e2.calls == 0);  // loop2 has not run: its child is waiting as a zombie
  REQUIRE(uv_run(loop2, UV_RUN_DEFAULT) == 0);
  CHECK(e2.calls == 1);
  CHECK(no_children_left());
}
