// ScapWriter files checked with the oracle: sysdig 0.29.3 (`sysdig -r`) must decode and show what
// was written. Covers the minimal (§19.1) and full-featured (§19.2) files and the Sysdig029
// downgrade rules (§13.3, §15, §16, §19.3).
#include <catch2/catch.hpp>

#include "scap_writer_test_support.h"
#include "test_paths.h"
#include "vigil/capture/scap_writer.h"

using namespace vigil::capture;
using namespace vigil::test;

namespace {

// One line per shown event, without the number and time columns that depend on nothing here.
const std::string kFormat = "-p '*%evt.dir %evt.type %proc.name %user.name %thread.tid %fd.name %evt.args'";

std::vector<std::string> write_and_show(const std::string& path, WriterOptions options, const CaptureMetadata* md,
                                        const std::vector<TestEvent>& events, ScapWriter** keep = nullptr) {
  auto w = ScapWriter::create(path, options);
  REQUIRE(w.ok());
  if (md) REQUIRE((*w)->write_metadata(*md).ok());
  for (const TestEvent& e : events) REQUIRE((*w)->write_event(e.view()).ok());
  REQUIRE((*w)->close().ok());
  (void)keep;
  const CommandOutput out = run_sysdig("-r " + path + " " + kFormat);
  REQUIRE(out.status == 0);
  return out.lines;
}

TestEvent open_exit_2022(uint64_t ts, int64_t tid) {
  return TestEvent(ts, tid, 3, {num<int64_t>(3), str("/etc/passwd"), num<uint32_t>(1), num<uint32_t>(0),
                                num<uint32_t>(0x803)});
}

}  // namespace

TEST_CASE("sysdig 0.29.3 reads the minimal file: a section header and one open exit event") {
  const std::string dir = temp_dir();
  for (bool compress : {false, true}) {
    const std::string path = dir + (compress ? "/min.scap.gz" : "/min.scap");
    auto w = ScapWriter::create(path, WriterOptions{WriteFormat::Newest, compress});
    REQUIRE(w.ok());
    REQUIRE((*w)->write_event(open_exit_2022(1700000000000000000ull, 4242).view()).ok());
    REQUIRE((*w)->close().ok());
    const CommandOutput out = run_sysdig("-r " + path);
    REQUIRE(out.status == 0);
    REQUIRE(out.lines.size() == 1);
    CHECK_THAT(out.lines[0], Catch::StartsWith("1 "));
    CHECK_THAT(out.lines[0],
               Catch::EndsWith("<NA> (4242) < open fd=3(<f>/etc/passwd) name=/etc/passwd flags=1(O_RDONLY) mode=0 dev=803 "));
  }
}

TEST_CASE("sysdig 0.29.3 shows a newest-layout open exit in Sysdig029 mode with its enter event restored") {
  const std::string path = temp_dir() + "/open.scap";
  const TestEvent exit_ev(1700000000000000000ull, 4242, 3,
                          {num<int64_t>(3), str("/etc/passwd"), num<uint32_t>(1), num<uint32_t>(0),
                           num<uint32_t>(0x803), num<uint64_t>(1234)});
  const auto lines = write_and_show(path, WriterOptions{WriteFormat::Sysdig029, false}, nullptr, {exit_ev});
  REQUIRE(lines.size() == 2);
  CHECK(lines[0] == "> open <NA> <NA> 4242 <NA> name=/etc/passwd flags=1(O_RDONLY) mode=0 ");
  CHECK(lines[1] == "< open <NA> <NA> 4242 /etc/passwd fd=3(<f>/etc/passwd) name=/etc/passwd flags=1(O_RDONLY) mode=0 dev=803 ");
}

