// Where a check's values come from: a bound field, or a transformer over other sources
// (rules-language.md §B.11). Sources own their scratch buffers, so a compiled filter is used by
// one thread at a time.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "eval/filter.h"
#include "vigil/inspect/field.h"

namespace vigil::engine::eval {

class ValueSource {
 public:
  virtual ~ValueSource() = default;
  // Points `out` at this event's values; false when there are none (<NA>).
  virtual bool get(const EvalInput& in, const inspect::FieldValues*& out) const = 0;
  inspect::FieldType type = inspect::FieldType::CharBuf;
  bool is_list = false;  // list semantics: in = every element, intersects = some element
};

using SourcePtr = std::unique_ptr<ValueSource>;

SourcePtr make_field_source(std::unique_ptr<inspect::BoundField> field);
// A literal string argument of a transformer (concat("a", proc.name)).
SourcePtr make_literal_source(std::string text);

enum class TransformerKind : uint8_t { ToLower, ToUpper, B64, Basename, Len, Join, Concat };
// `args` already type-checked by the compiler.
SourcePtr make_transformer(TransformerKind kind, std::vector<SourcePtr> args);
// A fixed list of sources evaluated together (join's second argument).
SourcePtr make_list_source(std::vector<SourcePtr> items);

// getopt(argv, optstring) (§B.11): the options found in the argv list, each followed by its value
// when the option takes one. With a `selector` the result is the last value of that one option
// ("" when it takes no value or its value is missing), and nothing when the option is absent.
SourcePtr make_getopt(SourcePtr argv, SourcePtr optstring, std::optional<char> selector);

}  // namespace vigil::engine::eval
