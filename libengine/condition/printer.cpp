// Canonical printing of condition trees, rules-language.md §B.9 (golden tests compare this text).
#include "condition/ast.h"

namespace vigil::engine::condition {
namespace {

bool needs_quotes(const std::string& v) {
  if (v.empty()) return true;
  for (unsigned char c : v) {
    if (c == ' ' || c == '=' || c == '"' || c == '\'' || c == '\\' || c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

const char* modifier_name(Modifier m) {
  switch (m) {
    case Modifier::OneOf: return "oneof";
    case Modifier::AnyOf: return "anyof";
    case Modifier::AllOf: return "allof";
    case Modifier::None: break;
  }
  return "";
}

}  // namespace

std::string quote_value(const std::string& v) {
  if (!needs_quotes(v)) return v;
  std::string out = "\"";
  for (char c : v) {
    switch (c) {
      case '\\': out += "\\\\"; break;
      case '"': out += "\\\""; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: out += c;
    }
  }
  out += '"';
  return out;
}

std::string to_string(const Operand& o) {
  switch (o.kind) {
    case Operand::Kind::Field: {
      std::string s = o.name;
      if (o.arg) s += "[" + (o.arg->empty() ? std::string("\"\"") : *o.arg) + "]";
      return s;
    }
    case Operand::Kind::Transformer: {
      std::string s = o.name + "(";
      for (size_t i = 0; i < o.args.size(); ++i) {
        if (i) s += ',';
        s += to_string(o.args[i]);
      }
      s += ')';
      if (o.arg) s += "[" + *o.arg + "]";
      return s;
    }
    case Operand::Kind::Value:
      return "val(" + (o.args.empty() ? std::string() : to_string(o.args[0])) + ")";
    case Operand::Kind::Literal:
      return quote_value(o.name);
    case Operand::Kind::List:
    case Operand::Kind::ArgList: {
      std::string s = "(";
      for (size_t i = 0; i < o.args.size(); ++i) {
        if (i) s += o.kind == Operand::Kind::List ? ", " : ",";
        s += to_string(o.args[i]);
      }
      return s + ")";
    }
  }
  return {};
}

std::string to_string(const Expr& e) {
  switch (e.kind) {
    case Expr::Kind::And:
    case Expr::Kind::Or: {
      std::string s = "(";
      for (size_t i = 0; i < e.children.size(); ++i) {
        if (i) s += e.kind == Expr::Kind::And ? " and " : " or ";
        s += to_string(e.children[i]);
      }
      return s + ")";
    }
    case Expr::Kind::Not:
      return "not " + to_string(e.children.at(0));
    case Expr::Kind::MacroRef:
      return e.identifier;
    case Expr::Kind::Check: {
      std::string s = to_string(e.lhs) + " " + e.op;
      if (e.modifier != Modifier::None) s += std::string(" ") + modifier_name(e.modifier);
      if (e.rhs) s += " " + to_string(*e.rhs);
      return s;
    }
  }
  return {};
}

}  // namespace vigil::engine::condition
