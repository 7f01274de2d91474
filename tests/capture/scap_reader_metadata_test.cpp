// ScapReader::metadata() on real captures: the machine info, interface, user, process and fd
// lists exactly as stored (scap-format.md §5-§9). Expected values are what sysdig 0.29.3 shows
// for the same files (proc.*, user.name, fd.name, fd.type).
#include <catch2/catch.hpp>

#include <algorithm>

#include "scap_reader_test_files.h"

using namespace vigil;
using namespace vigil::capture;

namespace {

std::unique_ptr<ScapReader> open_capture(const std::string& name) {
  auto r = ScapReader::open(vigil::test::capture_path(name), {ReadMode::Raw});
  REQUIRE(r.ok());
  return std::move(r.value());
}

const ThreadInfo* find_thread(const CaptureMetadata& m, int64_t tid) {
  for (const auto& t : m.threads)
    if (t.tid == tid) return &t;
  return nullptr;
}

const FdInfo* find_fd(const CaptureMetadata& m, int64_t tid, int64_t fd) {
  for (const auto& list : m.fd_lists)
    if (list.tid == tid)
      for (const auto& f : list.fds)
        if (f.fd == fd) return &f;
  return nullptr;
}

size_t total_fds(const CaptureMetadata& m) {
  size_t n = 0;
  for (const auto& list : m.fd_lists) n += list.fds.size();
  return n;
}

}  // namespace

TEST_CASE("sample.scap (file version 1.2, PL v9 with the 0.10 tail) exposes its metadata as stored") {
  auto reader = open_capture("sample.scap");
  CHECK(reader->major_version() == 1);
  CHECK(reader->minor_version() == 2);
  CHECK(reader->metadata_generation() == 0);
  const CaptureMetadata& m = reader->metadata();

  REQUIRE(m.machine.has_value());
  CHECK(m.machine->num_cpus == 4);
  CHECK(m.machine->memory_size_bytes == 8323059712ull);
  CHECK(m.machine->hostname == "ubuntu2204.localdomain");
  CHECK(m.machine->boot_ts_epoch == 1690556576768000000ull);

  REQUIRE(m.interfaces.size() == 6);
  CHECK(m.interfaces[0].name == "lo");
  CHECK(m.interfaces[0].kind == InterfaceInfo::Kind::Ipv4);
  CHECK(m.interfaces[0].addr[0] == 127);
  CHECK(m.interfaces[0].addr[3] == 1);
  CHECK(m.interfaces[1].name == "eth0");
  CHECK(m.interfaces[1].addr[2] == 121);  // 192.168.121.128
  CHECK(m.interfaces[5].kind == InterfaceInfo::Kind::Ipv6);
  CHECK(m.interfaces[5].addr[0] == 0xfe);  // fe80::...
  CHECK(m.interfaces[5].addr[1] == 0x80);

  CHECK(m.users.size() == 34);
  CHECK(m.groups.size() == 61);
  REQUIRE(!m.users.empty());
  CHECK(m.users[0] == UserInfo{0, 0, "root", "/root", "/bin/bash"});

  CHECK(m.threads.size() == 94);
  CHECK(m.fd_lists.size() == 94);
  CHECK(total_fds(m) == 515);

  // sysdig: multipathd|/sbin/multipathd|/usr/sbin/multipathd|-d -s|/|root|418|1|418|418
  const ThreadInfo* t = find_thread(m, 432);
  REQUIRE(t != nullptr);
  CHECK(t->pid == 418);
  CHECK(t->ptid == 1);
  CHECK(t->sid == 418);
  CHECK(t->vpgid == 418);
  CHECK(t->comm == "multipathd");
  CHECK(t->exe == "/sbin/multipathd");
  CHECK(t->exepath == "/usr/sbin/multipathd");
  CHECK(t->args == std::vector<std::string>{"-d", "-s"});
  CHECK(t->cwd == "/");
  CHECK(t->uid == 0);
  CHECK(t->root == "/");
  CHECK(t->cgroups.size() == 3);
  // The tail is in the libs >= 0.10 order (§8.2): pidns_init_start_ts comes before loginuid.
  CHECK(t->pidns_init_start_ts == 1690556576768000000ull);
  CHECK(t->loginuid == 0xFFFFFFFFu);
  CHECK(t->exe_ino == 1455899);
  CHECK(t->cap_effective == 0x1ffffffffffull);

  // fd 0 of multipathd is /dev/null (FILE_V2 with dev), fd 9 an eventfd (sysdig: "9  event").
  const FdInfo* f = find_fd(m, 418, 0);
  REQUIRE(f != nullptr);
  CHECK(f->type == FdType::FileV2);
  CHECK(f->name == "/dev/null");
  CHECK(f->open_flags == 1);
  CHECK(f->dev == std::optional<uint32_t>(0));
  f = find_fd(m, 418, 9);
  REQUIRE(f != nullptr);
  CHECK(f->type == FdType::Event);
  f = find_fd(m, 418, 3);
  REQUIRE(f != nullptr);
  CHECK(f->type == FdType::UnixSock);
  CHECK(f->name == "@/org/kernel/linux/storage/multipathd\n");  // /proc names keep their newline
  // sshd's connected socket: 192.168.121.128:22 <- client port 33412.
  f = find_fd(m, 1557, 4);
  REQUIRE(f != nullptr);
  CHECK(f->type == FdType::Ipv4Sock);
  CHECK(f->sport == 22);
  CHECK(f->dport == 33412);
}