namespace {

constexpr uint64_t kT0 = 1700000000000000000ull;

CaptureMetadata full_metadata() {
  CaptureMetadata md;
  md.machine = MachineInfo{2, 4ull << 30, 0, "vigil-test-host", kT0 - 1000000000ull, 0};
  InterfaceInfo lo;
  lo.addr = {127, 0, 0, 1};
  lo.netmask = {255, 0, 0, 0};
  lo.bcast = {127, 255, 255, 255};
  lo.name = "lo";
  md.interfaces = {lo};
  md.users = {UserInfo{0, 0, "root", "/root", "/bin/bash"}, UserInfo{1000, 1000, "alice", "/home/alice", "/bin/sh"}};
  md.groups = {GroupInfo{0, "root"}, GroupInfo{1000, "alice"}};
  ThreadInfo init;
  init.tid = init.pid = 1;
  init.comm = "init";
  init.exe = "/sbin/init";
  init.exepath = "/sbin/init";
  init.cwd = "/";
  ThreadInfo cat;
  cat.tid = cat.pid = 100;
  cat.ptid = 1;
  cat.comm = "mycat";
  cat.exe = "mycat";
  cat.exepath = "/usr/bin/mycat";
  cat.args = {"/etc/passwd"};
  cat.cwd = "/home/alice";
  cat.uid = cat.gid = 1000;
  cat.loginuid = 1000;
  cat.pidns_init_start_ts = 7;  // would show as loginuid 7 if the newest tail reached sysdig (§8.2)
  cat.env = {"HOME=/home/alice", "PATH=/usr/bin"};
  md.threads = {init, cat};
  FdInfo file;
  file.fd = 3;
  file.type = FdType::FileV2;
  file.name = "/etc/passwd";
  file.open_flags = 1;
  file.dev = 0x803;
  FdInfo sock;
  sock.fd = 4;
  sock.type = FdType::Ipv4Sock;
  sock.sip = {10, 0, 0, 1};
  sock.dip = {93, 184, 216, 34};
  sock.sport = 40000;
  sock.dport = 443;
  sock.l4proto = 2;
  FdInfo memfd;  // type 20 is unknown to the 2022 reader, which would reject the whole file
  memfd.fd = 9;
  memfd.type = FdType::Memfd;
  memfd.name = "/memfd:jit (deleted)";
  md.fd_lists = {FdList{100, {file, sock, memfd}}};
  return md;
}

// A newest-driver stream: TOCTOU enter events only, exits carrying the enter parameters.
std::vector<TestEvent> newest_stream() {
  std::vector<TestEvent> ev;
  uint64_t t = kT0;
  ev.emplace_back(t++, -1, 324, std::vector<Param>{str(R"({"container":{"id":"0123456789ab","name":"web","type":0,"image":"nginx"}})")});
  ev.emplace_back(t++, 100, 2, std::vector<Param>{str("/etc/passwd"), num<uint32_t>(1), num<uint32_t>(0)});
  ev.emplace_back(t++, 100, 3, std::vector<Param>{num<int64_t>(5), str("/etc/passwd"), num<uint32_t>(1), num<uint32_t>(0),
                                                  num<uint32_t>(0x803), num<uint64_t>(77)});
  ev.emplace_back(t++, 100, 7, std::vector<Param>{num<int64_t>(5), raw({'r', 'o', 'o', 't'}), num<int64_t>(5), num<uint32_t>(4096)});
  ev.emplace_back(t++, 100, 9, std::vector<Param>{num<int64_t>(4), raw({'a', 'b', 'c', 'd'}), num<int64_t>(4), num<uint32_t>(4)});
  ev.emplace_back(t++, 100, 22, std::vector<Param>{num<int64_t>(6), sockaddr4({93, 184, 216, 34}, 80)});
  ev.emplace_back(t++, 100, 23, std::vector<Param>{num<int64_t>(0), tuple4({10, 0, 0, 1}, 40001, {93, 184, 216, 34}, 80),
                                                   num<int64_t>(6), sockaddr4({93, 184, 216, 34}, 80)});
  ev.emplace_back(t++, 100, 389, std::vector<Param>{num<int64_t>(7), tuple4({10, 0, 0, 2}, 5555, {10, 0, 0, 1}, 443),
                                                    num<uint8_t>(0), num<uint32_t>(0), num<uint32_t>(128), num<int32_t>(0x800)});
  ev.emplace_back(t++, 100, 363, std::vector<Param>{num<int64_t>(8), num<int64_t>(5), num<int64_t>(8)});
  ev.emplace_back(t++, -1, 354, std::vector<Param>{num<uint32_t>(1001), num<uint32_t>(1001), str("bob"), str("/home/bob"),
                                                   str("/bin/sh"), str("")});
  ev.emplace_back(t++, 100, 5, std::vector<Param>{num<int64_t>(0), num<int64_t>(5)}, 0, kDumpStateOnly);
  ev.emplace_back(t++, 100, 186, std::vector<Param>{num<int64_t>(0), num<int64_t>(0), num<uint8_t>(0), num<uint8_t>(0),
                                                    num<int64_t>(1)});
  return ev;
}

}  // namespace

