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
  eval::EventCodeSet codes;
  std::unique_ptr<output::OutputFormat> output;
};

struct SourceFields {
  std::string name;
  const inspect::FieldRegistry* fields;
};

using SnippetFn = std::function<std::string(const std::string& file, uint32_t line)>;

// Returns false after recording an error; `out` is then unspecified.
bool compile_rules(const RuleStore& store, const std::vector<SourceFields>& sources,
                   const condition::EventTypeNames& types, const std::vector<ExtraOutput>& extras,
                   const SnippetFn& snippet,
                   std::vector<CompiledRule>& out, std::vector<Diagnostic>& diags);

}  // namespace vigil::engine::rules
