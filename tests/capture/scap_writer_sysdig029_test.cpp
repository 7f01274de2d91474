// The Sysdig029 downgrade rules one by one, each checked with sysdig 0.29.3 on a written file
// (scap-format.md §12.4, §13.3, §15, §16, §19.3).
#include <catch2/catch.hpp>

#include "scap_writer_test_support.h"
#include "test_paths.h"
#include "vigil/capture/scap_writer.h"

using namespace vigil::capture;
using namespace vigil::test;

namespace {

constexpr uint64_t kT0 = 1700000000000000000ull;
const std::string kFormat = "-p '*%evt.dir %thread.tid %evt.type %evt.args'";

struct Written {
  std::vector<std::string> lines;
  uint64_t written = 0, skipped = 0, enters_added = 0;
};

Written write_029(const std::vector<TestEvent>& events, EnterRestore restore = EnterRestore::AllSyscallExits,
                  const std::string& extra_args = "") {
  const std::string path = temp_dir() + "/rules.scap";
  auto w = ScapWriter::create(path, WriterOptions{WriteFormat::Sysdig029, false, restore});
  REQUIRE(w.ok());
  for (const TestEvent& e : events) REQUIRE((*w)->write_event(e.view()).ok());
  REQUIRE((*w)->close().ok());
  Written out;
  out.written = (*w)->events_written();
  out.skipped = (*w)->events_skipped();
  out.enters_added = (*w)->enter_events_added();
  const CommandOutput shown = run_sysdig("-r " + path + " " + extra_args + " " + kFormat);
  REQUIRE(shown.status == 0);
  out.lines = shown.lines;
  return out;
}

std::vector<Param> execve_newest_params() {
  std::vector<Param> p = {num<int64_t>(0), str("ls"), raw({'-', 'l', 0}), num<int64_t>(200), num<int64_t>(200),
                          num<int64_t>(100), str("/tmp"), num<uint64_t>(1024), num<uint64_t>(0), num<uint64_t>(10),
                          num<uint32_t>(100), num<uint32_t>(10), num<uint32_t>(0), str("ls"), raw({'c', 'p', 'u', '=', '/', 0}),
                          raw({'A', '=', '1', 0}), num<uint32_t>(34817), num<int64_t>(200), num<uint32_t>(1000),
                          num<uint32_t>(0)};
  // Newest-only: capabilities, exe inode data, uid, trusted_exepath, pgid, gid, filename.
  for (int i = 0; i < 6; ++i) p.push_back(num<uint64_t>(0));
  p.push_back(num<uint32_t>(1000));
  p.push_back(str("/usr/bin/ls"));
  p.push_back(num<int64_t>(200));
  p.push_back(num<uint32_t>(1000));
  p.push_back(str("/bin/ls"));
  return p;
}

}  // namespace

TEST_CASE("Sysdig029 keeps enter events that arrive on their own and restores none before their exits") {
  // A raw read of an older capture: every exit is preceded by its enter event (2022 layouts),
  // and a TOCTOU connect enter followed by a newest-layout connect exit.
  const std::vector<TestEvent> events = {
      TestEvent(kT0, 10, 6, {num<int64_t>(3), num<uint32_t>(100)}),
      TestEvent(kT0 + 1, 10, 7, {num<int64_t>(2), raw({'h', 'i'})}),
      TestEvent(kT0 + 2, 10, 22, {num<int64_t>(4), sockaddr4({127, 0, 0, 1}, 80)}),
      TestEvent(kT0 + 3, 10, 23, {num<int64_t>(0), tuple4({127, 0, 0, 1}, 5000, {127, 0, 0, 1}, 80), num<int64_t>(4),
                                  sockaddr4({127, 0, 0, 1}, 80)}),
  };
  for (EnterRestore restore : {EnterRestore::AllSyscallExits, EnterRestore::NewerLayoutsOnly}) {
    const Written out = write_029(events, restore);
    CHECK(out.enters_added == 0);
    CHECK(out.written == 4);
    CHECK(out.lines == std::vector<std::string>{
                           "> 10 read fd=3 size=100 ",
                           "< 10 read res=2 data=hi ",
                           "> 10 connect fd=4 addr=127.0.0.1:80 ",
                           "< 10 connect res=0 tuple=127.0.0.1:5000->127.0.0.1:80 ",
                       });
  }
}

