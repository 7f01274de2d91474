// Block layouts the shared captures do not contain (scap-format.md §3-§11, §20 "coverage"),
// built as small synthetic captures: every process-list version, every fd type, interface and
// user list variants, unknown blocks, EVF/LARGE event blocks, v1 event headers and unknown ids.
#include <catch2/catch.hpp>

#include "scap_reader_test_builder.h"
#include "scap_reader_test_files.h"

using namespace vigil;
using namespace vigil::capture;
using namespace vigil::test;

namespace {

constexpr uint16_t kProcinfo = 234;

// Appends one procinfo event so the capture is valid (§1.5).
CaptureBuilder& with_event(CaptureBuilder& c) {
  return c.block(0x216, ev_body(0, event_v2(1000, 1, kProcinfo, {u64_param(1), u64_param(2)})));
}

// A capture with one event after its blocks must fail to open, at `offset`, with `message`.
void check_rejected(CaptureBuilder& c, uint64_t offset, const std::string& message) {
  with_event(c);
  auto r = ScapReader::open(write_temp("bad.scap", c.bytes));
  REQUIRE_FALSE(r.ok());
  INFO(r.error().to_string());
  CHECK(r.error().byte_offset == std::optional<uint64_t>(offset));
  CHECK_THAT(r.error().message, Catch::Contains(message));
}

std::unique_ptr<ScapReader> open_built(const CaptureBuilder& c, ReadMode mode = ReadMode::Raw) {
  auto r = ScapReader::open(write_temp("built.scap", c.bytes), {mode});
  INFO((r.ok() ? std::string() : r.error().to_string()));
  REQUIRE(r.ok());
  return std::move(r.value());
}

// One process-list entry of version `v` (§8.1), without the V9 entry_len and tail.
Bytes pl_fields(int v, int64_t tid) {
  Bytes e;
  e.put<int64_t>(tid).put<int64_t>(tid).put<int64_t>(1);
  if (v >= 6) e.put<int64_t>(tid);     // sid
  if (v >= 8) e.put<int64_t>(tid);     // vpgid
  e.str16("comm").str16("/bin/exe");
  if (v >= 7) e.str16("/usr/bin/exe");  // exepath
  e.str16(std::string("-a\0-b\0", 6)).str16("/cwd");
  e.u64(1024).u32(0x10).u32(1000).u32(1001);
  if (v >= 2) e.u32(11).u32(12).u32(13).u64(14).u64(15);
  if (v >= 3) e.str16(std::string("A=1\0B=2\0", 8));
  if (v >= 4) e.put<int64_t>(7).put<int64_t>(8).str16(std::string("cpu=/x\0", 7));
  if (v >= 5) e.str16("/root");
  return e;
}

}  // namespace

TEST_CASE("process list blocks v1 to v8 decode their fields and default the missing ones") {
  const std::vector<std::pair<int, uint32_t>> versions = {
      {1, 0x202}, {1, 0x8000ABCD}, {2, 0x207}, {2, 0x8013ABCD}, {3, 0x209}, {3, 0x8014ABCD},
      {4, 0x210}, {5, 0x211}, {6, 0x212}, {7, 0x213}, {8, 0x214}};
  for (const auto& [v, type] : versions) {
    INFO("PL v" << v << " block type " << type);
    CaptureBuilder c;
    c.shb();
    Bytes body = pl_fields(v, 42);
    body.raw(pl_fields(v, 43).b);
    c.block(type, body.b);
    with_event(c);
    auto reader = open_built(c);
    const auto& threads = reader->metadata().threads;
    REQUIRE(threads.size() == 2);
    const ThreadInfo& t = threads[0];
    CHECK(threads[1].tid == 43);
    CHECK(t.tid == 42);
    CHECK(t.ptid == 1);
    CHECK(t.comm == "comm");
    CHECK(t.exe == "/bin/exe");
    CHECK(t.args == std::vector<std::string>{"-a", "-b"});
    CHECK(t.cwd == "/cwd");
    CHECK(t.fdlimit == 1024);
    CHECK(t.flags == 0x10);
    CHECK(t.uid == 1000);
    CHECK(t.gid == 1001);
    CHECK(t.vmsize_kb == (v >= 2 ? 11u : 0u));
    CHECK(t.pfminor == (v >= 2 ? 15u : 0u));
    CHECK(t.env == (v >= 3 ? std::vector<std::string>{"A=1", "B=2"} : std::vector<std::string>{}));
    CHECK(t.vtid == (v >= 4 ? 7 : -1));
    CHECK(t.vpid == (v >= 4 ? 8 : -1));
    CHECK(t.cgroups.size() == (v >= 4 ? 1u : 0u));
    CHECK(t.root == (v >= 5 ? "/root" : ""));
    CHECK(t.sid == (v >= 6 ? 42 : -1));
    CHECK(t.exepath == (v >= 7 ? "/usr/bin/exe" : ""));
    CHECK(t.vpgid == (v >= 8 ? 42 : -1));
    CHECK(t.loginuid == 0xFFFFFFFFu);
  }
}

