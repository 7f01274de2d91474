// fd.realpath on the real driver: /etc/shadow read through a symlink, through "dirlink/.." and
// directly, by this process and by a child that has exited before its events are looked at.
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <climits>
#include <cstdlib>
#include <map>

#include "live_harness.h"
#include "test_paths.h"
#include "vigil/inspect/inspector.h"

using namespace vigil;
using namespace vigil::test;

namespace {

constexpr uint16_t kOpenatX = 307;

void read_one_byte(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  REQUIRE(fd >= 0);
  char c;
  REQUIRE(::read(fd, &c, 1) == 1);
  ::close(fd);
}

struct Names {
  std::string name, realpath;
};

}  // namespace

TEST_CASE("fd.realpath names /etc/shadow however a live process spelled the path it opened") {
  char tmp[PATH_MAX];
  REQUIRE(::realpath(temp_dir().c_str(), tmp) != nullptr);
  const std::string dir = tmp;
  const std::string via_symlink = dir + "/innocent", via_dotdot = dir + "/dirlink/../shadow",
                    by_child = dir + "/child-link";
  REQUIRE(::symlink("/etc/shadow", via_symlink.c_str()) == 0);
  REQUIRE(::symlink("/etc/ssl", (dir + "/dirlink").c_str()) == 0);
  REQUIRE(::symlink("/etc/shadow", by_child.c_str()) == 0);

  capture::LiveOptions o = test_options({"openat"});
  o.snapshot_proc = true;  // the inspector gets this machine's threads, as the CLI does
  auto src = open_live(o);
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(src->metadata(), inspect::StateOrigin::LiveHost).ok());

  read_one_byte(via_symlink);
  read_one_byte(via_dotdot);
  read_one_byte("/etc/shadow");
  const pid_t child = ::fork();
  if (child == 0) {
    const int fd = ::open(by_child.c_str(), O_RDONLY);
    ::_exit(fd >= 0 ? 0 : 1);
  }
  REQUIRE(child > 0);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  emit_marker();

  const int64_t me = current_tid();
  auto events = collect_until_marker(*src, [&](const capture::EventView& e) { return e.tid() == me || e.tid() == child; });
  auto name = inspector.fields().bind("fd.name", std::nullopt);
  auto real = inspector.fields().bind("fd.realpath", std::nullopt);
  REQUIRE(name.ok());
  REQUIRE(real.ok());
  std::map<std::string, Names> seen;  // by the path as opened
  inspect::FieldValues nv, rv;
  for (const auto& e : events) {
    const auto& ctx = inspector.process(e.view());
    if (e.type() != kOpenatX || e.param("fd").as_i64() < 0) continue;
    REQUIRE(name.value()->extract(ctx, nv));
    REQUIRE(real.value()->extract(ctx, rv));
    seen[std::string(e.param("name").as_string())] = {std::string(nv[0].str), std::string(rv[0].str)};
  }

  REQUIRE(seen.count(via_symlink) == 1);
  CHECK(seen[via_symlink].name == via_symlink);
  CHECK(seen[via_symlink].realpath == "/etc/shadow");

  REQUIRE(seen.count(via_dotdot) == 1);
  CHECK(seen[via_dotdot].name == dir + "/shadow");  // lexically; the kernel went through /etc/ssl
  CHECK(seen[via_dotdot].realpath == "/etc/shadow");

  REQUIRE(seen.count("/etc/shadow") == 1);
  CHECK(seen["/etc/shadow"].name == "/etc/shadow");
  CHECK(seen["/etc/shadow"].realpath == "/etc/shadow");

  // The child exited before its open was looked at.
  REQUIRE(seen.count(by_child) == 1);
  CHECK(seen[by_child].name == by_child);
  CHECK(seen[by_child].realpath == "/etc/shadow");
}
