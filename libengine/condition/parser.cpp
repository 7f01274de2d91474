// Recursive-descent parser for the condition grammar (rules-language.md §B.2). Each method
// consumes input at pos_ and either succeeds or records the first error and unwinds.
#include "condition/parser.h"

#include <cctype>
#include <utility>

namespace vigil::engine::condition {
namespace {

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\b'; }
bool is_alpha(char c) { return std::isalpha(static_cast<unsigned char>(c)) != 0; }
bool is_digit(char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }
bool is_ident_char(char c) { return is_alpha(c) || is_digit(c) || c == '_'; }

constexpr std::string_view kTransformers[] = {
    "tolower", "toupper", "b64", "basename", "len", "join", "concat", "getopt"};

class Parser {
 public:
  Parser(std::string_view text, ParseError& err) : s_(text), err_(err) {}

  bool condition(Expr& out) {
    skip_ws();
    if (pos_ >= s_.size()) return fail("filter input string is empty");
    if (!or_expr(out, 0)) return false;
    skip_ws();
    if (pos_ < s_.size()) return fail("unexpected token after '" + last_token_ + "', expecting 'or', 'and'");
    return true;
  }

  bool operand_only(Operand& out) {
    skip_ws();
    if (!lhs_operand(out)) return false;
    skip_ws();
    if (pos_ < s_.size()) return fail("unexpected text after field expression");
    return true;
  }

 private:
  bool fail(std::string msg) {
    if (!failed_) {
      failed_ = true;
      err_.message = std::move(msg);
      err_.offset = static_cast<uint32_t>(pos_);
    }
    return false;
  }
  char peek(size_t k = 0) const { return pos_ + k < s_.size() ? s_[pos_ + k] : '\0'; }
  bool skip_ws() {
    size_t start = pos_;
    while (pos_ < s_.size() && is_ws(s_[pos_])) ++pos_;
    return pos_ > start;
  }
  bool starts_with(std::string_view w) const { return s_.substr(pos_, w.size()) == w; }

  // A keyword followed by blank or '(' (and/or/not).
  bool keyword_ahead(std::string_view kw) const {
    if (!starts_with(kw)) return false;
    char c = pos_ + kw.size() < s_.size() ? s_[pos_ + kw.size()] : '\0';
    return !is_ident_char(c) && c != '.';
  }

  // The recursive descent keeps big nodes out of its stack frames (they live in the vectors of
  // the tree being built), so 1000 nesting levels fit comfortably even in sanitizer builds.
  bool or_expr(Expr& out, int depth) {
    if (depth > kMaxNestingDepth) return fail("exceeded max depth limit of " + std::to_string(kMaxNestingDepth));
    return chain(out, depth, "or", Expr::Kind::Or, &Parser::and_expr);
  }

  bool and_expr(Expr& out, int depth) { return chain(out, depth, "and", Expr::Kind::And, &Parser::not_expr); }

  // operand (KEYWORD operand)*: the shared shape of `or` and `and` chains.
  bool chain(Expr& out, int depth, std::string_view keyword, Expr::Kind kind, bool (Parser::*operand)(Expr&, int)) {
    size_t start = pos_;
    std::vector<Expr> items(1);
    if (!(this->*operand)(items[0], depth)) return false;
    for (;;) {
      bool found = false;
      if (!chain_keyword(keyword, found)) return false;
      if (!found) break;
      items.emplace_back();
      if (!(this->*operand)(items.back(), depth)) return false;
    }
    finish_chain(out, items, kind, start);
    return true;
  }

  // Consumes `keyword` when it is the next token. The keyword must be followed by blank or '(';
  // followed by an identifier character it is part of a longer word and is left alone.
  bool chain_keyword(std::string_view keyword, bool& found) {
    found = false;
    size_t save = pos_;
    skip_ws();
    if (!starts_with(keyword)) {
      pos_ = save;
      return true;
    }
    char c = peek(keyword.size());
    if (!is_ws(c) && c != '(') {
      if (is_ident_char(c) || c == '.') {
        pos_ = save;
        return true;
      }
      pos_ += keyword.size();
      return fail("expected blank or '(' after '" + std::string(keyword) + "'");
    }
    pos_ += keyword.size();
    last_token_ = keyword;
    found = true;
    return true;
  }

