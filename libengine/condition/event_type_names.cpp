#include "condition/event_type_names.h"

#include <algorithm>

#include "vigil/capture/event_schema.h"
#include "vigil/capture/param_format.h"

namespace vigil::engine::condition {

EventTypeNames::EventTypeNames() {
  const auto& schema = capture::EventSchema::newest();
  code_names_.resize(schema.size());
  for (const auto& ev : schema.events()) {
    if (ev.id >= eval::kMaxEventCodes) continue;
    code_names_[ev.id] = ev.name;
    if (ev.has(capture::kUnused) || ev.name == "NA") continue;
    by_name_[std::string(ev.name)].set(ev.id);
    all_.set(ev.id);
  }
  for (const auto& ev : schema.events()) {
    if (ev.direction != capture::Direction::Enter || ev.has(capture::kUnused)) continue;
    const auto* exit = schema.find(static_cast<uint16_t>(ev.id + 1));
    if (exit && !exit->has(capture::kUnused) && exit->name == ev.name && ev.id < eval::kMaxEventCodes)
      paired_enter_.set(ev.id);
  }
  eval::EventCodeSet generic;
  for (const auto& ev : schema.events())
    if (ev.name == "syscall" && !ev.has(capture::kUnused)) generic.set(ev.id);
  for (uint16_t code = 1; code < 1024; ++code) {
    std::string_view n = capture::ppm_sc_name(code);
    if (n.empty()) {
      if (code > 500) break;
      continue;
    }
    std::string name(n);
    if (by_name_.count(name)) continue;
    generic_.emplace(name, code);
  }
  for (auto& [name, code] : generic_) by_name_[name] = generic;
}

int EventTypeNames::generic_syscall_code(std::string_view name) const {
  auto it = generic_.find(std::string(name));
  return it == generic_.end() ? -1 : it->second;
}

const eval::EventCodeSet* EventTypeNames::find(std::string_view name) const {
  auto it = by_name_.find(std::string(name));
  return it == by_name_.end() ? nullptr : &it->second;
}

std::string_view EventTypeNames::name(uint16_t code) const {
  return code < code_names_.size() ? code_names_[code] : std::string_view();
}

std::vector<std::string> EventTypeNames::names(const eval::EventCodeSet& set) const {
  std::vector<std::string> out;
  for (size_t i = 0; i < code_names_.size() && i < eval::kMaxEventCodes; ++i)
    if (set.test(i)) out.emplace_back(code_names_[i]);
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

}  // namespace vigil::engine::condition
