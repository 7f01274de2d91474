// FilterCompiler: resolves the fields of a macro-expanded condition against the field registry,
// type-checks operators and values (§B.4, §B.5, §B.10, §B.11) and builds the evaluator.
#pragma once

#include <string>
#include <vector>

#include "condition/ast.h"
#include "condition/event_type_names.h"
#include "eval/filter.h"
#include "eval/value_source.h"
#include "vigil/inspect/field.h"

namespace vigil::engine::condition {

struct CompileMessage {
  bool error = true;
  std::string code;     // LOAD_ERR_COMPILE_CONDITION, LOAD_COMPILE_CONDITION, LOAD_DEPRECATED_ITEM, ...
  std::string message;
  uint32_t offset = 0;  // in the condition text the node came from (0 for macro-inlined nodes)
  bool unknown_filter = false;  // unknown field or event type (skip-if-unknown-filter)
};

class FilterCompiler {
 public:
  FilterCompiler(const inspect::FieldRegistry& fields, const EventTypeNames& types)
      : fields_(fields), types_(types) {}

  // Returns nullptr after recording at least one error in `messages`. Warnings are appended too.
  eval::FilterPtr compile(const Expr& e, std::vector<CompileMessage>& messages) const;

  // Validates a standalone LHS (an exception's field entry): a field or transformer expression.
  bool valid_lhs(const std::string& text) const;

  // Compiles a field or transformer expression to a value source (output tokens such as
  // `%tolower(proc.name)`). nullptr with `error` on failure.
  eval::SourcePtr compile_value(const Operand& o, std::string& error) const;

 private:
  const inspect::FieldRegistry& fields_;
  const EventTypeNames& types_;
};

}  // namespace vigil::engine::condition