  [[gnu::noinline]] static void finish_chain(Expr& out, std::vector<Expr>& items, Expr::Kind kind, size_t start) {
    if (items.size() == 1) {
      out = std::move(items[0]);
      return;
    }
    out.kind = kind;
    out.pos.offset = static_cast<uint32_t>(start);
    out.children = std::move(items);
  }

  // Each `not` toggles; they are kept as nodes so the tree prints as written.
  [[gnu::noinline]] static void wrap_not(Expr& out, size_t start) {
    Expr n;
    n.kind = Expr::Kind::Not;
    n.pos.offset = static_cast<uint32_t>(start);
    n.children.push_back(std::move(out));
    out = std::move(n);
  }

  bool not_expr(Expr& out, int depth) {
    skip_ws();
    size_t start = pos_;
    int nots = 0;
    for (;;) {
      if (starts_with("not") && is_ws(peek(3))) {
        pos_ += 3;
        skip_ws();
        ++nots;
        if (depth + nots > kMaxNestingDepth)
          return fail("exceeded max depth limit of " + std::to_string(kMaxNestingDepth));
        continue;
      }
      break;
    }
    if (starts_with("not(")) {
      pos_ += 4;
      last_token_ = "not(";
      out.kind = Expr::Kind::Not;
      out.pos.offset = static_cast<uint32_t>(pos_);
      out.children.emplace_back();
      if (!group_rest(out.children[0], depth + nots + 1)) return false;
    } else {
      if (!primary(out, depth + nots)) return false;
    }
    for (int i = 0; i < nots; ++i) wrap_not(out, start);
    return true;
  }

  // After an opening '(' has been consumed.
  bool group_rest(Expr& out, int depth) {
    if (depth > kMaxNestingDepth) return fail("exceeded max depth limit of " + std::to_string(kMaxNestingDepth));
    skip_ws();
    if (!or_expr(out, depth)) return false;
    skip_ws();
    if (peek() != ')') return fail("expected a ')' token");
    ++pos_;
    last_token_ = ")";
    return true;
  }

