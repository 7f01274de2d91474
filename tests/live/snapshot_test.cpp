// The /proc snapshot a live source takes at start: the inspector's seed.
#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <climits>

#include "live_harness.h"
#include "test_paths.h"

using namespace vigil;
using namespace vigil::test;

TEST_CASE("a live capture's metadata holds this process, its open files and the machine") {
  const std::string path = temp_dir() + "/held-open.txt";
  int fd = ::open(path.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  REQUIRE(fd >= 0);
  auto opts = test_options({"openat"});
  opts.snapshot_proc = true;
  auto src = open_live(opts);
  const capture::CaptureMetadata& md = src->metadata();

  REQUIRE(md.machine.has_value());
  CHECK(md.machine->num_cpus == static_cast<uint32_t>(sysconf(_SC_NPROCESSORS_ONLN)));
  CHECK(md.machine->boot_ts_epoch > 0);

  const pid_t self = getpid();
  auto t = std::find_if(md.threads.begin(), md.threads.end(), [&](const auto& th) { return th.tid == self; });
  REQUIRE(t != md.threads.end());
  CHECK(t->pid == self);
  CHECK(t->ptid == getppid());
  char exe[PATH_MAX];
  const ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  REQUIRE(n > 0);
  CHECK(t->exepath == std::string(exe, n));

  auto fl = std::find_if(md.fd_lists.begin(), md.fd_lists.end(), [&](const auto& l) { return l.tid == self; });
  REQUIRE(fl != md.fd_lists.end());
  auto f = std::find_if(fl->fds.begin(), fl->fds.end(), [&](const auto& i) { return i.fd == fd; });
  REQUIRE(f != fl->fds.end());
  CHECK(f->name == path);
  CHECK(!md.users.empty());
  close(fd);
}
