// ReadMode::Normalized: every record goes through the converter (scap-format.md §15). Absorbed
// enter events are counted, converted records are delivered in the newest layout, and a
// conversion failure stops reading with the file and the block's offset.
#include <catch2/catch.hpp>

#include "scap_reader_test_files.h"
#include "vigil/capture/event_schema.h"

using namespace vigil;
using namespace vigil::capture;
using namespace vigil::test;

TEST_CASE("normalized mode absorbs enter events, counts them and numbers what it delivers") {
  const std::string path = capture_path("cat_write.scap");
  auto raw = read_all(path, ReadMode::Raw);
  auto norm = read_all(path, ReadMode::Normalized);
  REQUIRE(norm.last == NextStatus::EndOfStream);
  CHECK(norm.stats.absorbed > 0);
  CHECK(norm.stats.events + norm.stats.absorbed == raw.events.size());
  for (size_t i = 0; i < norm.events.size(); ++i) REQUIRE(norm.events[i].num == i + 1);
}

TEST_CASE("normalized mode delivers records in the newest layout the schema describes") {
  auto reader = ScapReader::open(capture_path("cat_write.scap"), {ReadMode::Normalized});
  REQUIRE(reader.ok());
  EventView e;
  size_t checked = 0;
  while ((*reader)->next(e) == NextStatus::Event) {
    REQUIRE(e.info() != nullptr);
    // No superseded layout survives normalization.
    REQUIRE_FALSE(((e.info()->flags & kOldVersion) && e.direction() == Direction::Exit));
    if (e.info()->name == "open" && e.direction() == Direction::Exit) {
      CHECK(e.nparams() == e.info()->nparams());  // 2016's 4-parameter open exit, upgraded
      ++checked;
    }
  }
  CHECK(checked > 0);
}

TEST_CASE("a conversion failure stops normalized reading at the offending block") {
  // Repeating a capture's event blocks without a new section header pairs an exit event with
  // the wrong stored enter event at the seam; the converter refuses, as the newest libs do.
  const auto base = capture_bytes("sample.scap");
  const auto blocks = block_index(base);
  size_t first_event = 0;
  while (!is_event_block_type(blocks[first_event].type)) ++first_event;
  std::vector<uint8_t> bytes = base;
  bytes.insert(bytes.end(), base.begin() + static_cast<long>(blocks[first_event].offset), base.end());
  const std::string path = write_temp("seam.scap", bytes);

  auto raw = read_all(path, ReadMode::Raw);
  CHECK(raw.last == NextStatus::EndOfStream);
  CHECK(raw.events.size() == 2 * 572);

  auto norm = read_all(path, ReadMode::Normalized);
  REQUIRE(norm.last == NextStatus::Failed);
  INFO(norm.error.to_string());
  CHECK(norm.error.file == path);
  CHECK_THAT(norm.error.message, Catch::Contains("cannot convert event"));
  REQUIRE(norm.error.byte_offset.has_value());
  CHECK(*norm.error.byte_offset >= base.size());  // inside the repeated part
  // Everything before the offending block came out (delivered or absorbed).
  size_t records_before = 0;
  for (const auto& b : block_index(bytes))
    if (is_event_block_type(b.type) && b.offset < *norm.error.byte_offset) ++records_before;
  CHECK(norm.stats.events + norm.stats.absorbed == records_before);
  CHECK(norm.events.back().block_offset < *norm.error.byte_offset);
}
