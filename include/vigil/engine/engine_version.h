// The rules engine version that `required_engine_version` is checked against (Falco's numbering:
// vigil implements the language of Falco engine 0.63.0, rules-language.md §A.3).
#pragma once
#include <cstdint>

namespace vigil::engine {
struct EngineVersion {
  uint32_t major, minor, patch;
};
EngineVersion engine_version();
}  // namespace vigil::engine
