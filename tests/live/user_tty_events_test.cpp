// Live capture of credential changes, controlling terminals and vigil's own process filter.
#include <fcntl.h>
#include <pwd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>

#include "live_harness.h"
#include "test_paths.h"

using namespace vigil;
using namespace vigil::test;
using capture::EventView;

namespace {
constexpr uint16_t kSetuidX = 199, kExecveX = 293, kOpenatX = 307;
}  // namespace

TEST_CASE("setuid to nobody is captured and the next execve runs as nobody") {
  const passwd* nobody = getpwnam("nobody");
  REQUIRE(nobody != nullptr);
  const uid_t uid = nobody->pw_uid;
  auto src = open_live(test_options({"setuid", "execve"}));
  pid_t child = fork();
  if (child == 0) {
    if (setuid(uid) != 0) _exit(2);
    execl("/bin/true", "true", nullptr);
    _exit(127);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WEXITSTATUS(status) == 0);
  emit_marker();
  auto events = collect_until_marker(*src, [&](const EventView& e) { return e.tid() == child; });
  auto setuids = of_types(events, {kSetuidX});
  REQUIRE(setuids.size() == 1);
  CHECK(setuids[0].param("res").as_i64() == 0);
  CHECK(setuids[0].param("uid").as_u32() == uid);
  auto execs = of_types(events, {kExecveX});
  REQUIRE(execs.size() == 1);
  CHECK(execs[0].param("uid").as_u32() == uid);
  CHECK(execs[0].param("cap_effective").as_u64() == 0);
  CHECK((execs[0].param("flags").as_u32() & 1u) == 0);  // /bin/true is not writable for nobody
}

TEST_CASE("a shell started by script has a controlling terminal in its execve events") {
  auto src = open_live(test_options({"execve"}));
  const std::string probe = "vigil-tty-probe-" + std::to_string(getpid());
  const std::string cmd = "script -qec '/bin/true " + probe + "' /dev/null > /dev/null 2>&1";
  REQUIRE(std::system(cmd.c_str()) == 0);
  emit_marker();
  auto events = collect_until_marker(*src, [&](const EventView& e) {
    if (e.type() != kExecveX) return false;
    auto args = e.param("args");
    return std::string_view(reinterpret_cast<const char*>(args.data()), args.size()) == probe + '\0';
  });
  REQUIRE(events.size() == 1);
  const uint32_t tty = events[0].param("tty").as_u32();
  CHECK(tty != 0);
  // A pseudo-terminal slave: major 136..143 in the new_encode_dev layout.
  const uint32_t major = (tty >> 8) & 0xfff;
  CHECK(major >= 136);
  CHECK(major <= 143);
  CHECK(events[0].param("exe").as_string() == "/bin/true");
}

TEST_CASE("vigil's own syscalls are filtered out in the kernel") {
  auto opts = test_options({"openat"});
  opts.filter_self = true;
  auto src = open_live(opts);
  const std::string own = "/nonexistent-vigil-own-" + std::to_string(getpid());
  REQUIRE(::openat(AT_FDCWD, own.c_str(), O_RDONLY) == -1);
  // The marker comes from a child: a different process, so it is captured.
  const std::string marker = marker_path();
  pid_t child = fork();
  if (child == 0) {
    emit_marker(marker);
    _exit(0);
  }
  REQUIRE(waitpid(child, nullptr, 0) == child);
  bool saw_own = false;
  auto events = collect_until_marker(*src, [&](const EventView& e) {
    if (e.type() == kOpenatX && e.param("name").as_string() == own) saw_own = true;
    return false;
  });
  CHECK_FALSE(saw_own);
}
