// ScapWriter metadata: every field of CaptureMetadata written by the writer comes back equal from
// ScapReader (newest format), and the Sysdig029 flavor keeps exactly what the 2022 reader parses
// (scap-format.md §5-§9, §19.3).
#include <catch2/catch.hpp>

#include "scap_writer_test_support.h"
#include "test_paths.h"
#include "vigil/capture/scap_reader.h"
#include "vigil/capture/scap_writer.h"

using namespace vigil::capture;
using namespace vigil::test;

namespace {

CaptureMetadata every_field() {
  CaptureMetadata md;
  md.machine = MachineInfo{16, 64ull << 30, 4194304, "node-7.example", 1699999000000000000ull, 0};
  InterfaceInfo v4;
  v4.kind = InterfaceInfo::Kind::Ipv4;
  v4.addr = {192, 168, 1, 20};
  v4.netmask = {255, 255, 255, 0};
  v4.bcast = {192, 168, 1, 255};
  v4.link_speed = 1000;
  v4.name = "eth0";
  InterfaceInfo v6;
  v6.kind = InterfaceInfo::Kind::Ipv6;
  v6.addr = {0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3};
  v6.netmask = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  v6.link_speed = 10000;
  v6.name = "eth0";
  InterfaceInfo v4_no_speed;
  v4_no_speed.kind = InterfaceInfo::Kind::Ipv4NoLinkSpeed;
  v4_no_speed.addr = {127, 0, 0, 1};
  v4_no_speed.name = "lo";
  InterfaceInfo v6_no_speed;
  v6_no_speed.kind = InterfaceInfo::Kind::Ipv6NoLinkSpeed;
  v6_no_speed.addr[15] = 1;
  v6_no_speed.name = "lo";
  md.interfaces = {v4, v6, v4_no_speed, v6_no_speed};
  md.users = {UserInfo{0, 0, "root", "/root", "/bin/bash"}, UserInfo{65534, 65534, "nobody", "/nonexistent", "/usr/sbin/nologin"}};
  md.groups = {GroupInfo{0, "root"}, GroupInfo{65534, "nogroup"}};

  ThreadInfo t;
  t.tid = 4321;
  t.pid = 4320;
  t.ptid = 1;
  t.sid = 4000;
  t.vpgid = 12;
  t.pgid = 4300;
  t.comm = "worker";
  t.exe = "/usr/bin/python3";
  t.exepath = "/usr/bin/python3.11";
  t.args = {"-m", "http.server", "8080"};
  t.cwd = "/srv/";
  t.fdlimit = 65536;
  t.flags = 0x2000;
  t.uid = 1000;
  t.gid = 1001;
  t.vmsize_kb = 123456;
  t.vmrss_kb = 23456;
  t.vmswap_kb = 12;
  t.pfmajor = 3;
  t.pfminor = 4567;
  t.env = {"LANG=C.UTF-8", "HOME=/home/app"};
  t.vtid = 7;
  t.vpid = 6;
  t.cgroups = {"cpuset=/docker/abc", "cpu=/docker/abc"};
  t.root = "/var/lib/docker/overlay2/abc/merged";
  t.pidns_init_start_ts = 1699999100000000000ull;
  t.tty = 34816;
  t.loginuid = 1000;
  t.exe_writable = true;
  t.cap_inheritable = 0x1;
  t.cap_permitted = 0x3fffffffffull;
  t.cap_effective = 0x3fffffffffull;
  t.exe_upper_layer = true;
  t.exe_ino = 998877;
  t.exe_ino_ctime = 1699999000000000001ull;
  t.exe_ino_mtime = 1699999000000000002ull;
  t.exe_from_memfd = true;
  t.exe_lower_layer = true;
  ThreadInfo plain;
  plain.tid = plain.pid = 1;
  plain.comm = "init";
  md.threads = {t, plain};

  std::vector<FdInfo> fds;
  auto add = [&](int64_t fd, FdType type, std::string name) {
    FdInfo f;
    f.fd = fd;
    f.ino = 1000 + static_cast<uint64_t>(fd);
    f.type = type;
    f.name = std::move(name);
    fds.push_back(f);
    return &fds.back();
  };
  add(0, FdType::File, "/dev/null");
  add(1, FdType::Directory, "/srv");
  FdInfo* s4 = add(2, FdType::Ipv4Sock, "");
  s4->sip = {10, 0, 0, 1};
  s4->dip = {10, 0, 0, 2};
  s4->sport = 40000;
  s4->dport = 443;
  s4->l4proto = 2;
  FdInfo* s6 = add(3, FdType::Ipv6Sock, "");
  s6->sip[15] = 1;
  s6->dip[15] = 2;
  s6->sport = 5000;
  s6->dport = 53;
  s6->l4proto = 3;
  FdInfo* l4 = add(4, FdType::Ipv4ServSock, "");
  l4->sip = {0, 0, 0, 0};
  l4->sport = 8080;
  l4->l4proto = 2;
  FdInfo* l6 = add(5, FdType::Ipv6ServSock, "");
  l6->sport = 8443;
  l6->l4proto = 2;
  add(6, FdType::Fifo, "pipe:[1234]");
  FdInfo* u = add(7, FdType::UnixSock, "/run/app.sock");
  u->unix_src = 0xffff888012345678ull;
  u->unix_dst = 0xffff888087654321ull;
  add(8, FdType::Event, "anon_inode:[eventfd]");
  add(9, FdType::Unsupported, "anon_inode:[perf_event]");
  add(10, FdType::SignalFd, "anon_inode:[signalfd]");
  add(11, FdType::EventPoll, "anon_inode:[eventpoll]");
  add(12, FdType::Inotify, "anon_inode:inotify");
  add(13, FdType::TimerFd, "anon_inode:[timerfd]");
  add(14, FdType::Netlink, "");
  FdInfo* f2 = add(15, FdType::FileV2, "/var/log/app.log");
  f2->open_flags = 2 | 8;
  f2->dev = 0x803;
  FdInfo* f2_nodev = add(16, FdType::FileV2, "/etc/hosts");
  f2_nodev->open_flags = 1;
  add(17, FdType::Bpf, "anon_inode:bpf-map");
  add(18, FdType::UserFaultFd, "anon_inode:[userfaultfd]");
  add(19, FdType::IoUring, "anon_inode:[io_uring]");
  add(20, FdType::Memfd, "/memfd:jit (deleted)");
  add(21, FdType::PidFd, "anon_inode:[pidfd]");
  md.fd_lists = {FdList{4321, fds}, FdList{1, {}}};  // readers require the tid in the process list
  return md;
}

CaptureMetadata round_trip(const CaptureMetadata& md, WriteFormat format, std::string* written = nullptr) {
  const std::string path = temp_dir() + "/md.scap";
  if (written) *written = path;
  auto w = ScapWriter::create(path, WriterOptions{format, true});
  REQUIRE(w.ok());
  REQUIRE((*w)->write_metadata(md).ok());
  const TestEvent ev(1700000000000000000ull, 4321, 5, {num<int64_t>(0), num<int64_t>(3)});
  REQUIRE((*w)->write_event(ev.view()).ok());
  REQUIRE((*w)->close().ok());
  auto r = ScapReader::open(path, ReaderOptions{ReadMode::Raw});
  REQUIRE(r.ok());
  return (*r)->metadata();
}

}  // namespace

