#include "condition/event_type_names.h"

#include <algorithm>

#include "vigil/capture/event_schema.h"

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
