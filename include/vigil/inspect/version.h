// The library version, for --version and alert metadata.
#pragma once
#include <string_view>

#define VIGIL_VERSION_STRING "0.1.0"

namespace vigil::inspect {
std::string_view version();
}  // namespace vigil::inspect
