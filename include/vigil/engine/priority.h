// Rule priorities (rules-language.md §A.10). Lower value = more severe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace vigil::engine {

enum class Priority : uint8_t {
  Emergency = 0, Alert = 1, Critical = 2, Error = 3, Warning = 4, Notice = 5, Informational = 6, Debug = 7,
};

// Case-insensitive; accepts "info" for Informational.
std::optional<Priority> parse_priority(std::string_view text);
// "Emergency", ..., "Informational", "Debug".
std::string_view priority_name(Priority p);

}  // namespace vigil::engine
