// The condition AST (rules-language.md §B.2). Nodes are plain copyable values: macro inlining
// inserts copies of a macro's tree (§B.8), so nothing is shared between trees.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vigil::engine::condition {

// Byte offset into the condition text the node was parsed from.
struct SourcePos {
  uint32_t offset = 0;
};

// A value-producing expression: a field, a transformer call, or a literal.
struct Operand {
  enum class Kind : uint8_t {
    Field,        // proc.name, proc.aname[2]
    Transformer,  // tolower(proc.name)
    Value,        // val(proc.name): a field on the right-hand side
    Literal,      // a quoted or bare string, or a number
    List,         // (a, b, c): literal list on the right-hand side
    ArgList,      // (proc.name, "x") inside a transformer's arguments
  };
  Kind kind = Kind::Literal;
  std::string name;                 // field or transformer name; literal text (unescaped)
  std::optional<std::string> arg;   // [argument] of a field (or of getopt)
  bool quoted = false;              // literal was written in quotes
  std::vector<Operand> args;        // transformer arguments, list elements, val() field
  SourcePos pos;
};

enum class Modifier : uint8_t { None, OneOf, AnyOf, AllOf };

struct Expr {
  enum class Kind : uint8_t { And, Or, Not, Check, MacroRef };
  Kind kind = Kind::Check;
  SourcePos pos;
  std::vector<Expr> children;  // And/Or: 2+ operands; Not: exactly one
  // Check:
  Operand lhs;
  std::string op;              // "=", "exists", "in", ...
  Modifier modifier = Modifier::None;
  std::optional<Operand> rhs;  // absent for exists
  // MacroRef:
  std::string identifier;
};

// Canonical text of a tree (§B.9).
std::string to_string(const Expr& e);
std::string to_string(const Operand& o);
// A value as the canonical printer shows it: bare or double-quoted with escapes.
std::string quote_value(const std::string& v);

}  // namespace vigil::engine::condition
