// Event blocks (scap-format.md §10-§11, §18 step 4) and the public ScapReader API.
#include "vigil/capture/scap_reader.h"

#include <cstdio>

#include "scap/block_event_v1.h"
#include "scap/block_types.h"
#include "scap/record_layout.h"
#include "scap/scap_reader_impl.h"

namespace vigil::capture {

using namespace detail;

NextStatus ScapReader::Impl::fail(std::string message, uint64_t offset) {
  error = make_error(std::move(message), offset);
  state = State::Failed;
  return NextStatus::Failed;
}

NextStatus ScapReader::Impl::next(EventView& out) {
  if (state != State::Reading) return state == State::Failed ? NextStatus::Failed : NextStatus::EndOfStream;
  for (;;) {
    const uint64_t offset = stream.offset();
    const size_t got = stream.ensure(kBlockHeaderSize);
    if (got < kBlockHeaderSize) {
      if (got == 0 && stream.failure().empty()) {
        state = State::Ended;
        return NextStatus::EndOfStream;
      }
      return fail(truncation("block header", kBlockHeaderSize, got), offset);
    }
    const uint32_t type = load<uint32_t>(stream.data());
    const uint32_t total_len = load<uint32_t>(stream.data() + 4);
    const EventBlockFormat format = event_block_format(type);
    if (!format.is_event) {
      if (type != kShb) {
        char hex[16];
        std::snprintf(hex, sizeof hex, "0x%X", type);
        return fail(std::string("unexpected block type ") + hex +
                        " after event blocks: metadata must precede the first event block of a section",
                    offset);
      }
      // Concatenated captures (§1.4): a new section with its own metadata.
      if (Status s = read_section(); !s) {
        error = s.error();
        state = State::Failed;
        return NextStatus::Failed;
      }
      ++generation;
      converter.reset();
      continue;
    }

    const uint32_t prefix = format.has_flags ? 6 : 2;  // cpuid [+ dump flags]
    const uint32_t record_header = format.v1_header ? 22 : EventView::kHeaderSize;
    if (total_len < kBlockHeaderSize + prefix + record_header + kBlockTrailerSize)
      return fail("event block length " + std::to_string(total_len) + " too short for an event", offset);
    if (!format.large && total_len - kBlockHeaderSize > kMaxSmallEventBlockRead) {
      return fail("event block length " + std::to_string(total_len) +
                      " exceeds the 65536-byte limit of non-large event blocks", offset);
    }
    if (total_len > options.max_block_size) {
      return fail("event block length " + std::to_string(total_len) + " exceeds the " +
                      std::to_string(options.max_block_size) + "-byte block size limit", offset);
    }
    const size_t have = stream.ensure(total_len);
    if (have < total_len) return fail(truncation("event block", total_len, have), offset);

    const uint8_t* block = stream.data();
    const uint16_t cpu = load<uint16_t>(block + kBlockHeaderSize);
    const uint32_t dump_flags = format.has_flags ? load<uint32_t>(block + kBlockHeaderSize + 2) : 0;
    const uint8_t* record = block + kBlockHeaderSize + prefix;
    // Bytes after the record up to the trailer are padding or pcapng options (§10.4); the
    // trailer itself is never checked for event blocks (§2).
    uint32_t available = total_len - kBlockHeaderSize - prefix - kBlockTrailerSize;
    // The window keeps these bytes until the next ensure(), i.e. the next call.
    stream.consume(total_len);

    const uint16_t event_type = load<uint16_t>(record + 20);  // same offset in v1 and v2 headers
    const EventInfo* info = schema.find(event_type);
    if (!info) {
      ++stats.skipped_unknown;
      continue;
    }
    if (format.v1_header) {
      if (v1_record.empty()) v1_record.resize(kMaxV1RebuiltRecord);
      std::string err = rebuild_v1_record(record, available, schema, v1_record.data());
      if (!err.empty()) return fail(std::move(err), offset);
      record = v1_record.data();
      available = load<uint32_t>(record + 16);
    }
    std::string err = index_params(record, available, offsets.data(), kMaxParams);
    if (!err.empty()) return fail("invalid event: " + err, offset);

    if (options.mode == ReadMode::Normalized) {
      std::span<const uint8_t> converted;
      const uint32_t len = load<uint32_t>(record + 16);
      switch (converter.convert({record, len}, converted, convert_message)) {
        case EventConverter::Outcome::Pass:
          break;
        case EventConverter::Outcome::Drop:
          ++stats.absorbed;
          continue;
        case EventConverter::Outcome::Converted:
          record = converted.data();
          err = index_params(record, converted.size(), offsets.data(), kMaxParams);
          if (!err.empty()) return fail("converter produced an invalid event: " + err, offset);
          info = schema.find(load<uint16_t>(record + 20));
          break;
        case EventConverter::Outcome::Failed:
          return fail("cannot convert event: " + convert_message, offset);
      }
    }
    block_offset = offset;
    ++stats.events;
    out = EventView(record, offsets.data(), cpu, dump_flags, stats.events, info);
    return NextStatus::Event;
  }
}

Result<std::unique_ptr<ScapReader>> ScapReader::open(const std::string& path, ReaderOptions options) {
  auto impl = std::make_unique<Impl>(path, options);
  if (Status s = impl->open(); !s) return s.error();
  return std::unique_ptr<ScapReader>(new ScapReader(std::move(impl)));
}

ScapReader::ScapReader(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ScapReader::~ScapReader() = default;

NextStatus ScapReader::next(EventView& out) { return impl_->next(out); }
const CaptureMetadata& ScapReader::metadata() const { return impl_->metadata; }
uint32_t ScapReader::metadata_generation() const { return impl_->generation; }
SourceStats ScapReader::stats() const { return impl_->stats; }
const Error& ScapReader::error() const { return impl_->error; }
uint64_t ScapReader::block_offset() const { return impl_->block_offset; }
uint16_t ScapReader::major_version() const { return impl_->major; }
uint16_t ScapReader::minor_version() const { return impl_->minor; }

}  // namespace vigil::capture