TEST_CASE("Sysdig029 restores each enter event right before its exit on the same thread") {
  // Two threads interleaved, newest layouts; thread 20's close is state-only, and so is its
  // restored enter event (both hidden by sysdig).
  const std::vector<TestEvent> events = {
      TestEvent(kT0, 10, 7, {num<int64_t>(2), raw({'h', 'i'}), num<int64_t>(3), num<uint32_t>(100)}, 1),
      TestEvent(kT0 + 1, 20, 9, {num<int64_t>(5), raw({'a', 'b', 'c', 'd', 'e'}), num<int64_t>(1), num<uint32_t>(5)}, 2),
      TestEvent(kT0 + 2, 20, 5, {num<int64_t>(0), num<int64_t>(7)}, 2, kDumpStateOnly),
      TestEvent(kT0 + 3, 10, 5, {num<int64_t>(0), num<int64_t>(3)}, 1),
  };
  const Written out = write_029(events);
  CHECK(out.enters_added == 4);
  CHECK(out.lines == std::vector<std::string>{
                         "> 10 read fd=3 size=100 ",
                         "< 10 read res=2 data=hi ",
                         "> 20 write fd=1 size=5 ",
                         "< 20 write res=5 data=abcde ",
                         "> 10 close fd=3 ",
                         "< 10 close res=0 ",
                     });
  // The restored enter takes its exit's time and cpu.
  const std::string path = temp_dir() + "/t.scap";
  auto w = ScapWriter::create(path, WriterOptions{WriteFormat::Sysdig029});
  REQUIRE(w.ok());
  REQUIRE((*w)->write_event(events[0].view()).ok());
  REQUIRE((*w)->close().ok());
  const CommandOutput times = run_sysdig("-r " + path + " -p '%evt.rawtime %evt.cpu %evt.dir'");
  CHECK(times.lines == std::vector<std::string>{"1700000000000000000 1 >", "1700000000000000000 1 <"});
}

TEST_CASE("Sysdig029 restores no enter event when the exit's copies of the enter parameters are empty") {
  // What a normalizing reader delivers for a call whose enter event the capture never had.
  const std::vector<TestEvent> events = {
      TestEvent(kT0, 10, 35, {num<int64_t>(4), raw({'x'}), tuple4({1, 2, 3, 4}, 53, {10, 0, 0, 1}, 4000), empty(), empty()}),
  };
  const Written out = write_029(events);
  CHECK(out.enters_added == 0);
  CHECK(out.lines == std::vector<std::string>{"< 10 recvfrom res=4 data=x tuple=1.2.3.4:53->10.0.0.1:4000 "});
}

TEST_CASE("Sysdig029 skips and counts events that sysdig 0.29.3 has no id for") {
  const std::vector<TestEvent> events = {
      TestEvent(kT0, 10, 451, {num<int64_t>(0), num<uint32_t>(3), num<uint32_t>(10), num<uint32_t>(0)}),   // close_range
      TestEvent(kT0 + 1, 10, 401, {num<int64_t>(0), num<uint32_t>(15), str("worker"), num<int64_t>(0)}),  // prctl
      TestEvent(kT0 + 2, -1, 402, {num<uint32_t>(1), str("container"), raw({'{', '}'})}),                 // asyncevent
      TestEvent(kT0 + 3, 10, 3, {num<int64_t>(3), str("/etc/hosts"), num<uint32_t>(1), num<uint32_t>(0),
                                 num<uint32_t>(0x803), num<uint64_t>(9)}),
  };
  const Written out = write_029(events);
  CHECK(out.skipped == 3);
  CHECK(out.written == 2);
  CHECK(out.lines == std::vector<std::string>{
                         "> 10 open name=/etc/hosts flags=1(O_RDONLY) mode=0 ",
                         "< 10 open fd=3(<f>/etc/hosts) name=/etc/hosts flags=1(O_RDONLY) mode=0 dev=803 ",
                     });
}

TEST_CASE("Sysdig029 maps newer syscall ids to the event the 2022 driver reported them with") {
  const std::vector<TestEvent> events = {
      TestEvent(kT0, 10, 393, {num<int64_t>(0), num<int64_t>(3), num<int64_t>(4), num<uint64_t>(777), num<uint32_t>(0)}),
      TestEvent(kT0 + 1, 10, 397, {num<int64_t>(5), num<uint16_t>(1), num<uint64_t>(42)}),
      TestEvent(kT0 + 2, 10, 399, {num<int64_t>(6), num<uint16_t>(1), num<int64_t>(-1), num<uint32_t>(2)}),
      TestEvent(kT0 + 3, 10, 395, {num<int64_t>(7), num<uint16_t>(1)}),
      TestEvent(kT0 + 4, 10, 391, {num<int64_t>(0), str("/mnt/x"), num<uint32_t>(2)}),
      TestEvent(kT0 + 5, 10, 369, {num<int64_t>(8), num<uint32_t>(0)}),
      TestEvent(kT0 + 6, 10, 369, {num<int64_t>(-1), num<uint32_t>(5)}),
      TestEvent(kT0 + 7, 10, 365, {num<int64_t>(9), num<int64_t>(3), num<int64_t>(9), num<uint32_t>(0)}),
  };
  const Written out = write_029(events);
  CHECK(out.skipped == 0);
  CHECK(out.lines == std::vector<std::string>{
                         "> 10 pipe ",
                         "< 10 pipe res=0 fd1=3(<p>) fd2=4(<p>) ino=777 ",
                         "> 10 eventfd initval=42 flags=1 ",
                         "< 10 eventfd res=5(<e>) ",
                         "> 10 signalfd fd=-1(EPERM) mask=2 flags=1 ",  // 16-bit flags cut to 8 bits
                         "< 10 signalfd res=6(<s>) ",
                         "> 10 inotify_init flags=1 ",
                         "< 10 inotify_init res=7(<i>) ",
                         "> 10 umount flags=2(DETACH) ",
                         "< 10 umount res=0 name=/mnt/x ",
                         "> 10 bpf cmd=0 ",
                         "< 10 bpf res_or_fd=8 ",  // the fd wrapped into the 2022 PT_DYN slot
                         "> 10 bpf cmd=5 ",
                         "< 10 bpf res_or_fd=-1(EPERM) ",
                         "> 10 dup fd=3(<p>) ",  // dup3's oldfd
                         "< 10 dup res=9(<p>) ",
                     });
}