TEST_CASE("a v9 process entry with a pre-0.10 tail reads loginuid straight after root") {
  Bytes fields = pl_fields(9, 42);
  fields.u32(1000).u8(1).u64(0x1).u64(0x2).u64(0x3);  // 29 bytes: the old order (§8.2)
  Bytes body;
  body.u32(static_cast<uint32_t>(4 + fields.size())).raw(fields.b);
  CaptureBuilder c;
  c.shb().block(0x215, body.b);
  with_event(c);
  auto reader = open_built(c);
  REQUIRE(reader->metadata().threads.size() == 1);
  const ThreadInfo& t = reader->metadata().threads[0];
  CHECK(t.loginuid == 1000);
  CHECK(t.exe_writable);
  CHECK(t.cap_inheritable == 1);
  CHECK(t.cap_permitted == 2);
  CHECK(t.cap_effective == 3);
  CHECK(t.pidns_init_start_ts == 0);
  CHECK(t.tty == 0);
}

TEST_CASE("a v9 process entry with the newest tail decodes every field and skips unknown bytes") {
  Bytes fields = pl_fields(9, 42);
  fields.u64(777).u32(34816).u32(1000).u8(1).u64(1).u64(2).u64(3);  // pidns, tty, loginuid, ...
  fields.u8(1).u64(555).u64(666).u64(888).u8(1).u8(1).put<int64_t>(4242);
  fields.raw(std::string("\x01\x02\x03\x04\x05", 5));  // a future field
  Bytes body;
  body.u32(static_cast<uint32_t>(4 + fields.size())).raw(fields.b);
  Bytes second = pl_fields(9, 43);
  body.u32(static_cast<uint32_t>(4 + second.size())).raw(second.b);
  CaptureBuilder c;
  c.shb().block(0x215, body.b);
  with_event(c);
  auto reader = open_built(c);
  const auto& threads = reader->metadata().threads;
  REQUIRE(threads.size() == 2);
  const ThreadInfo& t = threads[0];
  CHECK(t.pidns_init_start_ts == 777);
  CHECK(t.tty == 34816);
  CHECK(t.loginuid == 1000);
  CHECK(t.exe_writable);
  CHECK(t.cap_effective == 3);
  CHECK(t.exe_upper_layer);
  CHECK(t.exe_ino == 555);
  CHECK(t.exe_ino_ctime == 666);
  CHECK(t.exe_ino_mtime == 888);
  CHECK(t.exe_from_memfd);
  CHECK(t.exe_lower_layer);
  CHECK(t.pgid == 4242);
  CHECK(threads[1].tid == 43);
  CHECK(threads[1].pgid == -1);  // no tail at all: defaults
}

