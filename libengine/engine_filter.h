// Building a standalone Filter (vigil/engine/filter.h): the rule pipeline of rules-language.md
// §B.1 (list substitution, parsing, macro inlining, compilation, event types) for one condition.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "condition/event_type_names.h"
#include "eval/filter.h"
#include "rules/rule_store.h"
#include "vigil/engine/filter.h"

namespace vigil::engine {

struct Filter::Compiled {
  eval::FilterPtr root;
  eval::EventCodeSet never;  // event types that never match (paired enter events)
  std::vector<std::string> event_types;
  std::string canonical;
  std::vector<Diagnostic> warnings;
};

// `definitions` (may be null) supplies lists and macros.
Result<std::unique_ptr<Filter::Compiled>> build_filter(std::string_view condition, const inspect::FieldRegistry& fields,
                                                       const condition::EventTypeNames& types,
                                                       const rules::RuleStore* definitions, FilterOptions options);

}  // namespace vigil::engine
