// The one interface every producer of events implements: the .scap reader and the live eBPF
// source. Consumers (the inspector, the CLI, benchmarks) pull events one at a time.
//
// One thread at a time: a source is not safe for concurrent calls.
#pragma once

#include <cstdint>

#include "vigil/capture/event.h"
#include "vigil/capture/metadata.h"
#include "vigil/common/result.h"

namespace vigil::capture {

enum class NextStatus : uint8_t {
  Event,        // `out` holds the next event
  EndOfStream,  // no more events (end of file, or a live source was stopped)
  Timeout,      // live sources only: nothing arrived in time; call again
  Failed,       // an error stopped the stream; see error(). Earlier events were all delivered.
};

// Counters every source keeps. Nothing is dropped without being counted here.
struct SourceStats {
  uint64_t events = 0;           // events delivered
  uint64_t dropped = 0;          // lost before reaching us (live: ring buffer full)
  uint64_t skipped_unknown = 0;  // records with an event id the schema does not know
  uint64_t decode_failures = 0;  // records that could not be decoded
  uint64_t absorbed = 0;         // normalized mode: enter events merged into their exit event
};

class EventSource {
 public:
  virtual ~EventSource() = default;
  EventSource() = default;
  EventSource(const EventSource&) = delete;
  EventSource& operator=(const EventSource&) = delete;

  // Produces the next event. `out` stays valid until the next call.
  virtual NextStatus next(EventView& out) = 0;
  // The metadata of the current section (a live source: its /proc snapshot). A file with
  // several sections replaces it when a new section starts; metadata_generation() then grows.
  virtual const CaptureMetadata& metadata() const = 0;
  virtual uint32_t metadata_generation() const { return 0; }
  virtual SourceStats stats() const = 0;
  // The error that made next() return Failed.
  virtual const Error& error() const = 0;
};

}  // namespace vigil::capture