TEST_CASE("sysdig 0.29.3 reads a full-featured Sysdig029 file with metadata, restored enter events and mapped ids") {
  const std::string path = temp_dir() + "/full.scap";
  const CaptureMetadata md = full_metadata();
  const auto events = newest_stream();
  auto w = ScapWriter::create(path, WriterOptions{WriteFormat::Sysdig029, true});
  REQUIRE(w.ok());
  REQUIRE((*w)->write_metadata(md).ok());
  for (const TestEvent& e : events) REQUIRE((*w)->write_event(e.view()).ok());
  REQUIRE((*w)->close().ok());
  CHECK((*w)->events_skipped() == 1);  // useradded has no 2022 id
  const CommandOutput out = run_sysdig("-r " + path + " " + kFormat);
  REQUIRE(out.status == 0);
  // Metadata: process and user names from PL/UL, socket fd name from FDL, the 2022 PL tail read
  // as written. Events: TOCTOU enter events not doubled, enter events restored for read, write
  // and the mapped ids, accept4 (389) shown as `accept`, dup2 (363) as `dup`, the state-only close
  // hidden, the leading container event consumed, procexit cut to its 4 2022 parameters.
  const std::vector<std::string> expected = {
      "> open mycat alice 100 <NA> name=/etc/passwd flags=1(O_RDONLY) mode=0 ",
      "< open mycat alice 100 /etc/passwd fd=5(<f>/etc/passwd) name=/etc/passwd flags=1(O_RDONLY) mode=0 dev=803 ",
      "> read mycat alice 100 /etc/passwd fd=5(<f>/etc/passwd) size=4096 ",
      "< read mycat alice 100 /etc/passwd res=5 data=root ",
      "> write mycat alice 100 10.0.0.1:40000->93.184.216.34:443 fd=4(<4t>10.0.0.1:40000->93.184.216.34:443) size=4 ",
      "< write mycat alice 100 10.0.0.1:40000->93.184.216.34:443 res=4 data=abcd ",
      "> connect mycat alice 100 <NA> fd=6 addr=93.184.216.34:80 ",
      "< connect mycat alice 100 10.0.0.1:40001->93.184.216.34:80 res=0 tuple=10.0.0.1:40001->93.184.216.34:80 ",
      "> accept mycat alice 100 <NA> flags=800 ",
      "< accept mycat alice 100 10.0.0.2:5555->10.0.0.1:443 fd=7(<4t>10.0.0.2:5555->10.0.0.1:443) "
      "tuple=10.0.0.2:5555->10.0.0.1:443 queuepct=0 queuelen=0 queuemax=128 ",
      "> dup mycat alice 100 /etc/passwd fd=5(<f>/etc/passwd) ",
      "< dup mycat alice 100 /etc/passwd res=8(<f>/etc/passwd) ",
      "> procexit mycat alice 100 <NA> status=0 ret=0 sig=0 core=0 ",
  };
  CHECK(out.lines == expected);
  CHECK((*w)->enter_events_added() == 5);  // read, write, accept, dup, and none for open/connect

  const CommandOutput details = run_sysdig("-r " + path + " -p '%user.loginuid %proc.exepath %proc.cwd' evt.type=read");
  REQUIRE(details.lines.size() == 2);
  CHECK(details.lines[0] == "1000 /usr/bin/mycat /home/alice/");
  // The machine info and interface list parse (a bad MI length would fail the whole file).
  const CommandOutput all = run_sysdig("-D -r " + path + " -p '%evt.type'");
  CHECK(all.status == 0);
}

TEST_CASE("an fd list of a thread missing from the process list is left out, so sysdig still reads the file") {
  const std::string path = temp_dir() + "/orphan.scap";
  CaptureMetadata md = full_metadata();
  FdInfo f;
  f.fd = 3;
  f.type = FdType::File;
  f.name = "/tmp/gone";
  md.fd_lists.push_back(FdList{999, {f}});  // the process exited between the two /proc scans
  auto w = ScapWriter::create(path, WriterOptions{WriteFormat::Sysdig029});
  REQUIRE(w.ok());
  REQUIRE((*w)->write_metadata(md).ok());
  REQUIRE((*w)->write_event(open_exit_2022(kT0, 100).view()).ok());
  REQUIRE((*w)->close().ok());
  CHECK((*w)->fd_lists_dropped() == 1);
  const CommandOutput out = run_sysdig("-r " + path + " -p '%proc.name %fd.name'");
  REQUIRE(out.status == 0);
  CHECK(out.lines == std::vector<std::string>{"mycat /etc/passwd"});
}