TEST_CASE("an fd list v2 decodes every fd type and keeps unknown types as unsupported") {
  Bytes body;
  body.put<int64_t>(42);
  auto entry = [&](int64_t fd, uint8_t type, const Bytes& payload) {
    Bytes e;
    e.put<int64_t>(fd).u64(100 + static_cast<uint64_t>(fd)).u8(type).raw(payload.b);
    body.u32(static_cast<uint32_t>(4 + e.size())).raw(e.b);
  };
  entry(3, 3, Bytes().raw(std::string("\x0a\x00\x00\x01\x0a\x00\x00\x02", 8)).u16(40000).u16(443).u8(2));
  entry(4, 4, Bytes().raw(std::string(32, '\x01')).u16(1).u16(2).u8(3));
  entry(5, 5, Bytes().raw(std::string("\x7f\x00\x00\x01", 4)).u16(8080).u8(2));
  entry(6, 6, Bytes().raw(std::string(16, '\x02')).u16(9090).u8(2));
  entry(8, 8, Bytes().u64(0xAA).u64(0xBB).str16("/run/sock"));
  entry(16, 16, Bytes().u32(1).str16("/etc/passwd").u32(0x803));
  for (uint8_t type : {1, 2, 7, 9, 10, 11, 12, 13, 14, 15, 17, 18, 19, 20, 21})
    entry(100 + type, type, Bytes().str16("name" + std::to_string(type)));
  entry(99, 99, Bytes().raw("opaque payload"));
  CaptureBuilder c;
  c.shb().block(0x218, body.b);
  with_event(c);
  auto reader = open_built(c);
  REQUIRE(reader->metadata().fd_lists.size() == 1);
  const FdList& list = reader->metadata().fd_lists[0];
  CHECK(list.tid == 42);
  REQUIRE(list.fds.size() == 22);
  const FdInfo& v4 = list.fds[0];
  CHECK(v4.type == FdType::Ipv4Sock);
  CHECK(v4.ino == 103);
  CHECK(v4.sip[0] == 10);
  CHECK(v4.dip[3] == 2);
  CHECK(v4.sport == 40000);
  CHECK(v4.dport == 443);
  CHECK(v4.l4proto == 2);
  CHECK(list.fds[1].type == FdType::Ipv6Sock);
  CHECK(list.fds[1].l4proto == 3);
  CHECK(list.fds[2].type == FdType::Ipv4ServSock);
  CHECK(list.fds[2].sport == 8080);
  CHECK(list.fds[3].type == FdType::Ipv6ServSock);
  CHECK(list.fds[3].sport == 9090);
  CHECK(list.fds[4].type == FdType::UnixSock);
  CHECK(list.fds[4].unix_src == 0xAA);
  CHECK(list.fds[4].unix_dst == 0xBB);
  CHECK(list.fds[4].name == "/run/sock");
  CHECK(list.fds[5].type == FdType::FileV2);
  CHECK(list.fds[5].open_flags == 1);
  CHECK(list.fds[5].name == "/etc/passwd");
  CHECK(list.fds[5].dev == std::optional<uint32_t>(0x803));
  for (size_t i = 6; i < 21; ++i) {
    CHECK(static_cast<int>(list.fds[i].type) == list.fds[i].fd - 100);
    CHECK(list.fds[i].name == "name" + std::to_string(list.fds[i].fd - 100));
  }
  CHECK(list.fds[21].type == FdType::Unsupported);
  CHECK(list.fds[21].fd == 99);
}

TEST_CASE("an fd list v1 has no dev for files and cannot skip an unknown fd type") {
  Bytes body;
  body.put<int64_t>(42);
  body.put<int64_t>(3).u64(1).u8(16).u32(2).str16("/tmp/f");
  CaptureBuilder ok;
  ok.shb().block(0x203, body.b);
  with_event(ok);
  auto reader = open_built(ok);
  REQUIRE(reader->metadata().fd_lists.at(0).fds.size() == 1);
  CHECK(reader->metadata().fd_lists[0].fds[0].name == "/tmp/f");
  CHECK_FALSE(reader->metadata().fd_lists[0].fds[0].dev.has_value());

  body.put<int64_t>(4).u64(1).u8(99).str16("x");
  CaptureBuilder bad;
  bad.shb().block(0x8001ABCD, body.b);  // the internal FDL id reads like 0x203
  check_rejected(bad, 28, "unknown fd type 99");
}

