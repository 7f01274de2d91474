// Placeholder: passes every record through until the conversion table lands.
#include "scap/event_converter.h"

namespace vigil::capture::detail {

struct EventConverter::State {};

EventConverter::EventConverter() : state_(new State) {}
EventConverter::~EventConverter() { delete state_; }

EventConverter::Outcome EventConverter::convert(std::span<const uint8_t>, std::span<const uint8_t>&,
                                                std::string&) {
  return Outcome::Pass;
}

void EventConverter::reset() {}

}  // namespace vigil::capture::detail
