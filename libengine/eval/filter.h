// The compiled form of a condition: a tree of FilterNodes evaluated against one event.
//
// Nodes are built once by the compiler and then only read, except for per-node scratch buffers
// (extracted values, transformer output). A compiled filter is therefore used by one thread at a
// time; give each thread its own Engine.
#pragma once

#include <bitset>
#include <cstdint>
#include <memory>
#include <vector>

#include "vigil/inspect/field.h"

namespace vigil::engine::eval {

inline constexpr size_t kMaxEventCodes = 1024;
using EventCodeSet = std::bitset<kMaxEventCodes>;

// What a filter sees of one event.
struct EvalInput {
  const inspect::EventContext* ctx = nullptr;
  uint16_t event_type = 0;
};

class FilterNode {
 public:
  virtual ~FilterNode() = default;
  virtual bool eval(const EvalInput& in) const = 0;
  // Rough relative cost; and/or evaluate cheap children first (there are no side effects).
  virtual int cost() const { return 10; }
};

using FilterPtr = std::unique_ptr<FilterNode>;

FilterPtr make_and(std::vector<FilterPtr> children);
FilterPtr make_or(std::vector<FilterPtr> children);
FilterPtr make_not(FilterPtr child);
FilterPtr make_const(bool value);
// True when the event's type code is in `codes` (evt.type = / in / != compiled to a bit test).
FilterPtr make_event_type_test(const EventCodeSet& codes);
// Like make_event_type_test, and also true on generic syscall events whose ppm_sc code (their
// ID parameter) is in `syscalls`.
FilterPtr make_event_type_test(const EventCodeSet& codes, const std::bitset<1024>& syscalls);

}  // namespace vigil::engine::eval