TEST_CASE("interface lists decode the no-link-speed types and v2 entries with extra bytes") {
  Bytes v1;
  v1.u16(3).u16(2).raw(std::string("\x0a\x00\x00\x05\xff\xff\xff\x00\x0a\x00\x00\xff", 12)).raw("e0");
  v1.u16(4).u16(2).raw(std::string(48, '\x01')).raw("e1");
  Bytes v2;
  Bytes entry;
  entry.u16(1).u16(2).raw(std::string("\x7f\x00\x00\x01\xff\x00\x00\x00\x7f\xff\xff\xff", 12)).u64(1000).raw("lo");
  entry.raw("future");
  v2.u32(static_cast<uint32_t>(entry.size())).raw(entry.b);
  Bytes entry6;
  entry6.u16(2).u16(4).raw(std::string(48, '\x02')).u64(10).raw("eth0");
  v2.u32(static_cast<uint32_t>(entry6.size())).raw(entry6.b);
  CaptureBuilder c;
  c.shb().block(0x8011ABCD, v1.b).block(0x219, v2.b);
  with_event(c);
  auto reader = open_built(c);
  const auto& ifs = reader->metadata().interfaces;
  REQUIRE(ifs.size() == 4);
  CHECK(ifs[0].kind == InterfaceInfo::Kind::Ipv4NoLinkSpeed);
  CHECK(ifs[0].addr[3] == 5);
  CHECK(ifs[0].netmask[2] == 0xff);
  CHECK(ifs[0].name == "e0");
  CHECK(ifs[1].kind == InterfaceInfo::Kind::Ipv6NoLinkSpeed);
  CHECK(ifs[1].name == "e1");
  CHECK(ifs[2].kind == InterfaceInfo::Kind::Ipv4);
  CHECK(ifs[2].link_speed == 1000);
  CHECK(ifs[2].name == "lo");
  CHECK(ifs[3].kind == InterfaceInfo::Kind::Ipv6);
  CHECK(ifs[3].link_speed == 10);
  CHECK(ifs[3].name == "eth0");
}

TEST_CASE("user lists v1 and v2 decode users and groups, v2 skipping unknown trailing bytes") {
  Bytes v1;
  v1.u8(0).u32(0).u32(0).str16("root").str16("/root").str16("/bin/sh");
  v1.u8(1).u32(10).str16("wheel");
  Bytes v2;
  Bytes user;
  user.u8(0).u32(1000).u32(100).str16("alice").str16("/home/alice").str16("/bin/zsh").raw("xx");
  v2.u32(static_cast<uint32_t>(4 + user.size())).raw(user.b);
  Bytes group;
  group.u8(1).u32(100).str16("users");
  v2.u32(static_cast<uint32_t>(4 + group.size())).raw(group.b);
  CaptureBuilder c;
  c.shb().block(0x206, v1.b).block(0x220, v2.b);
  with_event(c);
  auto reader = open_built(c);
  const auto& m = reader->metadata();
  REQUIRE(m.users.size() == 2);
  CHECK(m.users[0] == UserInfo{0, 0, "root", "/root", "/bin/sh"});
  CHECK(m.users[1] == UserInfo{1000, 100, "alice", "/home/alice", "/bin/zsh"});
  REQUIRE(m.groups.size() == 2);
  CHECK(m.groups[0] == GroupInfo{10, "wheel"});
  CHECK(m.groups[1] == GroupInfo{100, "users"});
}

TEST_CASE("unknown metadata blocks are skipped but their trailer is still checked") {
  Bytes mi;
  mi.u32(8).u64(1 << 30).u64(0).raw(std::string(128, '\0')).u64(5).u64(0).u64(0).u64(0);
  CaptureBuilder c;
  c.shb().block(0x300, Bytes().raw("something new").b).block(0x8002ABCD, mi.b);
  with_event(c);
  auto reader = open_built(c);
  REQUIRE(reader->metadata().machine.has_value());
  CHECK(reader->metadata().machine->num_cpus == 8);
  CHECK(reader->metadata().machine->boot_ts_epoch == 5);

  CaptureBuilder bad;
  bad.shb().block(0x300, Bytes().raw("something new").b);
  put_u32(bad.bytes, bad.size() - 4, 12345);
  check_rejected(bad, 28, "trailer=12345");
}

TEST_CASE("a machine info block of the wrong size is rejected") {
  CaptureBuilder c;
  c.shb().block(0x201, Bytes().u32(1).u64(2).b);
  check_rejected(c, 28, "machine info");
}