TEST_CASE("every metadata field written in the newest format reads back equal") {
  const CaptureMetadata md = every_field();
  const CaptureMetadata back = round_trip(md, WriteFormat::Newest);
  REQUIRE(back.machine.has_value());
  CHECK(*back.machine == *md.machine);
  CHECK(back.interfaces == md.interfaces);
  CHECK(back.users == md.users);
  CHECK(back.groups == md.groups);
  REQUIRE(back.threads.size() == 2);
  CHECK(back.threads[0] == md.threads[0]);
  CHECK(back.threads[1] == md.threads[1]);
  REQUIRE(back.fd_lists.size() == 2);
  for (size_t i = 0; i < md.fd_lists[0].fds.size(); ++i) {
    INFO("fd " << i);
    CHECK(back.fd_lists[0].fds.at(i) == md.fd_lists[0].fds[i]);
  }
  CHECK(back == md);
}

TEST_CASE("metadata written for sysdig 0.29.3 keeps the 2022 tail and fd types and reads in both worlds") {
  const CaptureMetadata md = every_field();
  std::string path;
  const CaptureMetadata back = round_trip(md, WriteFormat::Sysdig029, &path);
  // sysdig 0.29.3 parses every block and resolves the thread and its fd from them.
  const CommandOutput shown = run_sysdig("-r " + path + " -p '%proc.name %proc.exepath %user.loginuid %fd.name' evt.dir='>'");
  INFO(run_command("sysdig -r " + path + " 2>&1 | tail -3").lines.back());
  REQUIRE(shown.status == 0);
  CHECK(shown.lines == std::vector<std::string>{"worker /usr/bin/python3.11 1000 ::1:5000->::2:53"});
  CHECK(back.interfaces == md.interfaces);
  CHECK(back.users == md.users);
  REQUIRE(back.threads.size() == 2);
  const ThreadInfo& t = back.threads[0];
  // Kept: everything through root, then loginuid, exe_writable and the capabilities (§8.2).
  CHECK(t.root == md.threads[0].root);
  CHECK(t.loginuid == 1000);
  CHECK(t.exe_writable);
  CHECK(t.cap_permitted == 0x3fffffffffull);
  // Not written: the post-2022 tail, which newest readers then default.
  CHECK(t.pidns_init_start_ts == 0);
  CHECK(t.tty == 0);
  CHECK(t.exe_ino == 0);
  CHECK_FALSE(t.exe_upper_layer);
  CHECK(t.pgid == -1);
  // fd types above 16 become UNSUPPORTED with their name; FILE_V2 always carries dev.
  const auto& fds = back.fd_lists.at(0).fds;
  REQUIRE(fds.size() == md.fd_lists[0].fds.size());
  CHECK(fds[17].type == FdType::Unsupported);
  CHECK(fds[17].name == "anon_inode:bpf-map");
  CHECK(fds[20].type == FdType::Unsupported);
  CHECK(fds[20].name == "/memfd:jit (deleted)");
  CHECK(fds[16].dev == std::optional<uint32_t>(0));
  CHECK(fds[15] == md.fd_lists[0].fds[15]);
  for (size_t i = 0; i <= 14; ++i) CHECK(fds[i] == md.fd_lists[0].fds[i]);
}

