// Reads .scap capture files, plain or gzip, as written by the falcosecurity tools and by vigil.
//
// Streams in constant memory whatever the file size. Every block type and version of
// scap-format.md is understood; concatenated sections are read as one stream.
//
// Two delivery modes:
//  * Normalized (default): old parameter layouts are upgraded to the newest schema and enter
//    events are merged into their exit event (scap-format.md §15), so consumers see one event per
//    syscall, like current Falco.
//  * Raw: every record as stored, in file order (what sysdig 0.29.3 shows with -D).
//
// Events from EVF blocks carry their dump flags: kDumpStateOnly events are delivered so state
// stays right, and consumers that show events must hide them. Records with event ids the newest
// schema does not know are skipped and counted in stats().skipped_unknown; evt.num counts only
// delivered events, as sysdig does.
//
// Errors name the file and the offset, in the decompressed stream, of the faulty block; every
// event before the fault is delivered before next() returns Failed. gzip input is decompressed
// with ISA-L; concatenated gzip members and concatenated captures both work.
//
// One thread at a time.
#pragma once

#include <memory>
#include <string>

#include "vigil/capture/event_source.h"

namespace vigil::capture {

enum class ReadMode : uint8_t { Normalized, Raw };

struct ReaderOptions {
  ReadMode mode = ReadMode::Normalized;
  // Largest block accepted, in bytes. Blocks are parsed whole in memory; LARGE event blocks
  // (§10.1) and metadata blocks may legitimately exceed 64 KiB, but a corrupt or hostile length
  // must not make the reader allocate without bound.
  uint32_t max_block_size = 64u << 20;
};

class ScapReader final : public EventSource {
 public:
  // Opens `path` and reads the first section's metadata. Fails with an Error naming the file
  // and byte offset when the file is not a readable capture.
  static Result<std::unique_ptr<ScapReader>> open(const std::string& path, ReaderOptions options = {});

  ~ScapReader() override;

  NextStatus next(EventView& out) override;
  const CaptureMetadata& metadata() const override;
  uint32_t metadata_generation() const override;
  SourceStats stats() const override;
  const Error& error() const override;

  // Offset, in the decompressed stream, of the block the last event came from.
  uint64_t block_offset() const;
  // Version of the current section header (1.0 .. 1.2).
  uint16_t major_version() const;
  uint16_t minor_version() const;

  struct Impl;

 private:
  explicit ScapReader(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::capture