TEST_CASE("EVF and LARGE event blocks deliver cpu, dump flags and u32-length parameters") {
  const std::string json(100000, 'j');
  CaptureBuilder c;
  c.shb();
  c.block(0x217, evf_body(3, 0x1, event_v2(10, 5, kProcinfo, {u64_param(7), u64_param(8)})));
  c.block(0x221, ev_body(1, event_v2(11, -1, 324, {str_param(json)}, true)));
  c.block(0x221, ev_body(2, event_v2(12, 6, kProcinfo, {u64_param(9), u64_param(10)})));
  c.block(0x222, evf_body(0, 0x1, event_v2(13, 7, 324, {str_param("{}")}, true)));
  c.block(0x216, ev_body(0, event_v2(14, 8, 324, {str_param("{\"a\":1}")}, true)));
  auto reader = open_built(c);
  EventView e;
  REQUIRE(reader->next(e) == NextStatus::Event);
  CHECK(e.cpu() == 3);
  CHECK(e.dump_flags() == kDumpStateOnly);  // delivered; consumers decide not to show it
  CHECK(e.param(1u).as_u64() == 8);
  REQUIRE(reader->next(e) == NextStatus::Event);
  CHECK(e.cpu() == 1);
  CHECK(e.dump_flags() == 0);
  CHECK(e.tid() == -1);
  CHECK(e.param("json").size() == json.size() + 1);
  CHECK(e.param("json").as_string() == json);
  REQUIRE(reader->next(e) == NextStatus::Event);  // a small event in a LARGE block
  CHECK(e.param(0u).as_u64() == 9);
  REQUIRE(reader->next(e) == NextStatus::Event);
  CHECK(e.dump_flags() == kDumpStateOnly);
  CHECK(e.param("json").as_string() == "{}");
  REQUIRE(reader->next(e) == NextStatus::Event);  // a large-payload event in a normal block
  CHECK(e.param("json").as_string() == "{\"a\":1}");
  CHECK(e.num() == 5);
  CHECK(reader->next(e) == NextStatus::EndOfStream);
  CHECK(reader->stats().events == 5);
}

TEST_CASE("v1 event headers are rebuilt into v2 records with their parameter count inferred") {
  CaptureBuilder c;
  c.shb(1, 0);
  c.block(0x204, ev_body(1, event_v1(10, 5, kProcinfo, {u64_param(7), u64_param(8)})));
  c.block(0x8010ABCD, ev_body(0, event_v1(11, 5, 2, {})));  // open enter without params
  c.block(0x208, evf_body(2, 0x1, event_v1(12, 5, 7, {u64_param(3), str_param("abc")})));
  // Old writers stored notification lengths 3 bytes too long (§11.3).
  c.block(0x204, ev_body(0, event_v1(13, 5, 280, {str_param("id"), str_param("desc")}, 3)));
  auto reader = open_built(c);
  EventView e;
  REQUIRE(reader->next(e) == NextStatus::Event);
  CHECK(e.cpu() == 1);
  CHECK(e.nparams() == 2);
  CHECK(e.len() == 26 + 4 + 16);
  CHECK(e.param(1u).as_u64() == 8);
  REQUIRE(reader->next(e) == NextStatus::Event);
  CHECK(e.type() == 2);
  CHECK(e.nparams() == 0);
  REQUIRE(reader->next(e) == NextStatus::Event);
  CHECK(e.type() == 7);
  CHECK(e.dump_flags() == kDumpStateOnly);
  CHECK(e.nparams() == 2);  // read exit: 2 of the 4 newest parameters
  CHECK(e.param("res").as_i64() == 3);
  CHECK(e.param("data").size() == 4);
  REQUIRE(reader->next(e) == NextStatus::Event);
  CHECK(e.type() == 280);
  CHECK(e.nparams() == 2);
  CHECK(e.param("desc").as_string() == "desc");
  CHECK(reader->next(e) == NextStatus::EndOfStream);
  CHECK(reader->major_version() == 1);
  CHECK(reader->minor_version() == 0);
}

TEST_CASE("events with ids the newest schema does not know are skipped, counted and not numbered") {
  CaptureBuilder c;
  c.shb();
  with_event(c);
  c.block(0x216, ev_body(0, event_v2(20, 1, 454, {u64_param(1)})));
  c.block(0x204, ev_body(0, event_v1(21, 1, 9000, {u64_param(1)})));
  const uint64_t last_block = c.size();
  with_event(c);
  for (ReadMode mode : {ReadMode::Raw, ReadMode::Normalized}) {
    auto reader = open_built(c, mode);
    EventView e;
    REQUIRE(reader->next(e) == NextStatus::Event);
    CHECK(e.num() == 1);
    REQUIRE(reader->next(e) == NextStatus::Event);
    CHECK(e.num() == 2);
    CHECK(reader->block_offset() == last_block);
    CHECK(reader->next(e) == NextStatus::EndOfStream);
    CHECK(reader->stats().skipped_unknown == 2);
    CHECK(reader->stats().events == 2);
  }
}

