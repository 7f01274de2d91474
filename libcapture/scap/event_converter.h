// Internal: the normalizing converter (scap-format.md §15). Upgrades old parameter layouts to the
// newest schema and merges enter events into their exit event, keeping one stored enter event
// per thread. The reader runs every record through it in ReadMode::Normalized.
//
// Behaves like the newest falcosecurity libs' savefile converter: the same rules decide what is
// dropped, passed or converted (conversion_table.h), the same errors stop reading. One converter
// serves one event stream; it is not thread-safe.
#pragma once

#include <cstdint>
#include <span>
#include <string>

namespace vigil::capture::detail {

class EventConverter {
 public:
  enum class Outcome {
    Pass,       // deliver the input record unchanged
    Drop,       // do not deliver (absorbed enter event, unused id, ...)
    Converted,  // deliver `out`, a record in the converter's own buffer
    Failed,     // conversion impossible; `message` says why (reading stops, as in the libs)
  };

  // What the converter did so far; every record it did not deliver is counted in one of the
  // drop counters.
  struct Stats {
    uint64_t converted = 0;           // records delivered in a rewritten layout
    uint64_t absorbed_enters = 0;     // enter events stored for their exit and not delivered
    uint64_t dropped_old_enters = 0;  // superseded enter events the converter has no use for
    uint64_t dropped_unused = 0;      // records of EF_UNUSED placeholder ids
    uint64_t merged_enters = 0;       // stored enter events whose parameters went into an exit
    uint64_t replaced_enters = 0;     // stored enter events overwritten before any exit used them
    uint64_t evicted_enters = 0;      // stored enter events discarded to bound memory
  };

  // Records that need conversion may be at most this long, like the libs' conversion buffer.
  static constexpr uint32_t kMaxConvertedRecord = 65536;
  // Threads with a stored-enter slot kept at once; past it, idle slots are dropped first.
  static constexpr size_t kDefaultMaxThreads = 32768;

  explicit EventConverter(size_t max_threads = kDefaultMaxThreads);
  ~EventConverter();
  EventConverter(const EventConverter&) = delete;
  EventConverter& operator=(const EventConverter&) = delete;

  // `record` is a validated v2 record (header, length array, data). On Converted, `out` is valid
  // until the next call. On Failed, `message` describes the problem (without file or offset).
  Outcome convert(std::span<const uint8_t> record, std::span<const uint8_t>& out, std::string& message);
  // Forget stored enter events (a new section starts).
  void reset();

  const Stats& stats() const;
  // Threads that currently have a slot (stored enter or reusable buffer).
  size_t thread_slots() const;

  struct State;

 private:
  State* state_;
};

}  // namespace vigil::capture::detail
