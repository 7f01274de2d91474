// Writes .scap capture files that the falcosecurity tools read.
//
// Newest format (default): file version 1.2, newest block layouts (MI, IL_V2, UL_V2, PL_V9 with
// the full tail, one FDL_V2 per process), then every event record byte for byte as given, in an
// EV_V2 block, an EVF_V2 block when it has dump flags, or their _LARGE variants when the event
// type has EF_LARGE_PAYLOAD or the block would exceed 64 KiB.
//
// The Sysdig029 mode writes what sysdig 0.29.3 (Debian 12) reads and prints correctly
// (scap-format.md §19.3): every event in its 2022 id and parameter layout (parameters cut to
// the 2022 count, retyped ones at their 2022 width, trailing empty ones left out where drivers
// wrote that shorter layout), the 2022 enter event of each syscall restored in front of its exit
// (see EnterRestore; the newest drivers and a normalized read deliver exits that carry the enter
// parameters), newer ids that sysdig reported under an older id mapped to it (accept4 ->
// `accept`, dup2/dup3 -> `dup`, pipe2 -> `pipe`, ...), and the rest skipped and counted (sysdig
// would not see them). Metadata keeps only what the 2022 reader parses: PL_V9 tail of at most
// 29 bytes, fd types 1-16. Files in this mode read correctly with the newest libs too (§15).
//
// Files are written with mode 0600, never through a symlink, plain or gzip-compressed.
//
// One thread at a time.
#pragma once

#include <memory>
#include <string>

#include "vigil/capture/event.h"
#include "vigil/capture/metadata.h"
#include "vigil/common/result.h"

namespace vigil::capture {

enum class WriteFormat : uint8_t { Newest, Sysdig029 };

// Sysdig029 only: which exits get their 2022 enter event restored in front of them. Never when
// the thread's previous event already is that enter event (TOCTOU enters such as open_E arrive
// on their own), and never when the exit's copies of the enter parameters are all empty (the
// capture had no enter event to copy from).
enum class EnterRestore : uint8_t {
  // Every syscall exit. For streams without most enter events: a Normalized read, the live
  // driver. An exit whose enter event was not in the original capture gets one too.
  AllSyscallExits,
  // Only exits in a layout newer than 2022, which carry the enter parameters. For streams that
  // keep their enter events: a Raw read of an older capture.
  NewerLayoutsOnly,
};

struct WriterOptions {
  WriteFormat format = WriteFormat::Newest;
  bool compress = false;  // gzip the stream
  EnterRestore enter_restore = EnterRestore::AllSyscallExits;
};

class ScapWriter {
 public:
  // Creates (or truncates) `path`. The file is created with mode 0600 and never follows a
  // symlink at the final path component.
  static Result<std::unique_ptr<ScapWriter>> create(const std::string& path, WriterOptions options = {});
  ~ScapWriter();
  ScapWriter(const ScapWriter&) = delete;
  ScapWriter& operator=(const ScapWriter&) = delete;

  // At most once per section, before its first event: readers fail on metadata after an event.
  // An fd list whose tid is not in `metadata.threads` is left out and counted: sysdig rejects
  // the whole file for it ("FD block references TID ..., which doesn't exist").
  Status write_metadata(const CaptureMetadata& metadata);
  // Ends the current section and starts a new one (a new section header, then `metadata`), as
  // when a source's metadata changes mid-stream (EventSource::metadata_generation()). Readers
  // read the sections as one stream (§1). The current section must have at least one event.
  Status start_section(const CaptureMetadata& metadata);
  // Writes one event (Sysdig029: zero, one or two records, see above). No allocation in steady
  // state. A file must get at least one event to be readable (§1).
  Status write_event(const EventView& event);
  // Flushes and closes; further writes fail. Called by the destructor if not called.
  Status close();

  // Event records written, including restored enter events.
  uint64_t events_written() const;
  // Sysdig029: events dropped because sysdig 0.29.3 has no event id for them.
  uint64_t events_skipped() const;
  // Sysdig029: enter events restored in front of their exit event.
  uint64_t enter_events_added() const;
  // Fd lists left out by write_metadata because no thread of the process list has their tid.
  uint64_t fd_lists_dropped() const;
  // Bytes of the uncompressed stream written so far.
  uint64_t bytes_written() const;

  struct Impl;

 private:
  explicit ScapWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::capture
