// Lexer: the token level of the condition grammar (rules-language.md §B.2 tokens, §B.6 quoting)
// over one condition text, with the parser's error state. The parser layers derive from it.
#pragma once

#include <cctype>
#include <optional>
#include <string>
#include <string_view>

#include "condition/parser.h"

namespace vigil::engine::condition {

inline bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\b'; }
inline bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
inline bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
inline bool is_ident_char(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }

class Lexer {
 public:
  Lexer(std::string_view text, ParseError& err) : s_(text), err_(err) {}

 protected:
  // Records the first error (later ones are consequences) and returns false.
  bool fail(std::string msg);
  char peek(size_t k = 0) const { return pos_ + k < s_.size() ? s_[pos_ + k] : '\0'; }
  // Skips blanks; true when there were any.
  bool skip_ws();
  bool starts_with(std::string_view w) const { return s_.substr(pos_, w.size()) == w; }

  // Each reader consumes its token and returns true, or leaves the position alone and returns
  // false (quoted() also records an error for a malformed string).
  bool read_fieldname(std::string& name);
  bool read_identifier(std::string& name);
  bool quoted(std::string& out);
  bool barestr(std::string& out);
  bool number(std::string& out);
  static bool barestr_char(char c);
  // The transformer whose name and '(' come next, if any.
  std::optional<std::string_view> transformer_ahead() const;

  // `item {[ws] "," [ws] item} [ws] ")"`: the rest of a parenthesized list after its first
  // item starts; consumes the ')'.
  template <typename Item>
  bool comma_list(Item&& item) {
    for (;;) {
      if (!item()) return false;
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        skip_ws();
        continue;
      }
      if (peek() == ')') {
        ++pos_;
        return true;
      }
      return fail("expected a ')' token");
    }
  }

  std::string_view s_;
  ParseError& err_;
  size_t pos_ = 0;
  bool failed_ = false;
  std::string last_token_;  // for "unexpected token after 'X'"
};

}  // namespace vigil::engine::condition
