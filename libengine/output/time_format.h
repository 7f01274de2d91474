// Alert time stamps: ISO-8601 UTC ("...+0000" in text, "...Z" in JSON) and local time of day.
#pragma once

#include <cstdint>
#include <string>

namespace vigil::engine::output {
std::string iso_time(uint64_t ns, bool utc_z);
std::string local_time(uint64_t ns);
}  // namespace vigil::engine::output
