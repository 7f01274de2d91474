// Bad input: one test per corruption class, each built from a real capture. Every error names
// the file and the offset of the faulty block in the decompressed stream, and every event before
// the fault is delivered first.
#include <catch2/catch.hpp>

#include "scap_reader_test_files.h"

using namespace vigil;
using namespace vigil::capture;
using namespace vigil::test;

namespace {

constexpr uint32_t kMi = 0x201;

// Index (in block_index order) of the n-th event block (0-based).
size_t nth_event_block(const std::vector<BlockRef>& blocks, size_t n) {
  for (size_t i = 0; i < blocks.size(); ++i)
    if (is_event_block_type(blocks[i].type) && n-- == 0) return i;
  FAIL("capture has too few event blocks");
  return 0;
}

size_t first_block_of_type(const std::vector<BlockRef>& blocks, uint32_t type) {
  for (size_t i = 0; i < blocks.size(); ++i)
    if (blocks[i].type == type) return i;
  FAIL("no block of the requested type");
  return 0;
}

void check_open_fails(const std::vector<uint8_t>& bytes, uint64_t offset, const std::string& text) {
  const std::string path = write_temp("bad.scap", bytes);
  auto out = read_all(path);
  REQUIRE_FALSE(out.opened);
  INFO(out.open_error.to_string());
  CHECK(out.open_error.file == path);
  CHECK(out.open_error.byte_offset == std::optional<uint64_t>(offset));
  CHECK_THAT(out.open_error.message, Catch::Contains(text));
}

// Reads to the end and expects `delivered` events, then a failure at `offset`.
ReadOutcome check_fails_after(const std::string& path, size_t delivered, uint64_t offset, const std::string& text) {
  auto out = read_all(path);
  REQUIRE(out.opened);
  REQUIRE(out.last == NextStatus::Failed);
  INFO(out.error.to_string());
  CHECK(out.events.size() == delivered);
  CHECK(out.error.file == path);
  CHECK(out.error.byte_offset == std::optional<uint64_t>(offset));
  CHECK_THAT(out.error.message, Catch::Contains(text));
  return out;
}

}  // namespace

TEST_CASE("a file whose section header has a bad magic number is rejected at byte 0") {
  auto bytes = capture_bytes("cat_write.scap");
  put_u32(bytes, 8, 0xDEADBEEF);
  check_open_fails(bytes, 0, "invalid magic number");
}

TEST_CASE("a byte-swapped (big-endian) capture is rejected with a clear error") {
  auto bytes = capture_bytes("sample.scap");
  put_u32(bytes, 8, 0x4D3C2B1A);
  check_open_fails(bytes, 0, "byte-swapped");
}

TEST_CASE("a capture with major version 2 is rejected as unsupported") {
  auto bytes = capture_bytes("sample.scap");
  put_u16(bytes, 12, 2);
  check_open_fails(bytes, 0, "unsupported capture version 2.2");
}

TEST_CASE("a file that does not start with a section header block is not a capture") {
  std::vector<uint8_t> text(100, 'x');
  check_open_fails(text, 0, "invalid block type");
}

TEST_CASE("a metadata block whose trailer differs from its header reports the block's offset") {
  auto bytes = capture_bytes("sample.scap");
  const auto blocks = block_index(bytes);
  const BlockRef mi = blocks[first_block_of_type(blocks, kMi)];
  put_u32(bytes, mi.offset + mi.length - 4, mi.length + 4);
  check_open_fails(bytes, mi.offset, "trailer=" + std::to_string(mi.length + 4));
}

TEST_CASE("a malformed process list entry reports the process list block's offset") {
  auto bytes = capture_bytes("sample.scap");
  const auto blocks = block_index(bytes);
  const BlockRef pl = blocks[first_block_of_type(blocks, 0x215)];
  // First entry: entry_len (4) tid pid ptid sid vpgid (5 x 8), then the comm length.
  put_u16(bytes, pl.offset + 8 + 4 + 40, 5000);
  check_open_fails(bytes, pl.offset, "comm length 5000 exceeds 1024");
}

