#include "condition/macro_expander.h"

#include <algorithm>
#include <limits>

namespace vigil::engine::condition {

size_t MacroExpander::count_nodes(const Expr& e) {
  size_t n = 1;
  for (auto& c : e.children) n += count_nodes(c);
  return n;
}

bool MacroExpander::expand_rule(Expr& e, ExpandError& err) {
  size_t budget = kMaxExpandedNodes;
  return expand(e, std::numeric_limits<uint64_t>::max(), err, budget);
}

const Expr* MacroExpander::expand_macro(const std::string& name, ExpandError& err) {
  auto done = done_.find(name);
  if (done != done_.end()) return &done->second;
  auto it = macros_.find(name);
  if (it == macros_.end() || !it->second.ast) {
    err.message = "Undefined macro '" + name + "' used in filter.";
    return nullptr;
  }
  if (std::find(stack_.begin(), stack_.end(), name) != stack_.end()) {
    err.message = "reference loop in macro '" + name + "'";
    err.macro = name;
    return nullptr;
  }
  stack_.push_back(name);
  Expr body = *it->second.ast;
  size_t budget = kMaxExpandedNodes;
  bool ok = expand(body, it->second.last_seq, err, budget);
  stack_.pop_back();
  if (!ok) {
    if (err.macro.empty()) err.macro = name;
    return nullptr;
  }
  sizes_[name] = count_nodes(body);
  return &done_.emplace(name, std::move(body)).first->second;
}

bool MacroExpander::expand(Expr& e, uint64_t visible_before, ExpandError& err, size_t& budget) {
  if (e.kind == Expr::Kind::MacroRef) {
    auto it = macros_.find(e.identifier);
    if (it == macros_.end() || it->second.first_seq >= visible_before) {
      err.message = "Undefined macro '" + e.identifier + "' used in filter.";
      err.offset = e.pos.offset;
      return false;
    }
    it->second.used = true;
    const Expr* body = expand_macro(e.identifier, err);
    if (!body) {
      if (err.offset == 0) err.offset = e.pos.offset;
      return false;
    }
    size_t n = sizes_[e.identifier];
    if (n > budget) {
      err.message = "condition too large after macro expansion (more than " + std::to_string(kMaxExpandedNodes) +
                    " nodes)";
      err.offset = e.pos.offset;
      return false;
    }
    budget -= n;
    e = *body;
    return true;
  }
  for (auto& c : e.children)
    if (!expand(c, visible_before, err, budget)) return false;
  return true;
}

}  // namespace vigil::engine::condition
