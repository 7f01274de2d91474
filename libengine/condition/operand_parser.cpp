#include "condition/operand_parser.h"

namespace vigil::engine::condition {

bool OperandParser::bracket_argument(std::optional<std::string>& arg, bool field) {
  ++pos_;  // '['
  std::string text;
  if (peek() == '"' || peek() == '\'') {
    if (!quoted(text)) return false;
  } else {
    size_t p = pos_;
    while (p < s_.size() && s_[p] != ']' && !is_ws(s_[p]) &&
           !(field && (s_[p] == '[' || s_[p] == '"' || s_[p] == '\'')))
      ++p;
    if (field && p == pos_) return fail("expected a valid field argument");
    text.assign(s_.substr(pos_, p - pos_));
    pos_ = p;
  }
  if (peek() != ']') return fail("expected a ']' token");
  ++pos_;
  arg = std::move(text);
  return true;
}

[[gnu::noinline]] bool OperandParser::field_ref(Operand& out) {
  size_t start = pos_;
  std::string name;
  if (!read_fieldname(name)) return false;
  out = Operand{};
  out.kind = Operand::Kind::Field;
  out.name = std::move(name);
  out.pos.offset = static_cast<uint32_t>(start);
  if (peek() == '[' && !bracket_argument(out.arg, true)) return false;
  last_token_ = to_string(out);
  return true;
}

[[gnu::noinline]] bool OperandParser::transformer(Operand& out, int depth) {
  if (depth > kMaxNestingDepth) return fail("exceeded max depth limit of " + std::to_string(kMaxNestingDepth));
  auto t = transformer_ahead();
  if (!t) return false;
  out = Operand{};
  out.kind = Operand::Kind::Transformer;
  out.name = std::string(*t);
  out.pos.offset = static_cast<uint32_t>(pos_);
  pos_ += t->size() + 1;
  skip_ws();
  const bool args = comma_list([&] {
    Operand arg;
    if (!transformer_arg(arg, depth + 1)) return false;
    out.args.push_back(std::move(arg));
    return true;
  });
  if (!args) return false;
  if (peek() == '[' && !bracket_argument(out.arg, false)) return false;
  last_token_ = ")";
  return true;
}

bool OperandParser::transformer_arg(Operand& out, int depth) {
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
    return comma_list([&] {
      Operand item;
      if (!arg_list_item(item, depth)) return false;
      out.args.push_back(std::move(item));
      return true;
    });
  }
  out.kind = Operand::Kind::Literal;
  if (number(out.name)) return true;
  return fail("expected a field, transformer, string, number or list as transformer argument");
}

bool OperandParser::arg_list_item(Operand& item, int depth) {
  if (transformer_ahead()) return transformer(item, depth + 1);
  if (field_ref(item)) return true;
  if (failed_) return false;
  item.pos.offset = static_cast<uint32_t>(pos_);
  item.kind = Operand::Kind::Literal;
  if (peek() == '"' || peek() == '\'') {
    item.quoted = true;
    return quoted(item.name);
  }
  if (number(item.name)) return true;
  return fail("expected a field, transformer, string or number in transformer list");
}

bool OperandParser::lhs_operand(Operand& out) {
  if (transformer_ahead()) return transformer(out, 0);
  if (field_ref(out)) return true;
  if (!failed_) fail("expected a field or a transformer");
  return false;
}

[[gnu::noinline]] bool OperandParser::val_or_transformer(Operand& out, bool& matched) {
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

[[gnu::noinline]] bool OperandParser::literal_list(Operand& out) {
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
  const bool items = comma_list([&] {
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
    return true;
  });
  if (!items) return false;
  last_token_ = ")";
  return true;
}

}  // namespace vigil::engine::condition
