// ScapWriter: the file itself - block framing, safe creation, call-order errors.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "scap_writer_test_support.h"
#include "test_paths.h"
#include "vigil/capture/scap_writer.h"

using namespace vigil::capture;
using namespace vigil::test;

namespace {

std::vector<uint8_t> read_all(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

uint32_t u32_at(const std::vector<uint8_t>& b, size_t at) { return load<uint32_t>(b.data() + at); }

// Walks the blocks of a decompressed stream: (type, total length) in order.
std::vector<std::pair<uint32_t, uint32_t>> blocks_of(const std::vector<uint8_t>& b) {
  std::vector<std::pair<uint32_t, uint32_t>> out;
  size_t pos = 0;
  while (pos + 12 <= b.size()) {
    const uint32_t type = u32_at(b, pos);
    const uint32_t len = u32_at(b, pos + 4);
    REQUIRE(len % 4 == 0);
    REQUIRE(pos + len <= b.size());
    REQUIRE(u32_at(b, pos + len - 4) == len);  // trailer repeats the length
    out.emplace_back(type, len);
    pos += len;
  }
  REQUIRE(pos == b.size());
  return out;
}

TestEvent open_exit(uint64_t ts, int64_t tid) {
  return TestEvent(ts, tid, 3, {num<int64_t>(3), str("/etc/passwd"), num<uint32_t>(1), num<uint32_t>(0),
                                num<uint32_t>(0x803), num<uint64_t>(42)});
}

}  // namespace

TEST_CASE("a written file starts with a 28-byte section header of version 1.2 and no options") {
  const std::string path = temp_dir() + "/shb.scap";
  auto w = ScapWriter::create(path);
  REQUIRE(w.ok());
  REQUIRE((*w)->write_event(open_exit(1000, 7).view()).ok());
  REQUIRE((*w)->close().ok());
  const auto bytes = read_all(path);
  const auto blocks = blocks_of(bytes);
  REQUIRE(blocks.size() == 2);
  CHECK(blocks[0] == std::make_pair(0x0A0D0D0Au, 28u));
  CHECK(u32_at(bytes, 8) == 0x1A2B3C4Du);
  CHECK(load<uint16_t>(bytes.data() + 12) == 1);
  CHECK(load<uint16_t>(bytes.data() + 14) == 2);
  CHECK(load<uint64_t>(bytes.data() + 16) == ~uint64_t{0});
}

TEST_CASE("an event is stored byte for byte in an EV_V2 block after its cpu id") {
  const std::string path = temp_dir() + "/ev.scap";
  const TestEvent ev(1000, 7, 3,
                     {num<int64_t>(3), str("/etc/passwd"), num<uint32_t>(1), num<uint32_t>(0), num<uint32_t>(0x803),
                      num<uint64_t>(42)},
                     /*cpu=*/5);
  {
    auto w = ScapWriter::create(path);
    REQUIRE(w.ok());
    REQUIRE((*w)->write_event(ev.view()).ok());
    CHECK((*w)->events_written() == 1);
  }  // the destructor closes
  const auto bytes = read_all(path);
  const auto blocks = blocks_of(bytes);
  REQUIRE(blocks.size() == 2);
  CHECK(blocks[1].first == 0x216u);
  CHECK(blocks[1].second == ((8 + 2 + ev.record().size() + 4 + 3) & ~size_t{3}));
  CHECK(load<uint16_t>(bytes.data() + 28 + 8) == 5);
  const std::vector<uint8_t> stored(bytes.begin() + 28 + 10, bytes.begin() + 28 + 10 + ev.record().size());
  CHECK(stored == ev.record());
}

TEST_CASE("events with dump flags use EVF_V2 blocks and large-payload events use the large block types") {
  const std::string path = temp_dir() + "/evf.scap";
  auto w = ScapWriter::create(path);
  REQUIRE(w.ok());
  const TestEvent state_only(1000, 7, 5, {num<int64_t>(0), num<int64_t>(3)}, 0, kDumpStateOnly);
  const TestEvent memory_only_flag(1001, 7, 5, {num<int64_t>(0), num<int64_t>(3)}, 0, 0x4);
  const TestEvent container(1002, -1, 324, {str(R"({"container":{"id":"abc"}})")});
  const TestEvent big(1003, 7, 9,
                      {num<int64_t>(65535), raw(std::vector<uint8_t>(65535, 'x')), num<int64_t>(1),
                       num<uint32_t>(65000)});
  const TestEvent big_flagged(1004, 7, 9,
                              {num<int64_t>(65535), raw(std::vector<uint8_t>(65535, 'y')), num<int64_t>(1),
                               num<uint32_t>(65000)},
                              0, kDumpStateOnly);
  for (const TestEvent* e : {&state_only, &memory_only_flag, &container, &big, &big_flagged})
    REQUIRE((*w)->write_event(e->view()).ok());
  REQUIRE((*w)->close().ok());
  const auto bytes = read_all(path);
  const auto blocks = blocks_of(bytes);
  REQUIRE(blocks.size() == 6);
  CHECK(blocks[1].first == 0x217u);
  CHECK(u32_at(bytes, 28 + 10) == kDumpStateOnly);
  CHECK(blocks[2].first == 0x216u);  // SCAP_DF_LARGE alone is not written (§10.2)
  CHECK(blocks[3].first == 0x221u);  // EF_LARGE_PAYLOAD type
  CHECK(blocks[4].first == 0x221u);  // body above 64 KiB
  CHECK(blocks[5].first == 0x222u);
}

TEST_CASE("metadata blocks come in reference order with the documented sizes") {
  const std::string path = temp_dir() + "/md.scap";
  CaptureMetadata md;
  md.machine = MachineInfo{4, 8ull << 30, 0, "host", 1700000000000000000ull, 0};
  InterfaceInfo lo;
  lo.addr = {127, 0, 0, 1};
  lo.netmask = {255, 0, 0, 0};
  lo.name = "lo";
  md.interfaces = {lo};
  md.users = {UserInfo{0, 0, "root", "/root", "/bin/bash"}};
  md.groups = {GroupInfo{0, "root"}};
  ThreadInfo t;
  t.tid = t.pid = 100;
  t.comm = "sh";
  ThreadInfo t2 = t;
  t2.tid = 101;
  md.threads = {t, t2};
  FdInfo f;
  f.fd = 3;
  f.type = FdType::FileV2;
  f.name = "/etc/hosts";
  md.fd_lists = {FdList{100, {f}}, FdList{101, {f}}};
  auto w = ScapWriter::create(path);
  REQUIRE(w.ok());
  REQUIRE((*w)->write_metadata(md).ok());
  REQUIRE((*w)->write_event(open_exit(1000, 100).view()).ok());
  REQUIRE((*w)->close().ok());
  const auto blocks = blocks_of(read_all(path));
  REQUIRE(blocks.size() == 8);
  CHECK(blocks[1] == std::make_pair(0x201u, 192u));
  CHECK(blocks[2].first == 0x219u);
  CHECK(blocks[3].first == 0x220u);
  CHECK(blocks[4].first == 0x215u);
  CHECK(blocks[5].first == 0x218u);
  CHECK(blocks[6].first == 0x218u);
  CHECK(blocks[7].first == 0x216u);
}

TEST_CASE("a compressed file holds the same block stream as an uncompressed one") {
  const std::string dir = temp_dir();
  for (bool compress : {false, true}) {
    auto w = ScapWriter::create(dir + (compress ? "/z.scap" : "/p.scap"), WriterOptions{WriteFormat::Newest, compress});
    REQUIRE(w.ok());
    REQUIRE((*w)->write_event(open_exit(1000, 7).view()).ok());
    REQUIRE((*w)->close().ok());
  }
  const auto compressed = read_all(dir + "/z.scap");
  REQUIRE(compressed.size() >= 2);
  CHECK(compressed[0] == 0x1f);
  CHECK(compressed[1] == 0x8b);
  CHECK(read_decompressed(dir + "/z.scap") == read_all(dir + "/p.scap"));
}

TEST_CASE("the writer creates its file with mode 0600 and truncates an existing one") {
  const std::string path = temp_dir() + "/mode.scap";
  { std::ofstream(path) << std::string(100000, 'z'); }
  ::chmod(path.c_str(), 0644);
  auto w = ScapWriter::create(path);
  REQUIRE(w.ok());
  REQUIRE((*w)->write_event(open_exit(1000, 7).view()).ok());
  REQUIRE((*w)->close().ok());
  CHECK(std::filesystem::file_size(path) < 200);
  const std::string fresh = temp_dir() + "/fresh.scap";
  const mode_t old_mask = ::umask(0);
  auto w2 = ScapWriter::create(fresh);
  ::umask(old_mask);
  REQUIRE(w2.ok());
  struct stat st {};
  REQUIRE(::stat(fresh.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("the writer refuses to write through a symlink at the output path") {
  const std::string dir = temp_dir();
  const std::string target = dir + "/victim";
  { std::ofstream(target) << "keep me"; }
  std::filesystem::create_symlink(target, dir + "/link.scap");
  auto w = ScapWriter::create(dir + "/link.scap");
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().file == dir + "/link.scap");
  std::ifstream in(target);
  std::string content;
  std::getline(in, content);
  CHECK(content == "keep me");
}

TEST_CASE("a file in a missing directory fails with an error naming the path") {
  auto w = ScapWriter::create(temp_dir() + "/no/such/dir/x.scap");
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().to_string().find("no/such/dir/x.scap") != std::string::npos);
}

TEST_CASE("metadata after an event, metadata twice and writes after close are errors") {
  const std::string path = temp_dir() + "/order.scap";
  auto w = ScapWriter::create(path);
  REQUIRE(w.ok());
  REQUIRE((*w)->write_event(open_exit(1000, 7).view()).ok());
  const vigil::Status late = (*w)->write_metadata(CaptureMetadata{});
  REQUIRE_FALSE(late.ok());
  CHECK(late.error().file == path);
  CHECK(late.error().byte_offset.has_value());
  REQUIRE((*w)->close().ok());
  CHECK_FALSE((*w)->write_event(open_exit(1001, 7).view()).ok());

  auto w2 = ScapWriter::create(temp_dir() + "/twice.scap");
  REQUIRE(w2.ok());
  REQUIRE((*w2)->write_metadata(CaptureMetadata{}).ok());
  CHECK_FALSE((*w2)->write_metadata(CaptureMetadata{}).ok());
}
