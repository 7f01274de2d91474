// Captures joined end to end (scap-format.md §1.3-§1.4): each new section header replaces the
// metadata, and the events keep flowing as one stream.
#include <catch2/catch.hpp>

#include "scap_reader_test_files.h"

using namespace vigil;
using namespace vigil::capture;
using namespace vigil::test;

namespace {

std::vector<uint8_t> joined(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  std::vector<uint8_t> out = a;
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

// Reads everything, recording the metadata generation and thread count seen with each event.
struct SectionTrace {
  std::vector<uint32_t> generation;
  std::vector<size_t> threads;
  std::vector<uint64_t> num;
  NextStatus last;
  Error error;
};

SectionTrace trace(const std::string& path, ReadMode mode = ReadMode::Raw) {
  auto reader = ScapReader::open(path, {mode});
  REQUIRE(reader.ok());
  SectionTrace t;
  EventView e;
  while ((t.last = (*reader)->next(e)) == NextStatus::Event) {
    t.generation.push_back((*reader)->metadata_generation());
    t.threads.push_back((*reader)->metadata().threads.size());
    t.num.push_back(e.num());
  }
  if (t.last == NextStatus::Failed) t.error = (*reader)->error();
  return t;
}

void check_two_sections(const SectionTrace& t) {
  CHECK(t.last == NextStatus::EndOfStream);
  REQUIRE(t.generation.size() == 572 + 345);
  // sample.scap: 94 threads; cat_write.scap: 73 threads, replacing them when its section starts.
  CHECK(t.generation[571] == 0);
  CHECK(t.threads[571] == 94);
  CHECK(t.generation[572] == 1);
  CHECK(t.threads[572] == 73);
  CHECK(t.generation.back() == 1);
  for (size_t i = 0; i < t.num.size(); ++i) REQUIRE(t.num[i] == i + 1);
}

}  // namespace

TEST_CASE("two plain captures joined with cat read as two sections of one stream") {
  const auto a = capture_bytes("sample.scap");
  const auto b = capture_bytes("cat_write.scap");
  const std::string path = write_temp("joined.scap", joined(a, b));
  check_two_sections(trace(path));

  // Offsets continue across sections: the second file's first event block sits after the first.
  auto out = read_all(path);
  const auto b_blocks = block_index(b);
  size_t first_event = 0;
  while (!is_event_block_type(b_blocks[first_event].type)) ++first_event;
  CHECK(out.events[572].block_offset == a.size() + b_blocks[first_event].offset);
}

TEST_CASE("two gzip captures joined with cat read as concatenated gzip members") {
  const auto a = gzip_bytes(capture_bytes("sample.scap"));
  const auto b = gzip_bytes(capture_bytes("cat_write.scap"));
  check_two_sections(trace(write_temp("joined.scap.gz", joined(a, b))));
}

TEST_CASE("normalized mode numbers the delivered events of every section 1..N") {
  const auto a = capture_bytes("sample.scap");
  const auto b = capture_bytes("cat_write.scap");
  auto t = trace(write_temp("joined.scap", joined(a, b)), ReadMode::Normalized);
  CHECK(t.last == NextStatus::EndOfStream);
  REQUIRE(!t.num.empty());
  for (size_t i = 0; i < t.num.size(); ++i) REQUIRE(t.num[i] == i + 1);
  CHECK(t.generation.back() == 1);
}

TEST_CASE("a fault in the second section's metadata comes after every event of the first") {
  const auto a = capture_bytes("sample.scap");
  auto b = capture_bytes("cat_write.scap");
  const auto b_blocks = block_index(b);
  const BlockRef mi = b_blocks[1];
  REQUIRE(mi.type == 0x201);
  put_u32(b, mi.offset + mi.length - 4, 7);
  const std::string path = write_temp("joined.scap", joined(a, b));
  auto out = read_all(path);
  REQUIRE(out.last == NextStatus::Failed);
  CHECK(out.events.size() == 572);
  CHECK(out.error.file == path);
  CHECK(out.error.byte_offset == std::optional<uint64_t>(a.size() + mi.offset));
  CHECK_THAT(out.error.message, Catch::Contains("trailer=7"));
}

TEST_CASE("a second section without events is reported once the first is fully read") {
  const auto a = capture_bytes("sample.scap");
  const auto b = capture_bytes("cat_write.scap");
  const auto b_blocks = block_index(b);
  size_t first_event = 0;
  while (!is_event_block_type(b_blocks[first_event].type)) ++first_event;
  std::vector<uint8_t> bytes = a;
  bytes.insert(bytes.end(), b.begin(), b.begin() + static_cast<long>(b_blocks[first_event].offset));
  auto out = read_all(write_temp("joined.scap", bytes));
  REQUIRE(out.last == NextStatus::Failed);
  CHECK(out.events.size() == 572);
  CHECK(out.error.byte_offset == std::optional<uint64_t>(bytes.size()));
  CHECK_THAT(out.error.message, Catch::Contains("no events"));
}
