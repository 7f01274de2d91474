// Leaf nodes of a compiled filter: a field check against literals, and a field-to-field check.
#pragma once

#include <vector>

#include "condition/ast.h"
#include "eval/filter.h"
#include "eval/matcher.h"
#include "eval/value_source.h"

namespace vigil::engine::eval {

// `lhs op literal(s)`. Multi-valued scalar fields (ancestors, fd.ip) match if any value
// matches; list fields use `in` = every element, `intersects` = some element (§B.4).
FilterPtr make_check(SourcePtr lhs, Op op, ValueMatcher matcher);
// `lhs op modifier (v1, v2, ...)`: one matcher per element.
FilterPtr make_modifier_check(SourcePtr lhs, condition::Modifier mod, std::vector<ValueMatcher> elements);
// `lhs op val(field)` / `lhs op transformer(...)`: false if either side is missing.
FilterPtr make_field_compare(SourcePtr lhs, Op op, SourcePtr rhs);

}  // namespace vigil::engine::eval