TEST_CASE("an event block shorter than an event header is rejected") {
  CaptureBuilder c;
  c.shb();
  with_event(c);
  const uint64_t offset = c.size();
  c.block(0x216, Bytes().u16(0).u64(1).b);
  auto reader = open_built(c);
  EventView e;
  REQUIRE(reader->next(e) == NextStatus::Event);
  REQUIRE(reader->next(e) == NextStatus::Failed);
  CHECK(reader->error().byte_offset == std::optional<uint64_t>(offset));
  CHECK_THAT(reader->error().message, Catch::Contains("too short"));
  CHECK(reader->next(e) == NextStatus::Failed);  // stays failed
}

TEST_CASE("a v9 tail longer than the pre-0.10 one is read in the 0.10 order") {
  Bytes fields = pl_fields(9, 42);
  fields.u64(123456789).u32(5).u32(1000).u8(1).u64(1).u64(2).u64(3);  // 41 bytes > 29 (§8.2)
  Bytes body;
  body.u32(static_cast<uint32_t>(4 + fields.size())).raw(fields.b);
  CaptureBuilder c;
  c.shb().block(0x215, body.b);
  with_event(c);
  auto reader = open_built(c);
  const ThreadInfo& t = reader->metadata().threads.at(0);
  CHECK(t.pidns_init_start_ts == 123456789);
  CHECK(t.tty == 5);
  CHECK(t.loginuid == 1000);
  CHECK(t.cap_effective == 3);
  CHECK(t.exe_ino == 0);  // not present: default
}

TEST_CASE("malformed metadata entries name their block and entry") {
  struct Case {
    const char* what;
    uint32_t type;
    Bytes body;
    const char* message;
  };
  std::vector<Case> cases;
  cases.push_back({"interface type", 0x205, Bytes().u16(9).u16(2).raw("lo"),
                   "interface entry 0: unknown interface type 9"});
  cases.push_back({"interface entry_len", 0x219, Bytes().u32(1000).u16(1).u16(2),
                   "interface entry 0: entry length 1000"});
  cases.push_back({"user entry_len", 0x220, Bytes().u32(5000).u8(1).u32(0), "user entry 0: entry length 5000"});
  cases.push_back({"group name", 0x206, Bytes().u8(1).u32(0).u16(300).raw(std::string(300, 'g')),
                   "group name length 300 exceeds 255"});
  cases.push_back({"fd name", 0x218,
                   Bytes().u64(1).u32(4 + 17 + 2 + 2000).u64(3).u64(0).u8(1).u16(2000).raw(std::string(2000, 'n')),
                   "fd list entry 0: name length 2000 exceeds 1023"});
  cases.push_back({"process entry short", 0x215,
                   Bytes().u32(8).u64(1).u64(1).u64(1).u64(1).u64(1).str16("c").str16("e"), "process list entry 0"});
  for (auto& tc : cases) {
    INFO(tc.what);
    CaptureBuilder c;
    c.shb();
    const uint64_t offset = c.size();
    c.block(tc.type, tc.body.b);
    check_rejected(c, offset, tc.message);
  }
}

TEST_CASE("a LARGE block bigger than the read window is read whole, and reading continues after it") {
  const std::string json(3 << 20, 'j');  // three times the 1 MiB window
  CaptureBuilder c;
  c.shb();
  with_event(c);
  c.block(0x221, ev_body(0, event_v2(11, -1, 324, {str_param(json)}, true)));
  with_event(c);
  for (bool gzip : {false, true}) {
    INFO((gzip ? "gzip" : "plain"));
    const std::string path = write_temp("large.scap", gzip ? gzip_bytes(c.bytes) : c.bytes);
    auto r = ScapReader::open(path, {ReadMode::Raw});
    REQUIRE(r.ok());
    EventView e;
    REQUIRE((*r)->next(e) == NextStatus::Event);
    REQUIRE((*r)->next(e) == NextStatus::Event);
    CHECK(e.param("json").as_string() == json);
    REQUIRE((*r)->next(e) == NextStatus::Event);
    CHECK(e.param(1u).as_u64() == 2);
    CHECK((*r)->next(e) == NextStatus::EndOfStream);

    // The same block over a lower limit is refused.
    r = ScapReader::open(path, {ReadMode::Raw, 1u << 20});
    REQUIRE(r.ok());
    REQUIRE((*r)->next(e) == NextStatus::Event);
    REQUIRE((*r)->next(e) == NextStatus::Failed);
    CHECK_THAT((*r)->error().message, Catch::Contains("1048576-byte block size limit"));
  }
}
