// Reads one rules file (YAML) into the RuleStore, item by item, with Falco's validation and
// merge semantics (rules-language.md §A). Stops at the first error of the file.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "rules/rule_store.h"
#include "vigil/engine/diagnostic.h"
#include "vigil/engine/engine.h"

namespace vigil::engine::rules {

// Application-defined item kinds: key -> handler (Engine::add_item_kind).
using ExtensionKinds = std::vector<std::pair<std::string, ExtensionItemHandler>>;

// Returns false when an error was recorded. Diagnostics are appended to `diags`.
bool read_rules(const std::string& content, const std::string& file, RuleStore& store,
                std::vector<Diagnostic>& diags, const ExtensionKinds* extensions = nullptr);

// The lines of `content` around `line` (1-based), for diagnostics.
std::string snippet_at(const std::string& content, uint32_t line);

}  // namespace vigil::engine::rules
