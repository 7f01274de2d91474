#include "vigil/engine/priority.h"

#include <cctype>
#include <string>

namespace vigil::engine {

namespace {
constexpr std::string_view kNames[] = {"Emergency", "Alert", "Critical", "Error",
                                       "Warning", "Notice", "Informational", "Debug"};
}

std::optional<Priority> parse_priority(std::string_view text) {
  std::string lower;
  for (char c : text) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (lower == "info") return Priority::Informational;
  for (size_t i = 0; i < std::size(kNames); ++i) {
    std::string n;
    for (char c : kNames[i]) n += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (n == lower) return static_cast<Priority>(i);
  }
  return std::nullopt;
}

std::string_view priority_name(Priority p) {
  auto i = static_cast<size_t>(p);
  return i < std::size(kNames) ? kNames[i] : std::string_view("Unknown");
}

}  // namespace vigil::engine
