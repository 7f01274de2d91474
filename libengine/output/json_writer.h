// Minimal JSON string escaping for alerts and validation output.
#pragma once

#include <string>
#include <string_view>

namespace vigil::engine::output {

// Appends `s` as a JSON string literal (quotes included). Control characters and invalid UTF-8
// bytes are escaped so the result is always valid JSON.
void append_json_string(std::string& out, std::string_view s);

}  // namespace vigil::engine::output
