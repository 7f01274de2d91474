#include "condition/lexer.h"

namespace vigil::engine::condition {
namespace {

constexpr std::string_view kTransformers[] = {
    "tolower", "toupper", "b64", "basename", "len", "join", "concat", "getopt"};

}  // namespace

bool Lexer::fail(std::string msg) {
  if (!failed_) {
    failed_ = true;
    err_.message = std::move(msg);
    err_.offset = static_cast<uint32_t>(pos_);
  }
  return false;
}

bool Lexer::skip_ws() {
  size_t start = pos_;
  while (pos_ < s_.size() && is_ws(s_[pos_])) ++pos_;
  return pos_ > start;
}

bool Lexer::read_fieldname(std::string& name) {
  size_t p = pos_;
  auto segment = [&](size_t& q) {
    if (q >= s_.size() || !is_alpha(s_[q])) return false;
    while (q < s_.size() && is_alpha(s_[q])) ++q;
    while (q < s_.size() && is_ident_char(s_[q])) ++q;
    return true;
  };
  if (!segment(p)) return false;
  int dots = 0;
  while (p + 1 < s_.size() && s_[p] == '.') {
    size_t q = p + 1;
    if (!segment(q)) break;
    p = q;
    ++dots;
  }
  if (dots == 0) return false;
  name.assign(s_.substr(pos_, p - pos_));
  pos_ = p;
  return true;
}

bool Lexer::read_identifier(std::string& name) {
  size_t p = pos_;
  if (p >= s_.size() || !is_alpha(s_[p])) return false;
  while (p < s_.size() && is_alpha(s_[p])) ++p;
  while (p < s_.size() && is_ident_char(s_[p])) ++p;
  name.assign(s_.substr(pos_, p - pos_));
  pos_ = p;
  return true;
}

std::optional<std::string_view> Lexer::transformer_ahead() const {
  for (std::string_view t : kTransformers) {
    if (starts_with(t) && pos_ + t.size() < s_.size() && s_[pos_ + t.size()] == '(') return t;
  }
  return std::nullopt;
}

bool Lexer::quoted(std::string& out) {
  char q = peek();
  size_t p = pos_ + 1;
  while (p < s_.size()) {
    if (s_[p] == q && s_[p - 1] != '\\') break;
    ++p;
  }
  if (p >= s_.size()) return fail("unterminated quoted string");
  std::string_view body = s_.substr(pos_ + 1, p - pos_ - 1);
  if (!unescape(body, q, out)) return fail("unsupported string escape sequence");
  pos_ = p + 1;
  return true;
}

bool Lexer::barestr_char(char c) {
  return !(c == '(' || c == ')' || c == '"' || c == '\'' || c == '=' || c == ',' || is_ws(c) || c == '\0');
}

bool Lexer::barestr(std::string& out) {
  size_t p = pos_;
  while (p < s_.size() && barestr_char(s_[p])) ++p;
  if (p == pos_) return false;
  out.assign(s_.substr(pos_, p - pos_));
  pos_ = p;
  return true;
}

bool Lexer::number(std::string& out) {
  size_t p = pos_;
  if (p + 1 < s_.size() && s_[p] == '0' && (s_[p + 1] == 'x' || s_[p + 1] == 'X') && p + 2 < s_.size() &&
      std::isxdigit(static_cast<unsigned char>(s_[p + 2]))) {
    p += 2;
    while (p < s_.size() && std::isxdigit(static_cast<unsigned char>(s_[p]))) ++p;
  } else {
    if (p < s_.size() && (s_[p] == '+' || s_[p] == '-')) ++p;
    if (p >= s_.size() || !is_digit(s_[p])) return false;
    while (p < s_.size() && is_digit(s_[p])) ++p;
    if (p < s_.size() && s_[p] == '.') ++p;
    while (p < s_.size() && is_digit(s_[p])) ++p;
    if (p + 2 < s_.size() && (s_[p] == 'e' || s_[p] == 'E') && (s_[p + 1] == '+' || s_[p + 1] == '-') &&
        is_digit(s_[p + 2])) {
      p += 2;
      while (p < s_.size() && is_digit(s_[p])) ++p;
    }
  }
  out.assign(s_.substr(pos_, p - pos_));
  pos_ = p;
  return true;
}

}  // namespace vigil::engine::condition