  bool read_fieldname(std::string& name) {
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

  bool read_identifier(std::string& name) {
    size_t p = pos_;
    if (p >= s_.size() || !is_alpha(s_[p])) return false;
    while (p < s_.size() && is_alpha(s_[p])) ++p;
    while (p < s_.size() && is_ident_char(s_[p])) ++p;
    name.assign(s_.substr(pos_, p - pos_));
    pos_ = p;
    return true;
  }

  std::optional<std::string_view> transformer_ahead() const {
    for (std::string_view t : kTransformers) {
      if (starts_with(t) && pos_ + t.size() < s_.size() && s_[pos_ + t.size()] == '(') return t;
    }
    return std::nullopt;
  }

  bool quoted(std::string& out) {
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

  static bool barestr_char(char c) {
    return !(c == '(' || c == ')' || c == '"' || c == '\'' || c == '=' || c == ',' || is_ws(c) || c == '\0');
  }

  bool barestr(std::string& out) {
    size_t p = pos_;
    while (p < s_.size() && barestr_char(s_[p])) ++p;
    if (p == pos_) return false;
    out.assign(s_.substr(pos_, p - pos_));
    pos_ = p;
    return true;
  }

  bool number(std::string& out) {
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

  [[gnu::noinline]] bool field_ref(Operand& out) {
    size_t start = pos_;
    std::string name;
    if (!read_fieldname(name)) return false;
    out = Operand{};
    out.kind = Operand::Kind::Field;
    out.name = std::move(name);
    out.pos.offset = static_cast<uint32_t>(start);
    if (peek() == '[') {
      ++pos_;
      std::string arg;
      if (peek() == '"' || peek() == '\'') {
        if (!quoted(arg)) return false;
      } else {
        size_t p = pos_;
        while (p < s_.size() && s_[p] != '[' && s_[p] != ']' && s_[p] != '"' && s_[p] != '\'' && !is_ws(s_[p])) ++p;
        if (p == pos_) return fail("expected a valid field argument");
        arg.assign(s_.substr(pos_, p - pos_));
        pos_ = p;
      }
      if (peek() != ']') return fail("expected a ']' token");
      ++pos_;
      out.arg = std::move(arg);
    }
    last_token_ = to_string(out);
    return true;
  }

  [[gnu::noinline]] bool transformer(Operand& out, int depth) {
    if (depth > kMaxNestingDepth) return fail("exceeded max depth limit of " + std::to_string(kMaxNestingDepth));
    auto t = transformer_ahead();
    if (!t) return false;
    out = Operand{};
    out.kind = Operand::Kind::Transformer;
    out.name = std::string(*t);
    out.pos.offset = static_cast<uint32_t>(pos_);
    pos_ += t->size() + 1;
    skip_ws();
    for (;;) {
      Operand arg;
      if (!transformer_arg(arg, depth + 1)) return false;
      out.args.push_back(std::move(arg));
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        skip_ws();
        continue;
      }
      if (peek() == ')') {
        ++pos_;
        break;
      }
      return fail("expected a ')' token");
    }
    if (peek() == '[') {
      ++pos_;
      std::string arg;
      if (peek() == '"' || peek() == '\'') {
        if (!quoted(arg)) return false;
      } else {
        size_t p = pos_;
        while (p < s_.size() && s_[p] != ']' && !is_ws(s_[p])) ++p;
        arg.assign(s_.substr(pos_, p - pos_));
        pos_ = p;
      }
      if (peek() != ']') return fail("expected a ']' token");
      ++pos_;
      out.arg = std::move(arg);
    }
    last_token_ = ")";
    return true;
  }

  bool transformer_arg(Operand& out, int depth) {
    if (failed_) return false;
    if (transformer_ahead()) return transformer(out, depth);
    if (field_ref(out)) return true;
    if (failed_) return false;
    out = Operand{};
    out.pos.offset = static_cast<uint32_t>(pos_);
    if (peek() == '"' || peek() == '\'') {
      out.kind = Operand::Kind::Literal;
      out.quoted = true;
      return quoted(out.name);
    }
    if (peek() == '(') {
      ++pos_;
      out.kind = Operand::Kind::ArgList;
      skip_ws();
      if (peek() == ')') {
        ++pos_;
        return true;
      }
      for (;;) {
        Operand item;
        if (transformer_ahead()) {
          if (!transformer(item, depth + 1)) return false;
        } else if (field_ref(item)) {
        } else if (failed_) {
          return false;
        } else if (peek() == '"' || peek() == '\'') {
          item.kind = Operand::Kind::Literal;
          item.quoted = true;
          if (!quoted(item.name)) return false;
        } else if (number(item.name)) {
          item.kind = Operand::Kind::Literal;
        } else {
          return fail("expected a field, transformer, string or number in transformer list");
        }
        out.args.push_back(std::move(item));
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
    out.kind = Operand::Kind::Literal;
    if (number(out.name)) return true;
    return fail("expected a field, transformer, string, number or list as transformer argument");
  }

  bool lhs_operand(Operand& out) {
    if (transformer_ahead()) return transformer(out, 0);
    if (field_ref(out)) return true;
    if (!failed_) fail("expected a field or a transformer");
    return false;
  }

  // val(field) or transformer on the right-hand side.
  [[gnu::noinline]] bool val_or_transformer(Operand& out, bool& matched) {
    matched = false;
    if (starts_with("val(")) {
      matched = true;
      out = Operand{};
      out.kind = Operand::Kind::Value;
      out.pos.offset = static_cast<uint32_t>(pos_);
      pos_ += 4;
      skip_ws();
      Operand f;
      if (!field_ref(f)) return failed_ ? false : fail("expected a field inside val()");
      skip_ws();
      if (peek() != ')') return fail("expected a ')' token");
      ++pos_;
      out.args.push_back(std::move(f));
      last_token_ = ")";
      return true;
    }
    if (transformer_ahead()) {
      matched = true;
      return transformer(out, 0);
    }
    return true;
  }

  [[gnu::noinline]] bool literal_list(Operand& out) {
    out = Operand{};
    out.kind = Operand::Kind::List;
    out.pos.offset = static_cast<uint32_t>(pos_);
    ++pos_;  // '('
    skip_ws();
    if (peek() == ')') {
      ++pos_;
      last_token_ = ")";
      return true;
    }
    for (;;) {
      Operand item;
      item.kind = Operand::Kind::Literal;
      item.pos.offset = static_cast<uint32_t>(pos_);
      if (peek() == '"' || peek() == '\'') {
        item.quoted = true;
        if (!quoted(item.name)) return false;
      } else if (!barestr(item.name)) {
        return fail("expected a list element");
      }
      out.args.push_back(std::move(item));
      skip_ws();
      if (peek() == ',') {
        ++pos_;
        skip_ws();
        continue;
      }
      if (peek() == ')') {
        ++pos_;
        last_token_ = ")";
        return true;
      }
      return fail("expected a ')' token");
    }
  }

  // Is a modifier (oneof/anyof/allof + blank + '(' or an identifier other than and/or/not) next?
  Modifier modifier_ahead(size_t& after) const {
    static constexpr std::pair<std::string_view, Modifier> kMods[] = {
        {"oneof", Modifier::OneOf}, {"anyof", Modifier::AnyOf}, {"allof", Modifier::AllOf}};
    for (auto [w, m] : kMods) {
      if (!starts_with(w)) continue;
      size_t p = pos_ + w.size();
      if (p >= s_.size() || !is_ws(s_[p])) continue;
      while (p < s_.size() && is_ws(s_[p])) ++p;
      if (p < s_.size() && s_[p] == '(') {
        after = p;
        return m;
      }
      if (p < s_.size() && is_alpha(s_[p])) {
        size_t q = p;
        while (q < s_.size() && is_ident_char(s_[q])) ++q;
        std::string_view id = s_.substr(p, q - p);
        if (id != "and" && id != "or" && id != "not") {
          after = p;
          return m;
        }
      }
    }
    return Modifier::None;
  }

  [[gnu::noinline]] bool check(Expr& out) {
    static constexpr std::string_view kNumOps[] = {"<=", "<", ">=", ">"};
    static constexpr std::string_view kSymOps[] = {"==", "=", "!="};
    static constexpr std::string_view kWordOps[] = {"glob", "iglob", "contains", "icontains", "bcontains",
                                                    "startswith", "bstartswith", "endswith", "regex"};
    static constexpr std::string_view kListOps[] = {"intersects", "in", "pmatch"};
    skip_ws();
    size_t op_pos = pos_;
    if (starts_with("exists") && !is_ident_char(peek(6))) {
      pos_ += 6;
      out.op = "exists";
      last_token_ = "exists";
      return true;
    }
    for (auto op : kNumOps) {
      if (!starts_with(op)) continue;
      pos_ += op.size();
      out.op = std::string(op);
      skip_ws();
      Operand rhs;
      bool matched;
      if (!val_or_transformer(rhs, matched)) return false;
      if (!matched) {
        rhs.kind = Operand::Kind::Literal;
        rhs.pos.offset = static_cast<uint32_t>(pos_);
        if (!number(rhs.name)) return fail("expected a number after '" + out.op + "'");
        // A number must end at a token boundary.
        if (pos_ < s_.size() && barestr_char(s_[pos_])) return fail("expected a number after '" + out.op + "'");
        last_token_ = rhs.name;
      }
      out.rhs = std::move(rhs);
      return true;
    }
    bool is_str_op = false;
    for (auto op : kSymOps) {
      if (starts_with(op)) {
        pos_ += op.size();
        out.op = std::string(op);
        is_str_op = true;
        break;
      }
    }
    if (!is_str_op) {
      for (auto op : kWordOps) {
        if (starts_with(op) && is_ws(peek(op.size()))) {
          pos_ += op.size();
          out.op = std::string(op);
          is_str_op = true;
          break;
        }
      }
    }
    if (is_str_op) {
      bool blank = skip_ws();
      size_t after = 0;
      Modifier m = blank ? modifier_ahead(after) : Modifier::None;
      if (m != Modifier::None) {
        out.modifier = m;
        pos_ = after;
        return list_rhs(out, /*allow_value=*/false);
      }
      Operand rhs;
      bool matched;
      if (!val_or_transformer(rhs, matched)) return false;
      if (!matched) {
        rhs = Operand{};
        rhs.kind = Operand::Kind::Literal;
        rhs.pos.offset = static_cast<uint32_t>(pos_);
        if (peek() == '"' || peek() == '\'') {
          rhs.quoted = true;
          if (!quoted(rhs.name)) return false;
        } else if (!barestr(rhs.name)) {
          return fail("expected a value after '" + out.op + "'");
        }
        last_token_ = rhs.name;
      }
      out.rhs = std::move(rhs);
      return true;
    }
    for (auto op : kListOps) {
      if (!starts_with(op)) continue;
      char c = peek(op.size());
      if (is_ident_char(c)) continue;
      pos_ += op.size();
      out.op = std::string(op);
      skip_ws();
      return list_rhs(out, /*allow_value=*/true);
    }
    pos_ = op_pos;
    return fail(
        "expected a valid check operator: one of exists, <=, <, >=, >, ==, =, !=, glob, iglob, contains, "
        "icontains, bcontains, startswith, bstartswith, endswith, regex, intersects, in, pmatch");
  }

  [[gnu::noinline]] bool list_rhs(Expr& out, bool allow_value) {
    if (peek() == '(') {
      Operand l;
      if (!literal_list(l)) return false;
      out.rhs = std::move(l);
      return true;
    }
    if (allow_value) {
      Operand rhs;
      bool matched;
      if (!val_or_transformer(rhs, matched)) return false;
      if (matched) {
        out.rhs = std::move(rhs);
        return true;
      }
    }
    Operand id;
    id.kind = Operand::Kind::Literal;
    id.pos.offset = static_cast<uint32_t>(pos_);
    if (!read_identifier(id.name)) return fail("expected a list, a list name or a field");
    last_token_ = id.name;
    // A bare identifier is one literal value (normally an unsubstituted list name, §B.2).
    Operand l;
    l.kind = Operand::Kind::List;
    l.pos = id.pos;
    l.args.push_back(std::move(id));
    out.rhs = std::move(l);
    return true;
  }

  bool primary(Expr& out, int depth) {
    skip_ws();
    if (peek() == '(') {
      ++pos_;
      last_token_ = "(";
      return group_rest(out, depth + 1);
    }
    size_t start = pos_;
    out.pos.offset = static_cast<uint32_t>(start);
    if (transformer_ahead()) {
      out.kind = Expr::Kind::Check;
      if (!transformer(out.lhs, depth)) return false;
      return check(out);
    }
    if (field_ref(out.lhs)) {
      out.kind = Expr::Kind::Check;
      return check(out);
    }
    if (failed_) return false;
    std::string id;
    if (read_identifier(id)) {
      out.kind = Expr::Kind::MacroRef;
      out.identifier = id;
      last_token_ = id;
      return true;
    }
    return fail("expected a '(' token, a field check, or an identifier");
  }

  std::string_view s_;
  ParseError& err_;
  size_t pos_ = 0;
  bool failed_ = false;
  std::string last_token_;
};

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool unescape(std::string_view body, char quote, std::string& out) {
  out.clear();
  out.reserve(body.size());
  for (size_t i = 0; i < body.size(); ++i) {
    char c = body[i];
    if (c == '\0') return false;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (i + 1 >= body.size()) return false;
    char e = body[++i];
    switch (e) {
      case 'b': out += '\b'; break;
      case 'f': out += '\f'; break;
      case 'n': out += '\n'; break;
      case 'r': out += '\r'; break;
      case 't': out += '\t'; break;
      case '\\': out += '\\'; break;
      case '/': out += '/'; break;
      case ' ': out += '\\'; break;  // legacy: backslash-space is a lone backslash
      case 'x': {
        if (i + 2 >= body.size()) return false;
        int hi = hex_value(body[i + 1]), lo = hex_value(body[i + 2]);
        if (hi < 0 || lo < 0) return false;
        char v = static_cast<char>(hi * 16 + lo);
        if (v == '\0') return false;
        out += v;
        i += 2;
        break;
      }
      default:
        if (e == quote) {
          out += e;
          break;
        }
        return false;
    }
  }
  return true;
}

bool parse_condition(std::string_view text, Expr& out, ParseError& error) {
  Parser p(text, error);
  return p.condition(out);
}

bool parse_operand(std::string_view text, Operand& out, ParseError& error) {
  Parser p(text, error);
  return p.operand_only(out);
}

}  // namespace vigil::engine::condition
