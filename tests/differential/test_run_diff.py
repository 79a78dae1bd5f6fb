#!/usr/bin/env python3
"""Self-test of run_diff.py: the harness must be able to fail.

Usage: test_run_diff.py <loop_init-libuv> <loop_init-uvref>
Checks the normalisation on hand-written lines, the declared-difference
rules, and end to end that a wrong declaration, a stale one, and a binary
linked against the wrong library each make the comparison fail.
"""
import atexit
import contextlib
import io
import os
import shutil
import sys
import tempfile
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run_diff  # noqa: E402

LIBUV_BIN = UVREF_BIN = None


class Normalise(unittest.TestCase):
    def test_fds_renumbered_by_first_appearance(self):
        out = run_diff.normalise_output("a fd:7 b fd:9\nfd:7 again\n", None, "stdout")
        self.assertEqual(out, ["a fd#0 b fd#1", "fd#0 again"])

    def test_temp_dir_pid_and_address(self):
        out = run_diff.normalise_output("/tmp/x1/sock pid:4242 at 0x7ffd12345678", "/tmp/x1", "stdout")
        self.assertEqual(out, ["$TMP/sock pid:# at 0x#"])

    def test_syscalls(self):
        lines = ["pipe2([4<pipe:[8075]>, 5<pipe:[8075]>], O_CLOEXEC) = 0",
                 "epoll_ctl(3<anon_inode:[eventpoll]>, EPOLL_CTL_ADD, 4<pipe:[8075]>, "
                 "{events=EPOLLIN, data={u32=4, u64=4}}) = 0",
                 "eventfd2(0, EFD_CLOEXEC|EFD_NONBLOCK)   = 8<anon_inode:[eventfd]>"]
        self.assertEqual(run_diff.normalise_syscalls(lines, None), [
            "pipe2([fd#0<pipe:[#]>, fd#1<pipe:[#]>], O_CLOEXEC) = 0",
            "epoll_ctl(fd#2<anon_inode:[eventpoll]>, EPOLL_CTL_ADD, fd#0<pipe:[#]>, "
            "{events=EPOLLIN, data={u32=fd#0, u64=fd#0}}) = 0",
            "eventfd2(0, EFD_CLOEXEC|EFD_NONBLOCK) = fd#3<anon_inode:[eventfd]>"])

    def test_program_path_and_traced_pids(self):
        pids = run_diff.Renumber("pid#")
        pids.known = {"929", "930"}
        lines = ['execve("/b/spawn-libuv", ["/b/spawn-li"..., "trace"], 0x7ffd3969d448 /* 37 vars */) = 0',
                 'execve("/bin/true", ["true"], 0x7ffd3969d448 /* 37 vars */) = 0',
                 "wait4(930, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], WNOHANG, NULL) = 930",
                 "wait4(929, NULL, 0, NULL) = 929",
                 "wait4(77, NULL, 0, NULL) = -1 ECHILD (No child processes)",
                 "write(1, \"929\", 3) = 3"]
        self.assertEqual(run_diff.normalise_syscalls(lines, None, "/b/spawn-libuv", pids), [
            'execve("$PROG", ["$PROG", "trace"], 0x# /* # vars */) = 0',
            'execve("/bin/true", ["true"], 0x# /* # vars */) = 0',
            "wait4(pid#0, [{WIFEXITED(s) && WEXITSTATUS(s) == 0}], WNOHANG, NULL) = pid#0",
            "wait4(pid#1, NULL, 0, NULL) = pid#1",
            "wait4(77, NULL, 0, NULL) = -1 ECHILD (No child processes)",
            "write(1, \"929\", 3) = 3"])

    def test_ephemeral_ports(self):
        lines = ['bind(3<socket:[1]>, {sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
                 'connect(3<socket:[1]>, {sa_family=AF_INET, sin_port=htons(40063), '
                 'sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
                 'getsockname(3<socket:[1]>, {sa_family=AF_INET, sa_data="\\353B"}, [4 => 16]) = 0',
                 'getsockname(3<socket:[1]>, {sa_family=AF_INET, sa_data="\\"\\\\"}, [4 => 16]) = 0']
        self.assertEqual(run_diff.normalise_syscalls(lines, None), [
            'bind(fd#0<socket:[#]>, {sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
            'connect(fd#0<socket:[#]>, {sa_family=AF_INET, sin_port=htons(#), '
            'sin_addr=inet_addr("127.0.0.1")}, 16) = 0',
            'getsockname(fd#0<socket:[#]>, {sa_family=AF_INET, sa_data="#"}, [4 => 16]) = 0',
            'getsockname(fd#0<socket:[#]>, {sa_family=AF_INET, sa_data="#"}, [4 => 16]) = 0'])

    def test_a_different_descriptor_order_stays_visible(self):
        a = run_diff.normalise_output("fd:3 epoll\nfd:4 pipe\n", None, "stdout")
        b = run_diff.normalise_output("fd:3 pipe\nfd:4 epoll\n", None, "stdout")
        self.assertNotEqual(a, b)


SCRATCH = tempfile.mkdtemp(prefix="test_run_diff-")
atexit.register(shutil.rmtree, SCRATCH, True)


