// Names of errno values and capabilities. Internal to libinspect.
#pragma once

#include <cstdint>
#include <string_view>

namespace vigil::inspect::detail {

// "ENOENT" for 2 or -2; empty when unknown.
std::string_view errno_name(int64_t err);
// "CAP_SYS_ADMIN" for 21; empty past the last known capability.
std::string_view capability_name(unsigned bit);

}  // namespace vigil::inspect::detail
