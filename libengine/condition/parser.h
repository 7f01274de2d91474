// ConditionParser: condition text -> AST (rules-language.md §B.2, §B.6).
#pragma once

#include <string>
#include <string_view>

#include "condition/ast.h"

namespace vigil::engine::condition {

struct ParseError {
  std::string message;
  uint32_t offset = 0;  // byte offset in the text where the problem was found
};

// Nesting limit for parentheses and `not` (Falco uses 1000 for rules and macros).
inline constexpr int kMaxNestingDepth = 1000;

// Parses `text`. On failure returns false and fills `error`.
bool parse_condition(std::string_view text, Expr& out, ParseError& error);

// Parses a standalone field or transformer expression (an exception's `fields` entry).
bool parse_operand(std::string_view text, Operand& out, ParseError& error);

// Unescapes the inside of a quoted string (§B.6). Returns false on an unsupported escape.
bool unescape(std::string_view body, char quote, std::string& out);

}  // namespace vigil::engine::condition
