// EventTypeNames: evt.type names <-> event codes of the newest schema (rules-language.md §C.1:
// a name maps to every code carrying it, enter/exit and versioned variants).
#pragma once

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "eval/filter.h"

namespace vigil::engine::condition {

class EventTypeNames {
 public:
  EventTypeNames();
  // nullptr when the name is not a known event type. Syscalls without a dedicated event map to
  // the generic syscall event codes.
  const eval::EventCodeSet* find(std::string_view name) const;
  // The ppm_sc code of a syscall that has no dedicated event (-1 otherwise): such names are
  // matched on generic events by their ID parameter.
  int generic_syscall_code(std::string_view name) const;
  // Every real event code (placeholders excluded): what "any event type" means.
  const eval::EventCodeSet& all() const { return all_; }
  // Sorted unique names of the codes in `set`.
  std::vector<std::string> names(const eval::EventCodeSet& set) const;
  std::string_view name(uint16_t code) const;
  // Enter events of syscalls that also have an exit event. Current Falco evaluates rules once
  // per syscall, on the exit event (rules-language.md §E.5), so these never reach rules.
  const eval::EventCodeSet& paired_enter_events() const { return paired_enter_; }

 private:
  std::unordered_map<std::string, eval::EventCodeSet> by_name_;
  std::unordered_map<std::string, int> generic_;
  std::vector<std::string_view> code_names_;
  eval::EventCodeSet all_;
  eval::EventCodeSet paired_enter_;
};

}  // namespace vigil::engine::condition
