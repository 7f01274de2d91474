// Recursive-descent parser for the boolean structure and the checks of the condition grammar
// (rules-language.md §B.2); operands and tokens come from OperandParser and Lexer. Each method
// consumes input at pos_ and either succeeds or records the first error and unwinds.
#include "condition/parser.h"

#include <utility>

#include "condition/operand_parser.h"

namespace vigil::engine::condition {
namespace {

class Parser : public OperandParser {
 public:
  using OperandParser::OperandParser;

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
    while (starts_with("not") && is_ws(peek(3))) {
      pos_ += 3;
      skip_ws();
      ++nots;
      if (depth + nots > kMaxNestingDepth) return fail("exceeded max depth limit of " + std::to_string(kMaxNestingDepth));
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

  // The operator and right-hand side after a check's left operand.
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
      return numeric_rhs(out);
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
    if (is_str_op) return string_rhs(out);
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

  // After <, <=, >, >=: a number (ending at a token boundary), val() or a transformer.
  bool numeric_rhs(Expr& out) {
    Operand rhs;
    bool matched;
    if (!val_or_transformer(rhs, matched)) return false;
    if (!matched) {
      rhs.kind = Operand::Kind::Literal;
      rhs.pos.offset = static_cast<uint32_t>(pos_);
      if (!number(rhs.name)) return fail("expected a number after '" + out.op + "'");
      if (pos_ < s_.size() && barestr_char(s_[pos_])) return fail("expected a number after '" + out.op + "'");
      last_token_ = rhs.name;
    }
    out.rhs = std::move(rhs);
    return true;
  }

  // After a string operator: a modifier with its list, val(), a transformer, or one value.
  bool string_rhs(Expr& out) {
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
};

}  // namespace

bool parse_condition(std::string_view text, Expr& out, ParseError& error) {
  Parser p(text, error);
  return p.condition(out);
}

bool parse_operand(std::string_view text, Operand& out, ParseError& error) {
  Parser p(text, error);
  return p.operand_only(out);
}

}  // namespace vigil::engine::condition
