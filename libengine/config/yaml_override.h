// Falco-style `-o key=value` overrides applied to a YAML document before it is checked.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>
#include <string_view>

#include "vigil/common/result.h"

namespace vigil::engine::config {

// Sets the node at `key` (dotted path with [N] indexes; N may equal the list size to append, and
// an empty [] always appends, as Falco's -o does) to the YAML value after '='. Intermediate maps and lists are created. On success `path` receives
// the normalised key ("a.b[0].c") used to locate later errors.
Status apply_override(YAML::Node& root, std::string_view option, std::string& path);

}  // namespace vigil::engine::config
