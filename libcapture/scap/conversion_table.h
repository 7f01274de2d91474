// Internal: the rules that upgrade old event layouts (scap-format.md §15), keyed on (type, nparams).
//
// Each rule says what the converter does with an event of that exact type and parameter count:
// keep it as the thread's stored enter event, pass it, append parameters, or turn it into a newer
// event id. Appended / rebuilt parameters are described by one ParamRecipe each. The rules are
// the facts of the newest falcosecurity libs' savefile converter, written down in vigil's own
// notation in conversion_table.cpp.
//
// The table is immutable after its first use (a function-local static); safe from any thread.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::capture::detail {

enum class ConversionAction : uint8_t {
  Store,         // remember as the thread's enter event and drop it
  StoreAndPass,  // remember it and deliver it too (enter events current drivers still emit)
  Pass,          // deliver unchanged
  AddParams,     // keep the parameters, append one per recipe
  ChangeType,    // become `new_type` with exactly one parameter per recipe
};

enum class ParamSource : uint8_t {
  Old,            // parameter `index` of the event being converted
  Enter,          // parameter `index` of the thread's stored enter event
  Empty,          // zero-length parameter
  Default,        // the type's default: zeros of its fixed size, 0xFFFFFFFF for UID/GID
  ContainerJson,  // JSON built from the legacy 4-field container event (id, type, name, image)
};

struct ParamRecipe {
  ParamSource source = ParamSource::Empty;
  uint8_t index = 0;
  // Enter / ContainerJson: when the value cannot be had, write an empty parameter instead of the
  // type's default.
  bool empty_fallback = false;
};

struct ConversionRule {
  uint16_t type = 0;
  uint8_t nparams = 0;
  ConversionAction action = ConversionAction::Pass;
  uint16_t new_type = 0;  // ChangeType only
  std::span<const ParamRecipe> recipes;
};

class ConversionTable {
 public:
  // The built-in table.
  static const ConversionTable& builtin();

  // Parses a table written in the notation documented in conversion_table.cpp. Event names are
  // resolved against EventSchema::newest(). Problems are reported by error().
  explicit ConversionTable(std::string_view text);
  ConversionTable(const ConversionTable&) = delete;
  ConversionTable& operator=(const ConversionTable&) = delete;

  // The rule for (type, nparams), or nullptr. Like the libs, the key only keeps the low 8 bits of
  // the parameter count.
  const ConversionRule* find(uint16_t type, uint32_t nparams) const {
    if (size_t{type} + 1 >= first_rule_.size()) return nullptr;
    const uint8_t n = static_cast<uint8_t>(nparams);
    for (uint32_t i = first_rule_[type]; i < first_rule_[type + 1]; ++i)
      if (rules_[i].nparams == n) return &rules_[i];
    return nullptr;
  }

  std::span<const ConversionRule> rules() const { return rules_; }
  // Empty when the text parsed cleanly; else the first problem, with its line number.
  const std::string& error() const { return error_; }

 private:
  std::vector<ConversionRule> rules_;        // sorted by type
  std::vector<ParamRecipe> recipes_;         // storage behind every rule's recipes span
  std::vector<uint32_t> first_rule_;         // per type: index of its first rule; size = types + 1
  std::string error_;
};

}  // namespace vigil::capture::detail