TEST_CASE("a file cut inside its metadata reports a truncated block") {
  auto bytes = capture_bytes("cat_write.scap");
  const auto blocks = block_index(bytes);
  const BlockRef pl = blocks[first_block_of_type(blocks, 0x212)];
  bytes.resize(pl.offset + pl.length / 2);
  check_open_fails(bytes, pl.offset, "truncated metadata block");
}

TEST_CASE("a capture with no event block fails with no events in file") {
  auto bytes = capture_bytes("cat_write.scap");
  const auto blocks = block_index(bytes);
  const BlockRef first_event = blocks[nth_event_block(blocks, 0)];
  bytes.resize(first_event.offset);
  check_open_fails(bytes, first_event.offset, "no events in file");
}

TEST_CASE("a zero-length file is rejected with a clear error") {
  check_open_fails({}, 0, "empty file");
}

TEST_CASE("a missing file or a directory is reported without a byte offset") {
  const std::string missing = temp_dir() + "/no-such.scap";
  auto r = ScapReader::open(missing);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().file == missing);
  CHECK_FALSE(r.error().byte_offset.has_value());
  CHECK_THAT(r.error().message, Catch::Contains("No such file"));

  const std::string dir = temp_dir();
  r = ScapReader::open(dir);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().file == dir);
  CHECK_THAT(r.error().message, Catch::Contains("directory"));
}

TEST_CASE("a file cut inside an event block delivers every earlier event, then names the block") {
  auto bytes = capture_bytes("cat_write.scap");
  const auto blocks = block_index(bytes);
  const BlockRef cut = blocks[nth_event_block(blocks, 200)];
  bytes.resize(cut.offset + cut.length - 6);
  check_fails_after(write_temp("cut.scap", bytes), 200, cut.offset, "truncated event block");
}

TEST_CASE("a file cut inside a block header delivers every earlier event, then names the block") {
  auto bytes = capture_bytes("sample.scap");
  const auto blocks = block_index(bytes);
  const BlockRef cut = blocks[nth_event_block(blocks, 100)];
  bytes.resize(cut.offset + 5);
  check_fails_after(write_temp("cut.scap", bytes), 100, cut.offset, "truncated block header");
}

TEST_CASE("a truncated gzip stream delivers every complete block, then reports the truncation") {
  const auto plain = capture_bytes("connect_localhost.scap");
  const auto blocks = block_index(plain);
  auto gz = gzip_bytes(plain);
  gz.resize(gz.size() - 1500);  // inside the event blocks at the end
  const std::string path = write_temp("cut.scap.gz", gz);
  auto out = read_all(path);
  REQUIRE(out.opened);
  REQUIRE(out.last == NextStatus::Failed);
  INFO(out.error.to_string());
  REQUIRE(!out.events.empty());
  CHECK(out.error.file == path);
  CHECK_THAT(out.error.message, Catch::Contains("compressed stream truncated"));
  // The fault is the block right after the last delivered event.
  size_t last = 0;
  while (blocks[last].offset != out.events.back().block_offset) ++last;
  CHECK(out.error.byte_offset == std::optional<uint64_t>(blocks[last + 1].offset));
  // Every event of the complete blocks came out: block index == event index + metadata blocks.
  CHECK(out.events.size() == last + 1 - nth_event_block(blocks, 0));
}

TEST_CASE("a gzip stream with a wrong checksum delivers its events, then reports the corruption") {
  const auto plain = capture_bytes("cat_write.scap");
  auto gz = gzip_bytes(plain);
  gz[gz.size() - 8] ^= 0xff;  // the CRC32 of the gzip trailer
  const std::string path = write_temp("crc.scap.gz", gz);
  auto out = check_fails_after(path, 345, plain.size(), "corrupt compressed data");
  CHECK_THAT(out.error.message, Catch::Contains("checksum"));
}

