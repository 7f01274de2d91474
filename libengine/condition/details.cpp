#include "condition/details.h"

namespace vigil::engine::condition {
namespace {

struct Collector {
  ConditionDetails& d;
  const std::function<bool(const std::string&)>& is_macro;
  const std::function<bool(const std::string&)>& is_list;

  void operand(const Operand& o) {
    switch (o.kind) {
      case Operand::Kind::Field: d.fields.insert(o.name); break;
      case Operand::Kind::Transformer: d.transformers.insert(o.name); break;
      case Operand::Kind::Literal:
        if (is_list(o.name)) d.lists.insert(o.name);
        break;
      default: break;
    }
    for (auto& a : o.args) operand(a);
  }
  void expr(const Expr& e) {
    if (e.kind == Expr::Kind::MacroRef) {
      if (is_macro(e.identifier)) d.macros.insert(e.identifier);
      return;
    }
    if (e.kind == Expr::Kind::Check) {
      d.operators.insert(e.op);
      operand(e.lhs);
      if (e.rhs) operand(*e.rhs);
    }
    for (auto& c : e.children) expr(c);
  }
};

}  // namespace

ConditionDetails collect_details(const Expr& e, const std::function<bool(const std::string&)>& is_macro,
                                 const std::function<bool(const std::string&)>& is_list) {
  ConditionDetails d;
  Collector c{d, is_macro, is_list};
  c.expr(e);
  return d;
}

}  // namespace vigil::engine::condition
