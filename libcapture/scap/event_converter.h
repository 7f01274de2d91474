// Internal: the normalizing converter (scap-format.md §15). Upgrades old parameter layouts to the
// newest schema and merges enter events into their exit event, keeping one stored enter event
// per thread. The reader runs every record through it in ReadMode::Normalized.
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

  EventConverter();
  ~EventConverter();
  EventConverter(const EventConverter&) = delete;
  EventConverter& operator=(const EventConverter&) = delete;

  // `record` is a validated v2 record (header, length array, data). On Converted, `out` is valid
  // until the next call.
  Outcome convert(std::span<const uint8_t> record, std::span<const uint8_t>& out, std::string& message);
  // Forget stored enter events (a new section starts).
  void reset();

  struct State;

 private:
  State* state_;
};

}  // namespace vigil::capture::detail
