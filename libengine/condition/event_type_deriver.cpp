// §C.1: and = intersection, or = union, `not` pushed to the leaves (De Morgan); evt.type and the
// evt.num invariants are the only leaves that restrict; everything else is neutral ("all").
#include "condition/event_type_deriver.h"

#include <charconv>

namespace vigil::engine::condition {
namespace {

enum class LeafKind { Neutral, Set };

bool is_evt_type_field(const Operand& o) {
  return o.kind == Operand::Kind::Field && !o.arg && (o.name == "evt.type" || o.name == "syscall.type");
}

bool literal_u64(const Operand& o, uint64_t& v) {
  if (o.kind != Operand::Kind::Literal) return false;
  std::string_view s = o.name;
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size();
}

// Leaf set and whether it is complemented under negation.
LeafKind leaf(const Expr& e, const EventTypeNames& names, eval::EventCodeSet& set) {
  const auto& all = names.all();
  if (e.modifier != Modifier::None) return LeafKind::Neutral;
  if (is_evt_type_field(e.lhs)) {
    if (e.op == "exists") {
      set = all;
      return LeafKind::Set;
    }
    if (!e.rhs) return LeafKind::Neutral;
    bool eq = e.op == "=" || e.op == "==" || e.op == "in";
    bool ne = e.op == "!=";
    if (!eq && !ne) return LeafKind::Neutral;
    if (e.rhs->kind != Operand::Kind::Literal && e.rhs->kind != Operand::Kind::List) return LeafKind::Neutral;
    eval::EventCodeSet s;
    auto add = [&](const std::string& n) {
      if (auto* c = names.find(n)) s |= *c;
    };
    if (e.rhs->kind == Operand::Kind::Literal) add(e.rhs->name);
    else
      for (auto& it : e.rhs->args) add(it.name);
    if (e.op == "in" && e.rhs->kind == Operand::Kind::Literal) return LeafKind::Neutral;
    set = ne ? (all & ~s) : s;
    return LeafKind::Set;
  }
  if (e.lhs.kind == Operand::Kind::Field && !e.lhs.arg && e.lhs.name == "evt.num" && e.rhs) {
    // Event numbers start at 1.
    uint64_t v = 0;
    if (e.op == "in" && e.rhs->kind == Operand::Kind::List) {
      bool all_zero = true;
      for (auto& it : e.rhs->args) {
        uint64_t x;
        if (!literal_u64(it, x) || x != 0) all_zero = false;
      }
      if (all_zero) {
        set.reset();
        return LeafKind::Set;
      }
      return LeafKind::Neutral;
    }
    if (!literal_u64(*e.rhs, v)) return LeafKind::Neutral;
    const std::string& op = e.op;
    if (((op == "=" || op == "==") && v == 0) || (op == "<" && v <= 1) || (op == "<=" && v == 0)) {
      set.reset();
      return LeafKind::Set;
    }
    if ((op == "!=" && v == 0) || (op == ">" && v == 0) || (op == ">=" && v <= 1)) {
      set = all;
      return LeafKind::Set;
    }
  }
  return LeafKind::Neutral;
}

eval::EventCodeSet derive(const Expr& e, const EventTypeNames& names, bool negated) {
  const auto& all = names.all();
  switch (e.kind) {
    case Expr::Kind::Not:
      return derive(e.children[0], names, !negated);
    case Expr::Kind::And:
    case Expr::Kind::Or: {
      bool intersect = (e.kind == Expr::Kind::And) != negated;
      eval::EventCodeSet acc = intersect ? all : eval::EventCodeSet();
      for (auto& c : e.children) {
        auto s = derive(c, names, negated);
        if (intersect) acc &= s;
        else acc |= s;
      }
      return acc;
    }
    case Expr::Kind::Check: {
      eval::EventCodeSet s;
      if (leaf(e, names, s) == LeafKind::Neutral) return all;
      return negated ? (all & ~s) : s;
    }
    case Expr::Kind::MacroRef:
      return all;
  }
  return all;
}

}  // namespace

eval::EventCodeSet derive_event_types(const Expr& e, const EventTypeNames& names) {
  return derive(e, names, false);
}

}  // namespace vigil::engine::condition
