// Writes .scap capture files that the falcosecurity tools read.
//
// Newest format (default): file version 1.2, newest block layouts, events as given. The
// Sysdig029 mode writes what sysdig 0.29.3 (Debian 12) can read (scap-format.md §19): 2022 event
// layouts with enter/exit pairs per thread, 2022 metadata tails, no SHB options.
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

struct WriterOptions {
  WriteFormat format = WriteFormat::Newest;
  bool compress = false;  // gzip the stream
};

class ScapWriter {
 public:
  // Creates (or truncates) `path`. The file is created with mode 0600 and never follows a
  // symlink at the final path component.
  static Result<std::unique_ptr<ScapWriter>> create(const std::string& path, WriterOptions options = {});
  ~ScapWriter();
  ScapWriter(const ScapWriter&) = delete;
  ScapWriter& operator=(const ScapWriter&) = delete;

  // Must come before the first event of the section.
  Status write_metadata(const CaptureMetadata& metadata);
  Status write_event(const EventView& event);
  // Flushes and closes; further writes fail. Called by the destructor if not called.
  Status close();

  uint64_t events_written() const;

  struct Impl;

 private:
  explicit ScapWriter(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigil::capture
