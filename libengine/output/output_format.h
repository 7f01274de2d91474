// OutputFormat: a compiled rule output string (rules-language.md §D.1). `%field` tokens are the
// longest prefix that binds in the field registry; everything else is literal text. Rendering
// extracts values only when an alert is produced.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "eval/filter.h"
#include "eval/value_source.h"
#include "vigil/inspect/field.h"

namespace vigil::engine::output {

struct OutputToken {
  std::string literal;   // text before the field (may be empty)
  std::string expr;      // "proc.name", "proc.aname[2]", "tolower(proc.name)"; empty for trailing text
  bool transformed = false;
  uint32_t width = 0;    // %20proc.name
  std::unique_ptr<inspect::BoundField> field;
  eval::SourcePtr source;  // transformer expressions
  inspect::FieldType type = inspect::FieldType::CharBuf;
};

class OutputFormat {
 public:
  // Returns false with `error` ("unknown filter: ...", "invalid formatting syntax: ...");
  // `unknown` is set when the failure is an unknown field.
  // `transformers` compiles `%tolower(...)`-style tokens; without it they are errors.
  using TransformerCompiler = std::function<eval::SourcePtr(const std::string& expr, std::string& error)>;
  bool compile(const std::string& text, const inspect::FieldRegistry& fields, std::string& error, bool& unknown,
               const TransformerCompiler& transformers = {});

  // Renders with missing values as <NA>. `fields_out` receives (expr, value-as-text, type, present)
  // for JSON output_fields when non-null; transformer tokens are omitted from it.
  struct FieldText {
    std::string expr;
    std::string text;
    inspect::FieldType type;
    bool present;
    bool is_list;
  };
  std::string render(const inspect::EventContext* ctx, std::vector<FieldText>* fields_out) const;
  const std::vector<OutputToken>& tokens() const { return tokens_; }

 private:
  std::vector<OutputToken> tokens_;
  std::string tail_;
};

// Text of a value as Falco prints it (numbers in decimal, IPs dotted/colon form, lists as (a,b)).
std::string value_text(const inspect::FieldValues& values, bool is_list);

}  // namespace vigil::engine::output
