// Section headers and metadata blocks (scap-format.md §1.3-§1.5, §2, §4-§9, §18 steps 2-3).
#include <cstdio>

#include "scap/block_types.h"
#include "scap/metadata_parser.h"
#include "scap/scap_reader_impl.h"

namespace vigil::capture {

using namespace detail;

namespace {

std::string hex(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "0x%X", v);
  return buf;
}

}  // namespace

std::string ScapReader::Impl::truncation(const char* what, uint64_t wanted, uint64_t got) const {
  if (!stream.failure().empty()) return stream.failure() + " in " + what;
  return std::string("truncated ") + what + ": " + std::to_string(wanted) + " bytes announced, " +
         std::to_string(got) + " present";
}

Status ScapReader::Impl::open() {
  std::string err = stream.open(path);
  if (!err.empty()) return Error{"cannot open capture: " + err, path, std::nullopt};
  if (stream.ensure(1) == 0) {
    if (!stream.failure().empty()) return make_error(stream.failure(), 0);
    return make_error("empty file (0 bytes): not a capture", 0);
  }
  return read_section();
}

Status ScapReader::Impl::load_block(uint64_t offset, uint32_t total_len, const char* what) {
  if (total_len < kBlockHeaderSize + kBlockTrailerSize)
    return make_error(std::string(what) + " length " + std::to_string(total_len) + " is below the 12-byte minimum",
                      offset);
  if (total_len > options.max_block_size) {
    return make_error(std::string(what) + " length " + std::to_string(total_len) + " exceeds the " +
                      std::to_string(options.max_block_size) + "-byte block size limit", offset);
  }
  const size_t got = stream.ensure(total_len);
  if (got < total_len) return make_error(truncation(what, total_len, got), offset);
  return {};
}

Status ScapReader::Impl::read_section() {
  if (Status s = read_section_header(); !s) return s;
  return read_metadata_blocks();
}

Status ScapReader::Impl::read_section_header() {
  const uint64_t offset = stream.offset();
  const size_t got = stream.ensure(kBlockHeaderSize);
  if (got < kBlockHeaderSize) return make_error(truncation("section header block", kBlockHeaderSize, got), offset);
  const uint32_t type = load<uint32_t>(stream.data());
  const uint32_t total_len = load<uint32_t>(stream.data() + 4);
  if (type != kShb) {
    return make_error("invalid block type " + hex(type) +
                      " where a section header block (0x0A0D0D0A) must start: not a .scap capture", offset);
  }
  constexpr uint32_t kMinShb = kBlockHeaderSize + kShbBodySize + kBlockTrailerSize;
  if (total_len < kMinShb)
    return make_error("section header block length " + std::to_string(total_len) + " is below 28 bytes", offset);
  if (Status s = load_block(offset, total_len, "section header block"); !s) return s;
  const uint8_t* block = stream.data();
  const uint32_t magic = load<uint32_t>(block + 8);
  if (magic == kShbSwappedMagic)
    return make_error("invalid magic number 0x4D3C2B1A (byte-swapped: big-endian captures are not supported)", offset);
  if (magic != kShbMagic) return make_error("invalid magic number " + hex(magic), offset);
  const uint16_t major_version = load<uint16_t>(block + 12);
  const uint16_t minor_version = load<uint16_t>(block + 14);
  if (major_version > 1) {
    return make_error("unsupported capture version " + std::to_string(major_version) + "." +
                      std::to_string(minor_version) + " (this reader understands 1.x)", offset);
  }
  const uint32_t trailer = load<uint32_t>(block + total_len - 4);
  if (trailer != total_len) {
    return make_error("wrong block total length, header=" + std::to_string(total_len) +
                      ", trailer=" + std::to_string(trailer), offset);
  }
  // Anything between the fixed body and the trailer is pcapng options (§4): ignored.
  stream.consume(total_len);
  major = major_version;
  minor = minor_version;
  metadata = CaptureMetadata{};
  return {};
}

Status ScapReader::Impl::read_metadata_blocks() {
  for (;;) {
    const uint64_t offset = stream.offset();
    const size_t got = stream.ensure(kBlockHeaderSize);
    if (got == 0) {
      if (!stream.failure().empty()) return make_error(stream.failure() + " before the first event block", offset);
      return make_error("no events in file", offset);
    }
    if (got < kBlockHeaderSize) return make_error(truncation("block header", kBlockHeaderSize, got), offset);
    const uint32_t type = load<uint32_t>(stream.data());
    const uint32_t total_len = load<uint32_t>(stream.data() + 4);
    if (event_block_format(type).is_event) return {};  // next() takes it from here
    if (type == kShb) {
      // A section with no events followed by another section: the newest reader skips the
      // header like an unknown block; starting over keeps the metadata of the section that
      // actually has events.
      if (Status s = read_section_header(); !s) return s;
      continue;
    }
    if (!is_metadata_block(type)) {
      if (Status s = skip_unknown_block(offset, type, total_len); !s) return s;
      continue;
    }
    if (Status s = load_block(offset, total_len, "metadata block"); !s) return s;
    const uint8_t* block = stream.data();
    std::string err = parse_metadata_block(type, block + kBlockHeaderSize,
                                           total_len - kBlockHeaderSize - kBlockTrailerSize, metadata);
    if (!err.empty()) return make_error("block type " + hex(type) + ": " + err, offset);
    const uint32_t trailer = load<uint32_t>(block + total_len - 4);
    if (trailer != total_len) {
      return make_error("wrong block total length, header=" + std::to_string(total_len) +
                        ", trailer=" + std::to_string(trailer), offset);
    }
    stream.consume(total_len);
  }
}

Status ScapReader::Impl::skip_unknown_block(uint64_t offset, uint32_t type, uint32_t total_len) {
  // The extension mechanism for new metadata (§2): skip the body, but still check the trailer.
  if (total_len < kBlockHeaderSize + kBlockTrailerSize)
    return make_error("block type " + hex(type) + " length " + std::to_string(total_len) +
                      " is below the 12-byte minimum", offset);
  stream.consume(kBlockHeaderSize);
  const uint64_t body = total_len - kBlockHeaderSize - kBlockTrailerSize;
  const uint64_t skipped = stream.skip(body);
  const size_t got = skipped == body ? stream.ensure(kBlockTrailerSize) : 0;
  if (got < kBlockTrailerSize)
    return make_error(truncation("unknown block", total_len, kBlockHeaderSize + skipped + got), offset);
  const uint32_t trailer = load<uint32_t>(stream.data());
  if (trailer != total_len) {
    return make_error("wrong block total length, header=" + std::to_string(total_len) +
                      ", trailer=" + std::to_string(trailer), offset);
  }
  stream.consume(kBlockTrailerSize);
  return {};
}

}  // namespace vigil::capture
