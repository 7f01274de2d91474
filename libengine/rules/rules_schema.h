// RulesSchema: the advisory structural check Falco runs on every rules file against its JSON
// schema (rules-language.md §A.11): a sequence of items whose keys all come from the known set
// (one flat union for lists, macros, rules and version items) with the right value types. It
// never makes a load fail; the result is reported next to the load result.
#pragma once

#include <string>
#include <vector>

#include "vigil/engine/engine.h"

namespace vigil::engine::rules {

// Validates `content` (already known to parse as YAML, or not: then the status is None). Each
// problem is one message "line L, column C: ...". Time and output are bounded.
SchemaStatus check_rules_schema(const std::string& content, std::vector<std::string>& problems);

}  // namespace vigil::engine::rules
