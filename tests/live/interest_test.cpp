// The in-kernel interest set: what is not asked for is never produced, and the set can change
// while the capture runs.
#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "live_harness.h"

using namespace vigil;
using namespace vigil::test;

TEST_CASE("an interest set given as event ids enables exactly those syscalls") {
  capture::LiveOptions o = test_options({});
  o.interest.syscalls.clear();
  o.interest.event_types = {307};  // openat exit: the marker is all that may arrive
  auto src = open_live(o);
  const int64_t tid = current_tid();
  for (int i = 0; i < 100; i++) syscall(SYS_getppid);
  emit_marker();
  auto events = collect_until_marker(*src, [&](const capture::EventView& e) { return e.tid() == tid; });
  // The kernel filters per syscall: asking for openat exit events enables openat (both events).
  for (const auto& e : events) CHECK((e.type() == 306 || e.type() == 307));
  uint64_t hits = 0;
  for (const auto& c : src->counters()) hits += c.hits;
  CHECK(hits >= 1);
}

TEST_CASE("changing the interest set takes effect while the capture runs") {
  auto src = open_live(test_options({}));
  const int64_t tid = current_tid();
  syscall(SYS_getppid);
  emit_marker();
  auto before = collect_until_marker(*src, [&](const capture::EventView& e) { return e.tid() == tid && e.type() == 1; });
  CHECK(before.empty());

  capture::InterestSet more;
  more.all = false;
  more.state_events = false;
  more.procexit = false;
  more.syscalls = {"openat", "getppid"};
  REQUIRE(src->set_interest(more).ok());
  for (int i = 0; i < 3; i++) syscall(SYS_getppid);
  emit_marker();
  auto after = collect_until_marker(*src, [&](const capture::EventView& e) { return e.tid() == tid && e.type() == 1; });
  CHECK(after.size() == 3);
}