TEST_CASE("a second section carries its own metadata and reads on as one stream") {
  const std::string path = temp_dir() + "/sections.scap";
  CaptureMetadata first;
  ThreadInfo a;
  a.tid = a.pid = 10;
  a.comm = "first";
  first.threads = {a};
  CaptureMetadata second;
  ThreadInfo b;
  b.tid = b.pid = 20;
  b.comm = "second";
  second.threads = {b};
  const TestEvent e1(1700000000000000000ull, 10, 5, {num<int64_t>(0), num<int64_t>(3)});
  const TestEvent e2(1700000000000000001ull, 20, 5, {num<int64_t>(0), num<int64_t>(4)});
  for (WriteFormat format : {WriteFormat::Newest, WriteFormat::Sysdig029}) {
    auto w = ScapWriter::create(path, WriterOptions{format, true});
    REQUIRE(w.ok());
    CHECK_FALSE((*w)->start_section(second).ok());  // the first section has no event yet
    REQUIRE((*w)->write_metadata(first).ok());
    REQUIRE((*w)->write_event(e1.view()).ok());
    REQUIRE((*w)->start_section(second).ok());
    REQUIRE((*w)->write_event(e2.view()).ok());
    REQUIRE((*w)->close().ok());

    auto r = ScapReader::open(path, ReaderOptions{ReadMode::Raw});
    REQUIRE(r.ok());
    CHECK((*r)->metadata() == first);
    EventView ev;
    std::vector<int64_t> tids;
    while ((*r)->next(ev) == NextStatus::Event) {
      tids.push_back(ev.tid());
      if (ev.tid() == 20) CHECK((*r)->metadata() == second);
    }
    CHECK((*r)->metadata_generation() == 1);
    const CommandOutput shown = run_sysdig("-r " + path + " -p '%proc.name %evt.dir %evt.type'");
    REQUIRE(shown.status == 0);
    if (format == WriteFormat::Newest) {
      CHECK(tids == std::vector<int64_t>{10, 20});
      CHECK(shown.lines == std::vector<std::string>{"first < close", "second < close"});
    } else {
      CHECK(tids == std::vector<int64_t>{10, 10, 20, 20});  // enter events restored
      CHECK(shown.lines == std::vector<std::string>{"first > close", "first < close", "second > close", "second < close"});
    }
  }
}