TEST_CASE("Sysdig029 writes a newest execve exit with its 2022 parameters and its filename enter event") {
  const Written out = write_029({TestEvent(kT0, 200, 293, execve_newest_params())});
  REQUIRE(out.lines.size() == 2);
  CHECK(out.lines[0] == "> 200 execve filename=/bin/ls ");
  CHECK_THAT(out.lines[1], Catch::StartsWith("< 200 execve res=0 exe=ls args=-l. tid=200(ls) pid=200(ls) ptid=100 cwd=/tmp "));
  CHECK_THAT(out.lines[1], Catch::EndsWith("tty=34817 pgid=200(ls) loginuid=1000 flags=0 "));
}

TEST_CASE("Sysdig029 writes an upgraded execve without its empty newer parameters as the older execve") {
  // A 2022-era 16-parameter execve read normalized comes as id 293 with empty tty, pgid,
  // loginuid, flags...: written as id 231 with 16 parameters, the layout sysdig knows.
  std::vector<Param> params = execve_newest_params();
  for (size_t i = 16; i < params.size(); ++i) params[i] = empty();
  const Written out = write_029({TestEvent(kT0, 200, 293, params)}, EnterRestore::NewerLayoutsOnly);
  REQUIRE(out.lines.size() == 1);
  CHECK_THAT(out.lines[0], Catch::StartsWith("< 200 execve res=0 exe=ls args=-l. "));
  CHECK_THAT(out.lines[0], Catch::EndsWith("env=A=1. "));
}

TEST_CASE("Sysdig029 writes empty strings and numbers in the middle of an event as values sysdig can show") {
  // sysdig 0.29.3 shows stale memory for a zero-length CHARBUF or number (§13.3).
  const Written out = write_029(
      {TestEvent(kT0, 10, 3, {num<int64_t>(3), empty(), empty(), num<uint32_t>(0), num<uint32_t>(0x803), empty()})},
      EnterRestore::NewerLayoutsOnly);
  CHECK(out.lines == std::vector<std::string>{"> 10 open name= flags=0(O_NONE) mode=0 ",
                                              "< 10 open fd=3(<f>) name= flags=0(O_NONE) mode=0 dev=803 "});
}

TEST_CASE("Sysdig029 restores the clone enter event in the parent only, as the 2022 driver wrote it") {
  auto clone_exit = [](uint64_t ts, int64_t tid, int64_t res) {
    return TestEvent(ts, tid, 223,
                     {num<int64_t>(res), str("sh"), raw({'-', 'c', 0}), num<int64_t>(tid), num<int64_t>(300),
                      num<int64_t>(res == 0 ? 300 : 1), str("/"), num<uint64_t>(1024), num<uint64_t>(0), num<uint64_t>(0),
                      num<uint32_t>(0), num<uint32_t>(0), num<uint32_t>(0), str("sh"), raw({'c', 'p', 'u', '=', '/', 0}),
                      num<uint32_t>(0), num<uint32_t>(0), num<uint32_t>(0), num<int64_t>(tid), num<int64_t>(300),
                      num<uint64_t>(5)});
  };
  const Written out = write_029({clone_exit(kT0, 300, 301), clone_exit(kT0 + 1, 301, 0)}, EnterRestore::AllSyscallExits,
                                "evt.type=clone");
  CHECK(out.enters_added == 1);
  REQUIRE(out.lines.size() == 3);
  CHECK(out.lines[0] == "> 300 clone ");
  CHECK_THAT(out.lines[1], Catch::StartsWith("< 300 clone res=301(sh) exe=sh "));
  CHECK_THAT(out.lines[2], Catch::StartsWith("< 301 clone res=0 exe=sh "));
}