TEST_CASE("a metadata block after the first event block stops reading at that block") {
  const auto base = capture_bytes("cat_write.scap");
  const auto blocks = block_index(base);
  const BlockRef mi = blocks[first_block_of_type(blocks, kMi)];
  const BlockRef after = blocks[nth_event_block(blocks, 10)];
  std::vector<uint8_t> bytes(base.begin(), base.begin() + static_cast<long>(after.offset));
  bytes.insert(bytes.end(), base.begin() + static_cast<long>(mi.offset),
               base.begin() + static_cast<long>(mi.offset + mi.length));
  bytes.insert(bytes.end(), base.begin() + static_cast<long>(after.offset), base.end());
  check_fails_after(write_temp("late-mi.scap", bytes), 10, after.offset, "unexpected block type 0x201");
}

TEST_CASE("parameter lengths that overrun their event stop reading at that event's block") {
  auto bytes = capture_bytes("sample.scap");
  const auto blocks = block_index(bytes);
  // Find an event with at least one parameter after the first 50.
  size_t n = 50;
  BlockRef target{};
  for (;; ++n) {
    target = blocks[nth_event_block(blocks, n)];
    if (get_u32(bytes, target.offset + 10 + 22) > 0) break;
  }
  put_u16(bytes, target.offset + 10 + 26, 0xFFFF);  // first parameter length
  check_fails_after(write_temp("overrun.scap", bytes), n, target.offset, "parameter 0 runs past the event length");
}

TEST_CASE("an event length larger than its block stops reading at that block") {
  auto bytes = capture_bytes("sample.scap");
  const auto blocks = block_index(bytes);
  const BlockRef target = blocks[nth_event_block(blocks, 30)];
  put_u32(bytes, target.offset + 10 + 16, target.length);  // evt.len
  check_fails_after(write_temp("evtlen.scap", bytes), 30, target.offset, "exceeds the");
}

TEST_CASE("a hostile LARGE block length is refused without allocating it") {
  auto bytes = capture_bytes("sample.scap");
  const auto blocks = block_index(bytes);
  const BlockRef target = blocks[nth_event_block(blocks, 40)];
  put_u32(bytes, target.offset, 0x221);
  put_u32(bytes, target.offset + 4, 0xFFFFFFF0u);
  check_fails_after(write_temp("large.scap", bytes), 40, target.offset, "block size limit");
}

TEST_CASE("a LARGE block length under the limit but past the end of file reports truncation") {
  auto bytes = capture_bytes("sample.scap");
  const auto blocks = block_index(bytes);
  const BlockRef target = blocks[nth_event_block(blocks, 40)];
  put_u32(bytes, target.offset, 0x221);
  put_u32(bytes, target.offset + 4, 48u << 20);
  check_fails_after(write_temp("large.scap", bytes), 40, target.offset, "truncated event block");
}

TEST_CASE("a non-large event block longer than 64 KiB is rejected") {
  auto bytes = capture_bytes("sample.scap");
  const auto blocks = block_index(bytes);
  const BlockRef target = blocks[nth_event_block(blocks, 7)];
  put_u32(bytes, target.offset + 4, 70000);
  check_fails_after(write_temp("big.scap", bytes), 7, target.offset, "65536");
}

TEST_CASE("a v1 event whose lengths match no parameter count stops reading at its block") {
  auto bytes = capture_bytes("cat_write.scap");
  const auto blocks = block_index(bytes);
  const BlockRef target = blocks[nth_event_block(blocks, 20)];  // a procinfo: two u64 params
  put_u16(bytes, target.offset + 10 + 22, 4);                   // first length 8 -> 4
  check_fails_after(write_temp("v1.scap", bytes), 20, target.offset, "corrupted v1 event");
}

TEST_CASE("a wrong event-block trailer is ignored, as both reference readers do") {
  auto bytes = capture_bytes("sample.scap");
  const auto blocks = block_index(bytes);
  const BlockRef target = blocks[nth_event_block(blocks, 12)];
  put_u32(bytes, target.offset + target.length - 4, 0xBADBAD);
  auto out = read_all(write_temp("trailer.scap", bytes));
  CHECK(out.last == NextStatus::EndOfStream);
  CHECK(out.events.size() == 572);
}
