// thread.exectime, thread.totexectime (context switches) and thread.cpu* (procinfo events) on
// hand-built events; the sysdig differential test covers the real captures' switch events.
#include <catch2/catch.hpp>

#include <optional>

#include "event_builder.h"
#include "vigil/inspect/inspector.h"

using namespace vigil;
using capture::Direction;
using test::enc_i64;
using test::enc_u64;
using test::TestEvent;

namespace {

capture::CaptureMetadata two_threads() {
  capture::CaptureMetadata meta;
  for (int64_t tid : {100, 200}) {
    capture::ThreadInfo t;
    t.tid = t.pid = tid;
    t.ptid = 1;
    t.comm = t.exe = "worker";
    t.cwd = "/";
    meta.threads.push_back(t);
  }
  return meta;
}

TestEvent switch_event(int64_t tid, uint64_t ts, int64_t next) {
  TestEvent ev("switch", Direction::Enter, tid, ts);
  ev.set("next", enc_i64(next)).set("pgft_maj", enc_u64(0)).set("pgft_min", enc_u64(0))
      .set("vm_size", std::string(4, '\0')).set("vm_rss", std::string(4, '\0')).set("vm_swap", std::string(4, '\0'));
  return ev;
}

TestEvent procinfo(int64_t tid, uint64_t user, uint64_t system) {
  TestEvent ev("procinfo", Direction::Enter, tid);
  ev.set("cpu_usr", enc_u64(user)).set("cpu_sys", enc_u64(system));
  return ev;
}

std::optional<double> number(const inspect::Inspector& inspector, const inspect::EventContext& ctx, std::string_view name) {
  auto f = inspector.fields().bind(name, std::nullopt);
  REQUIRE(f.ok());
  inspect::FieldValues v;
  if (!f.value()->extract(ctx, v)) return std::nullopt;
  REQUIRE(v.size() == 1);
  return v[0].type == inspect::FieldType::Double ? v[0].f64 : static_cast<double>(v[0].u64);
}

}  // namespace

TEST_CASE("a context switch times the slice since the previous switch on its CPU and adds it to the thread") {
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(two_threads()).ok());
  // All on CPU 0 (the builder's events carry cpu 0): 100 runs, then 200, then 100 again.
  auto s1 = switch_event(100, 1000, 200);
  const auto& c1 = inspector.process(s1.view(1));
  CHECK(number(inspector, c1, "thread.exectime") == 0.0);  // the first switch seen on the CPU
  CHECK(number(inspector, c1, "thread.totexectime") == 0.0);
  auto s2 = switch_event(200, 1700, 100);
  const auto& c2 = inspector.process(s2.view(2));
  CHECK(number(inspector, c2, "thread.exectime") == 700.0);
  CHECK(number(inspector, c2, "thread.totexectime") == 700.0);
  auto s3 = switch_event(100, 2000, 200);
  const auto& c3 = inspector.process(s3.view(3));
  CHECK(number(inspector, c3, "thread.exectime") == 300.0);
  CHECK(number(inspector, c3, "thread.totexectime") == 300.0);
  auto s4 = switch_event(200, 2500, 100);
  CHECK(number(inspector, inspector.process(s4.view(4)), "thread.totexectime") == 1200.0);

  // Other events: no slice, and the thread's total so far.
  TestEvent read("read", Direction::Exit, 100, 2600);
  read.set("res", enc_i64(0)).set("fd", enc_i64(0));
  const auto& c5 = inspector.process(read.view(5));
  CHECK(number(inspector, c5, "thread.exectime") == 0.0);
  CHECK(number(inspector, c5, "thread.totexectime") == 300.0);

  // The idle task (tid 0) is no thread the inspector keeps, yet its switches are timed.
  auto idle = switch_event(0, 2900, 100);
  const auto& c6 = inspector.process(idle.view(6));
  CHECK(number(inspector, c6, "thread.exectime") == 400.0);
  CHECK_FALSE(number(inspector, c6, "thread.totexectime").has_value());
}

TEST_CASE("procinfo events give thread.cpu the change of the thread's CPU counters, at most 100") {
  inspect::Inspector inspector;
  REQUIRE(inspector.seed(two_threads()).ok());
  auto p1 = procinfo(100, 1000, 500);
  const auto& c1 = inspector.process(p1.view(1));
  CHECK(number(inspector, c1, "thread.cpu") == 0.0);  // nothing to compare with yet
  CHECK(number(inspector, c1, "thread.cpu.user") == 0.0);
  auto p2 = procinfo(100, 1030, 510);
  const auto& c2 = inspector.process(p2.view(2));
  CHECK(number(inspector, c2, "thread.cpu") == 40.0);
  CHECK(number(inspector, c2, "thread.cpu.user") == 30.0);
  CHECK(number(inspector, c2, "thread.cpu.system") == 10.0);
  auto p3 = procinfo(100, 1500, 510);
  CHECK(number(inspector, inspector.process(p3.view(3)), "thread.cpu") == 100.0);
  // Another thread keeps its own counters; other events have no CPU reading.
  auto other = procinfo(200, 7, 7);
  CHECK(number(inspector, inspector.process(other.view(4)), "thread.cpu") == 0.0);
  TestEvent read("read", Direction::Exit, 100);
  read.set("res", enc_i64(0)).set("fd", enc_i64(0));
  CHECK_FALSE(number(inspector, inspector.process(read.view(5)), "thread.cpu").has_value());
}