def write(text):
    f = tempfile.NamedTemporaryFile("w", suffix=".diff-expected", dir=SCRATCH, delete=False)
    f.write(text)
    f.close()
    return f.name


class Expected(unittest.TestCase):
    def test_hunk_applies(self):
        path = write("difference: t\nwhy: w\ndocs: d\n= a\n- b\n+ B\n")
        self.assertEqual(run_diff.apply_expected(["a", "b", "c"], run_diff.parse_expected(path)),
                         ["a", "B", "c"])

    def test_stale_hunk_fails(self):
        path = write("difference: t\nwhy: w\ndocs: d\n- gone\n+ new\n")
        with self.assertRaises(run_diff.Failure):
            run_diff.apply_expected(["a"], run_diff.parse_expected(path))

    def test_reason_and_docs_required(self):
        for text in ("difference: t\nwhy: w\n- a\n+ b\n", "difference: t\ndocs: d\n- a\n+ b\n"):
            with self.assertRaises(run_diff.Failure):
                run_diff.parse_expected(write(text))

    def test_docs_pointer_must_exist(self):
        root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
        good = write('difference: t\nwhy: w\ndocs: docs/differences.md :: Differences from libuv\n- a\n+ b\n')
        self.assertEqual(len(run_diff.parse_expected(good, root)), 1)
        for docs in ("docs/no-such-page.md", "docs/differences.md :: No such heading"):
            with self.assertRaises(run_diff.Failure):
                run_diff.parse_expected(write("difference: t\nwhy: w\ndocs: %s\n- a\n+ b\n" % docs), root)

    def test_pure_context_is_refused(self):
        with self.assertRaises(run_diff.Failure):
            run_diff.parse_expected(write("difference: t\nwhy: w\ndocs: d\n= a\n"))


class SideCheck(unittest.TestCase):
    def test_complete_report_passes(self):
        self.assertEqual(run_diff.side_check("uvref", "side: uvref\nx\ndone\n", "w"), "x\ndone")

    def test_report_without_done_fails(self):
        with self.assertRaises(run_diff.Failure):
            run_diff.side_check("uvref", "side: uvref\nx\n", "w")


def run_main(*args):
    argv = ["run_diff.py", "--name", "loop_init", "--run", "fds",
            "--strace", "run=pipe2,eventfd2,epoll_create1,epoll_ctl"] + list(args)
    old = sys.argv
    sys.argv = argv
    try:
        with contextlib.redirect_stdout(io.StringIO()) as out:
            code = run_diff.main()
    finally:
        sys.argv = old
    return code, out.getvalue()


class Timeout(unittest.TestCase):
    def test_a_timed_out_command_leaves_nothing_running(self):
        # What strace does with its tracee: a child that would outlive the killed parent.
        marker = tempfile.mktemp(prefix="uvref-timeout-")
        cmd = ["sh", "-c", "(sleep 60; touch %s) & sleep 60" % marker]
        saved, run_diff.TIMEOUT = run_diff.TIMEOUT, 1
        try:
            with self.assertRaises(run_diff.subprocess.TimeoutExpired):
                run_diff.run_bounded(cmd, dict(os.environ), tempfile.gettempdir())
        finally:
            run_diff.TIMEOUT = saved
        ps = run_diff.subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True)
        self.assertEqual(ps.stdout, "", "still running: " + ps.stdout)


class EndToEnd(unittest.TestCase):
    def test_identical_passes(self):
        code, out = run_main("--libuv", LIBUV_BIN, "--uvref", UVREF_BIN)
        self.assertEqual(code, 0, out)

    def test_a_false_declaration_fails(self):
        path = write("difference: t\nwhy: w\ndocs: d\n- uv_loop_init(a) = 0\n+ uv_loop_init(a) = UV_EINVAL\n")
        code, out = run_main("--libuv", LIBUV_BIN, "--uvref", UVREF_BIN, "--expected", path)
        self.assertEqual(code, 1, out)
        self.assertIn("+uv_loop_init(a) = 0", out)

    def test_a_stale_declaration_fails(self):
        path = write("difference: t\nwhy: w\ndocs: d\n- no such line\n+ x\n")
        code, out = run_main("--libuv", LIBUV_BIN, "--uvref", UVREF_BIN, "--expected", path)
        self.assertEqual(code, 1, out)
        self.assertIn("does not match the libuv report", out)

    def test_libuv_binary_cannot_stand_in_for_uvref(self):
        code, out = run_main("--libuv", LIBUV_BIN, "--uvref", LIBUV_BIN)
        self.assertEqual(code, 1, out)
        self.assertIn("links libuv.so", out)

    def test_compare_needs_uvref(self):
        code, out = run_main("--libuv", LIBUV_BIN)
        self.assertEqual(code, 1, out)

    def test_missing_binary_fails(self):
        code, out = run_main("--libuv", LIBUV_BIN, "--uvref", "/nonexistent/loop_init-uvref")
        self.assertEqual(code, 1, out)


if __name__ == "__main__":
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    LIBUV_BIN, UVREF_BIN = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    unittest.main(argv=sys.argv[:1], verbosity=2)
