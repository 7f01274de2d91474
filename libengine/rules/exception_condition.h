// Turns a rule's exceptions into condition text appended to the rule's condition
// (rules-language.md §A.8.2): `(C) and not X1 and not X2 ...`.
#pragma once

#include <string>

#include "rules/rule_store.h"

namespace vigil::engine::rules {

// Returns false with `error` ("Fields and values lists must have equal length").
bool condition_with_exceptions(const RuleDef& rule, std::string& out, std::string& error);

}  // namespace vigil::engine::rules
