// What a condition refers to (Falco's details resolver): fields, transformers, operators, and
// the macros and lists it names. Computed on the tree before macro inlining.
#pragma once

#include <functional>
#include <set>
#include <string>

#include "condition/ast.h"

namespace vigil::engine::condition {

struct ConditionDetails {
  std::set<std::string> fields, transformers, operators, macros, lists;
};

ConditionDetails collect_details(const Expr& e, const std::function<bool(const std::string&)>& is_macro,
                                 const std::function<bool(const std::string&)>& is_list);

}  // namespace vigil::engine::condition
