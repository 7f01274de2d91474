// Which literals a condition compares each field with.
#include "condition/compared_literals.h"

#include <string>
#include <string_view>
#include <unordered_set>

namespace vigil::engine::condition {
namespace {

LiteralComparison comparison_of(std::string_view op) {
  if (op == "=" || op == "==" || op == "!=" || op == "in" || op == "intersects") return LiteralComparison::Equality;
  if (op == "startswith" || op == "pmatch") return LiteralComparison::Prefix;
  return LiteralComparison::Other;
}

// Lists can hold thousands of items: duplicates are found by hashing, not by scanning `out`.
struct Collector {
  std::vector<ComparedLiteral>& out;
  std::unordered_set<std::string> seen;

  static std::string key(const std::string& field, LiteralComparison how, const std::string& value) {
    std::string k = field;
    k += static_cast<char>('0' + static_cast<int>(how));
    k += value;
    return k;
  }
  void add(const std::string& field, LiteralComparison how, const std::string& value) {
    if (seen.insert(key(field, how, value)).second) out.push_back({field, how, value});
  }
};

}  // namespace

void collect_compared_literals(const Expr& root, std::vector<ComparedLiteral>& out) {
  Collector c{out, {}};
  for (const ComparedLiteral& l : out) c.seen.insert(Collector::key(l.field, l.how, l.value));
  std::vector<const Expr*> stack{&root};
  // Children are pushed in reverse so that literals come out in condition order.
  while (!stack.empty()) {
    const Expr* e = stack.back();
    stack.pop_back();
    for (auto it = e->children.rbegin(); it != e->children.rend(); ++it) stack.push_back(&*it);
    if (e->kind != Expr::Kind::Check || !e->rhs || e->lhs.kind != Operand::Kind::Field) continue;
    const LiteralComparison how = comparison_of(e->op);
    const Operand& rhs = *e->rhs;
    if (rhs.kind == Operand::Kind::Literal) {
      c.add(e->lhs.name, how, rhs.name);
    } else if (rhs.kind == Operand::Kind::List) {
      for (const Operand& item : rhs.args)
        if (item.kind == Operand::Kind::Literal) c.add(e->lhs.name, how, item.name);
    }
  }
}

}  // namespace vigil::engine::condition
