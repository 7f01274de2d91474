// Targets (a) and (d): the ScapReader, and the metadata parser through it.
#include <cstring>

#include "fuzz_io.h"
#include "scap_bytes.h"
#include "vigil/capture/scap_reader.h"

namespace vigil::fuzz {
namespace {

using capture::EventView;
using capture::NextStatus;
using capture::ReadMode;
using capture::ScapReader;

// Errors must say which file and where.
void check_error(const Error& e, const std::string& path, const char* when) {
  if (e.file != path) violation(std::string(when) + " error does not name the file: " + e.to_string());
  if (!e.byte_offset) violation(std::string(when) + " error has no byte offset: " + e.to_string());
  if (e.message.empty()) violation(std::string(when) + " error has no message");
}

// Reads every event, touching every parameter byte so a view past the record shows up.
uint64_t drain(const std::string& path, ReadMode mode) {
  auto opened = ScapReader::open(path, {.mode = mode});
  if (!opened) {
    check_error(opened.error(), path, "open");
    return 0;
  }
  ScapReader& reader = *opened.value();
  EventView ev;
  uint64_t sum = 0, events = 0;
  NextStatus st;
  while ((st = reader.next(ev)) == NextStatus::Event) {
    ++events;
    if (ev.len() < EventView::kHeaderSize || ev.info() == nullptr) violation("event without header or info");
    for (uint32_t i = 0; i < ev.nparams(); ++i) {
      for (uint8_t b : ev.param(i).bytes()) sum += b;
    }
    for (uint8_t b : ev.record()) sum += b;
  }
  if (st == NextStatus::Failed) check_error(reader.error(), path, "next");
  if (st == NextStatus::Timeout) violation("file reader returned Timeout");
  if (reader.stats().events != events) violation("stats().events differs from events delivered");
  return sum;
}

}  // namespace

int scap_reader_plain(const uint8_t* data, size_t size) {
  const std::string path = scratch_path("plain.scap");
  write_file(path, data, size);
  drain(path, ReadMode::Normalized);
  drain(path, ReadMode::Raw);
  return 0;
}

int scap_reader_gzip(const uint8_t* data, size_t size) {
  const std::string path = scratch_path("wrapped.scap.gz");
  const Bytes packed = gzip(data, size);
  write_file(path, packed.data(), packed.size());
  drain(path, ReadMode::Normalized);
  drain(path, ReadMode::Raw);
  return 0;
}

namespace {

// Block types the metadata parser handles (scap-format.md §4-§9).
constexpr uint32_t kMetadataBlockTypes[] = {
    0x201, 0x8002ABCD,                                                 // MI
    0x202, 0x8000ABCD, 0x207, 0x8013ABCD, 0x209, 0x8014ABCD,           // PL v1-v3
    0x210, 0x211, 0x212, 0x213, 0x214, 0x215,                          // PL v4-v9
    0x203, 0x8001ABCD, 0x218,                                          // FDL
    0x205, 0x8011ABCD, 0x219,                                          // IL
    0x206, 0x8012ABCD, 0x220,                                          // UL
};

}  // namespace

uint8_t metadata_selector(uint32_t block_type) {
  constexpr size_t kTypes = sizeof kMetadataBlockTypes / sizeof kMetadataBlockTypes[0];
  for (size_t i = 0; i < kTypes; ++i) {
    if (kMetadataBlockTypes[i] == block_type) return static_cast<uint8_t>(i);
  }
  return 0xff;
}

Bytes metadata_capture(const uint8_t* data, size_t size) {
  Bytes out;
  const uint8_t shb[16] = {0x4D, 0x3C, 0x2B, 0x1A, 1, 0, 2, 0, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
  test::append_block(out, 0x0A0D0D0A, shb, sizeof shb);
  if (size > 0) {
    constexpr size_t kTypes = sizeof kMetadataBlockTypes / sizeof kMetadataBlockTypes[0];
    test::append_block(out, kMetadataBlockTypes[data[0] % kTypes], data + 1, size - 1);
  }
  // One EV_V2 block: cpu 0, a getpid enter-less exit-free event (PPME_GENERIC_E, no params).
  Bytes ev = {0, 0};
  const uint8_t record[26] = {1, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 26, 0, 0, 0, 0, 0, 0, 0, 0, 0};
  ev.insert(ev.end(), record, record + sizeof record);
  test::append_block(out, 0x216, ev.data(), ev.size());
  return out;
}

int metadata_block(const uint8_t* data, size_t size) {
  const Bytes capture = metadata_capture(data, size);
  return scap_reader_plain(capture.data(), capture.size());
}

}  // namespace vigil::fuzz
