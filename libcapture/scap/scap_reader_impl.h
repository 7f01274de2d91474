// Internal: the state behind ScapReader. scap_reader_section.cpp reads section headers and
// metadata blocks (§4-§9); scap_reader.cpp reads event blocks (§10-§11) and implements the
// public API.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "scap/byte_stream.h"
#include "scap/event_converter.h"
#include "vigil/capture/scap_reader.h"

namespace vigil::capture {

struct ScapReader::Impl {
  // Parameter slots indexed per record; a non-large record cannot hold more (2-byte lengths).
  static constexpr uint32_t kMaxParams = 32768;

  enum class State : uint8_t { Reading, Ended, Failed };

  Impl(std::string p, ReaderOptions o) : path(std::move(p)), options(o), offsets(kMaxParams + 1) {}

  // Opens the file and reads the first section up to its first event block.
  Status open();
  NextStatus next(EventView& out);

  // Reads the section header block at the current position, then the metadata blocks up to the
  // first event block (left unread). Replaces the metadata.
  Status read_section();
  Status read_section_header();
  Status read_metadata_blocks();
  // Loads the whole block at the current position (header included) into the window, checking
  // its length against the limits. On success the block starts at stream.data().
  Status load_block(uint64_t offset, uint32_t total_len, const char* what);
  Status skip_unknown_block(uint64_t offset, uint32_t type, uint32_t total_len);

  NextStatus fail(std::string message, uint64_t offset);
  Error make_error(std::string message, uint64_t offset) const {
    return Error{std::move(message), path, offset};
  }
  // What a short read means: the stream's own failure, or a plain truncation.
  std::string truncation(const char* what, uint64_t wanted, uint64_t got) const;

  std::string path;
  ReaderOptions options;
  detail::ByteStream stream;
  const EventSchema& schema = EventSchema::newest();

  CaptureMetadata metadata;
  uint32_t generation = 0;
  uint16_t major = 0;
  uint16_t minor = 0;

  State state = State::Reading;
  SourceStats stats;
  Error error;
  uint64_t block_offset = 0;

  std::vector<uint32_t> offsets;
  std::vector<uint8_t> v1_record;  // rebuilt v1 records (§11.3), allocated on first use
  detail::EventConverter converter;
  std::string convert_message;
};

}  // namespace vigil::capture
