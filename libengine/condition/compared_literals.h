// The literals a condition compares its fields with (Engine::compared_strings). Internal.
#pragma once

#include <vector>

#include "condition/ast.h"
#include "vigil/engine/engine.h"

namespace vigil::engine::condition {

// Appends, in condition order and without duplicates, every (field, comparison, literal) of the
// checks in `root` whose left side is a plain field and whose right side is a literal or a list
// of literals. Iterative: the tree may be deep after macro inlining.
void collect_compared_literals(const Expr& root, std::vector<ComparedLiteral>& out);

}  // namespace vigil::engine::condition
