// RuleCompiler: compiles everything in a RuleStore (rules-language.md §B.1 pipeline): list
// resolution, textual list substitution, parsing, macro inlining, field compilation, event-type
// derivation and output formats. Stops at the first error, as Falco does.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "condition/event_type_names.h"
#include "eval/filter.h"
#include "output/output_format.h"
#include "rules/rule_store.h"
#include "vigil/engine/diagnostic.h"
#include "vigil/engine/engine.h"

namespace vigil::engine::rules {

struct CompiledRule {
  RuleInfo info;
  eval::FilterPtr filter;
  eval::EventCodeSet codes;  // the event types the rule is indexed under (§C.1)
  uint32_t source = 0;       // index into the engine's sources
  std::unique_ptr<output::OutputFormat> output;
  // Extra formatted fields, in name order (RuleInfo::extra_output_fields).
  std::vector<std::pair<std::string, std::unique_ptr<output::OutputFormat>>> extra_fields;
};

struct SourceFields {
  std::string name;
  const inspect::FieldRegistry* fields;
};

using SnippetFn = std::function<std::string(const std::string& file, uint32_t line)>;

// The items of every list with one level of list-in-list expansion, limited to lists defined
// earlier (§A.5). `used[i]` is set when list i was expanded inside another list.
std::vector<std::vector<std::string>> resolve_lists(const std::vector<ListDef>& lists, std::vector<bool>& used);

// Returns false after recording an error; `out` is then unspecified.
bool compile_rules(const RuleStore& store, const std::vector<SourceFields>& sources,
                   const condition::EventTypeNames& types, const std::vector<ExtraOutput>& extras,
                   const SnippetFn& snippet,
                   std::vector<CompiledRule>& out, std::vector<Diagnostic>& diags);

}  // namespace vigil::engine::rules
