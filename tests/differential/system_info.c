/*
 * Differential program: process and system functions.
 *
 * uv_os_uname against uname(2); uv_loadavg; uv_interface_addresses (only
 * what holds on any machine: the IPv4 loopback entry); uv_sleep; the process
 * title before and after uv_setup_args (as /proc/self/comm and
 * /proc/self/cmdline show it); and uv_library_shutdown, which must release
 * the signal lock pipe and the thread pool's threads.
 */
#include <arpa/inet.h>
#include <sys/utsname.h>

#include "diff_common.h"

static void read_proc(const char* path, char* out, size_t size) {
  int fd = open(path, O_RDONLY | O_CLOEXEC);
  CHECK(fd >= 0);
  ssize_t n = read(fd, out, size - 1);
  CHECK(n >= 0);
  out[n] = '\0';
  close(fd);
  char* nl = strchr(out, '\n');
  if (nl) *nl = '\0';
}

static int count_threads(void) {
  DIR* d = opendir("/proc/self/task");
  CHECK(d != NULL);
  int n = 0;
  struct dirent* e;
  while ((e = readdir(d)) != NULL)
    if (e->d_name[0] != '.') n++;
  closedir(d);
  return n;
}

/*
 * pthread_join() returns once the kernel has cleared the thread's id word,
 * which it does before the thread leaves /proc/self/task. So a thread that
 * was joined can still be listed for a moment (CI saw libuv's pool show 2
 * threads right after uv_library_shutdown). Wait, bounded, for the count to
 * fall to @p want; a thread that really lives on still shows after 5 s.
 */
static int count_threads_settled(int want) {
  int n = count_threads();
  for (int i = 0; i < 5000 && n > want; i++) {
    usleep(1000);
    n = count_threads();
  }
  return n;
}

static void on_work(uv_work_t* req) { (void)req; }
static void after_work(uv_work_t* req, int status) { (void)req; (void)status; }

int main(int argc, char** argv) {
  diff_start();

  uv_utsname_t u;
  struct utsname k;
  CHECK(uname(&k) == 0);
  int r = uv_os_uname(&u);
  say("uv_os_uname = %s; equals uname(2): %d %d %d %d", diff_err(r), strcmp(u.sysname, k.sysname) == 0,
      strcmp(u.release, k.release) == 0, strcmp(u.version, k.version) == 0, strcmp(u.machine, k.machine) == 0);
  say("uv_os_uname(NULL) = %s", diff_err(uv_os_uname(NULL)));

  double avg[3] = {-1, -1, -1};
  uv_loadavg(avg);
  say("uv_loadavg: three values >= 0: %d", avg[0] >= 0 && avg[1] >= 0 && avg[2] >= 0);

  uv_interface_address_t* addrs;
  int count;
  r = uv_interface_addresses(&addrs, &count);
  int lo = 0;
  for (int i = 0; i < count; i++) {
    if (addrs[i].address.address4.sin_family != AF_INET) continue;
    if (addrs[i].address.address4.sin_addr.s_addr != htonl(INADDR_LOOPBACK)) continue;
    char ip[64], mask[64];
    CHECK(uv_ip4_name(&addrs[i].address.address4, ip, sizeof ip) == 0);
    CHECK(uv_ip4_name(&addrs[i].netmask.netmask4, mask, sizeof mask) == 0);
    say("uv_interface_addresses: %s %s netmask %s internal %d phys %02x:%02x:%02x:%02x:%02x:%02x",
        addrs[i].name, ip, mask, addrs[i].is_internal, (unsigned char)addrs[i].phys_addr[0],
        (unsigned char)addrs[i].phys_addr[1], (unsigned char)addrs[i].phys_addr[2],
        (unsigned char)addrs[i].phys_addr[3], (unsigned char)addrs[i].phys_addr[4],
        (unsigned char)addrs[i].phys_addr[5]);
    lo++;
  }
  say("uv_interface_addresses = %s, IPv4 loopback entries %d", diff_err(r), lo);
  uv_free_interface_addresses(addrs, count);

  uint64_t start = uv_hrtime();
  uv_sleep(20);
  say("uv_sleep(20): at least 20 ms passed %d", uv_hrtime() - start >= 20 * 1000 * 1000);

  char title[4096];
  say("before uv_setup_args: get = %s, set = %s", diff_err(uv_get_process_title(title, sizeof title)),
      diff_err(uv_set_process_title("early")));
  size_t block = 0;
  for (int i = 0; i < argc; i++) block += strlen(argv[i]) + 1;
  char** args = uv_setup_args(argc, argv);
  say("uv_setup_args: a copy %d, same arguments %d", args != argv, strcmp(args[argc - 1], argv[argc - 1]) == 0);
  r = uv_get_process_title(title, sizeof title);
  say("title = %s, is argv[0] %d", diff_err(r), strcmp(title, args[0]) == 0);
  say("title into 1 byte = %s, into NULL = %s", diff_err(uv_get_process_title(title, 1)),
      diff_err(uv_get_process_title(NULL, 10)));
  say("set \"diff-title\" = %s", diff_err(uv_set_process_title("diff-title")));
  CHECK(uv_get_process_title(title, sizeof title) == 0);
  char comm[64], cmdline[64];
  read_proc("/proc/self/comm", comm, sizeof comm);
  read_proc("/proc/self/cmdline", cmdline, sizeof cmdline);
  say("  get \"%s\", /proc/self/comm \"%s\", /proc/self/cmdline \"%s\"", title, comm, cmdline);
  char longer[8192];
  memset(longer, 'x', sizeof longer - 1);
  longer[sizeof longer - 1] = '\0';
  say("set an 8191-byte title = %s", diff_err(uv_set_process_title(longer)));
  CHECK(uv_get_process_title(title, sizeof title) == 0);
  say("  cut to argv's block (its size minus the NUL): %d", strlen(title) == block - 1);

  uv_loop_t loop;
  CHECK(uv_loop_init(&loop) == 0);
  uv_work_t work;
  CHECK(uv_queue_work(&loop, &work, on_work, after_work) == 0);
  CHECK(uv_run(&loop, UV_RUN_DEFAULT) == 0);
  CHECK(uv_loop_close(&loop) == 0);
  int threads_before = count_threads();
  say("after a loop and a work request: descriptors open %d, threads > 1: %d", diff_count_fds(),
      threads_before > 1);
  uv_library_shutdown();
  say("after uv_library_shutdown: descriptors open %d, threads %d", diff_count_fds(), count_threads_settled(1));
  uv_library_shutdown();
  say("a second uv_library_shutdown: descriptors open %d", diff_count_fds());
  diff_done();
  return 0;
}