TEST_CASE("cat_write.scap (file version 1.0, PL v6, FDL/IL/UL v1) exposes its metadata as stored") {
  auto reader = open_capture("cat_write.scap");
  CHECK(reader->major_version() == 1);
  CHECK(reader->minor_version() == 0);
  const CaptureMetadata& m = reader->metadata();

  REQUIRE(m.machine.has_value());
  CHECK(m.machine->num_cpus == 2);
  CHECK(m.machine->hostname == "ubuntu");
  CHECK(m.machine->boot_ts_epoch == 0);

  REQUIRE(m.interfaces.size() == 5);
  CHECK(m.interfaces[1].name == "enp0s3");
  CHECK(m.interfaces[1].addr[0] == 10);
  CHECK(m.interfaces[3].kind == InterfaceInfo::Kind::Ipv6);

  CHECK(m.users.size() == 32);
  CHECK(m.groups.size() == 61);
  CHECK(std::find(m.users.begin(), m.users.end(), UserInfo{1000, 1000, "mstemm", "/home/mstemm", "/bin/bash"}) !=
        m.users.end());

  CHECK(m.threads.size() == 73);
  CHECK(m.fd_lists.size() == 73);
  // The bash that runs cat (sysdig: ptid=11310(bash) in cat's execve).
  const ThreadInfo* t = find_thread(m, 11310);
  REQUIRE(t != nullptr);
  CHECK(t->comm == "bash");
  CHECK(t->exe == "/bin/bash");
  CHECK(t->args == std::vector<std::string>{"--noediting", "-i"});
  CHECK(t->cwd == "/mnt/sf_mstemm/work/src/agent/build/release/userspace/dragent");
  CHECK(t->uid == 1000);
  CHECK(t->sid == 11310);
  // Fields PL v6 lacks keep their defaults (§8.1).
  CHECK(t->exepath.empty());
  CHECK(t->vpgid == -1);
  CHECK(t->pgid == -1);
  CHECK(t->loginuid == 0xFFFFFFFFu);

  const FdInfo* f = find_fd(m, 11310, 255);
  REQUIRE(f != nullptr);
  CHECK(f->type == FdType::File);
  CHECK(f->name == "/dev/pts/4");
  CHECK(!f->dev.has_value());  // FDL v1 never stores dev
}

TEST_CASE("every shared capture exposes machine info and a process table") {
  for (const char* name : {"connect_localhost.scap", "curl_google_comments.scap", "empty.scap",
                           "open-multiple-files.scap", "ping_sendto.scap", "psp_privileged.scap",
                           "psp_write_tmp_test.scap", "single_ipv6_conn.scap", "syscall.scap",
                           "test_ipv6_client.scap"}) {
    INFO(name);
    auto reader = open_capture(name);
    const CaptureMetadata& m = reader->metadata();
    CHECK(m.machine.has_value());
    CHECK(!m.threads.empty());
    CHECK(!m.users.empty());
    CHECK(m.fd_lists.size() <= m.threads.size());
    for (const auto& t : m.threads) REQUIRE(!t.comm.empty());
  }
}
