#include "output/output_format.h"

#include <arpa/inet.h>

#include <cctype>
#include <functional>

#include "condition/parser.h"

namespace vigil::engine::output {
namespace {

using inspect::FieldType;

bool field_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string one_value(const inspect::FieldValue& v) {
  switch (v.type) {
    case FieldType::CharBuf: case FieldType::ByteBuf: case FieldType::ListCharBuf: case FieldType::Dyn:
      return std::string(v.str);
    case FieldType::Int16: case FieldType::Int32: case FieldType::Int64:
      return std::to_string(v.i64);
    case FieldType::Bool:
      return v.b ? "true" : "false";
    case FieldType::Double: {
      char buf[64];
      snprintf(buf, sizeof buf, "%f", v.f64);
      return buf;
    }
    case FieldType::IpAddr: case FieldType::IpNet: {
      char buf[INET6_ADDRSTRLEN + 8] = {};
      inet_ntop(v.ip.family == 4 ? AF_INET : AF_INET6, v.ip.addr.data(), buf, sizeof buf);
      std::string s = buf;
      if (v.type == FieldType::IpNet) s += "/" + std::to_string(v.ip.prefix_len);
      return s;
    }
    default:
      return std::to_string(v.u64);
  }
}

}  // namespace

std::string value_text(const inspect::FieldValues& values, bool is_list) {
  if (values.size() == 1 && !is_list) return one_value(values[0]);
  if (!is_list) {
    // Multi-valued scalar fields (ancestors) print space-separated.
    std::string s;
    for (size_t i = 0; i < values.size(); ++i) {
      if (i) s += ' ';
      s += one_value(values[i]);
    }
    return s;
  }
  std::string s = "(";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) s += ',';
    s += one_value(values[i]);
  }
  return s + ")";
}

bool OutputFormat::compile(const std::string& text, const inspect::FieldRegistry& fields, std::string& error,
                           bool& unknown, const TransformerCompiler& transformers) {
  tokens_.clear();
  unknown = false;
  std::string literal;
  size_t i = 0;
  while (i < text.size()) {
    char c = text[i];
    if (c != '%') {
      literal += c;
      ++i;
      continue;
    }
    if (i + 1 >= text.size()) {
      error = "invalid formatting syntax: formatting cannot end with a %";
      return false;
    }
    size_t p = i + 1;
    uint32_t width = 0;
    while (p < text.size() && std::isdigit(static_cast<unsigned char>(text[p]))) {
      width = std::min<uint32_t>(width * 10 + static_cast<uint32_t>(text[p] - '0'), 4096);
      ++p;
    }
    OutputToken tok;
    tok.width = width;
    // Transformer expression: name( ... ) with balanced parentheses.
    bool done = false;
    for (std::string_view t : {"tolower", "toupper", "b64", "basename", "len", "join", "concat"}) {
      if (text.compare(p, t.size(), t) == 0 && p + t.size() < text.size() && text[p + t.size()] == '(') {
        int depth = 0;
        size_t q = p;
        for (; q < text.size(); ++q) {
          if (text[q] == '(') ++depth;
          if (text[q] == ')' && --depth == 0) break;
        }
        if (q >= text.size()) break;
        std::string expr = text.substr(p, q + 1 - p);
        if (!transformers) break;
        std::string terr;
        auto src = transformers(expr, terr);
        if (!src) {
          error = "invalid formatting token " + expr + ": " + terr;
          return false;
        }
        tok.expr = expr;
        tok.transformed = true;
        tok.type = src->type;
        tok.source = std::move(src);
        p = q + 1;
        done = true;
        break;
      }
    }
    if (!done) {
      // Greedy field name: letters, digits, _, and '.' followed by a letter; then [arg].
      size_t q = p;
      while (q < text.size() && (field_char(text[q]) ||
                                 (text[q] == '.' && q + 1 < text.size() && std::isalpha(static_cast<unsigned char>(text[q + 1])))))
        ++q;
      std::optional<std::string> arg;
      size_t after = q;
      if (q < text.size() && text[q] == '[') {
        size_t close = text.find(']', q);
        if (close != std::string::npos) {
          arg = text.substr(q + 1, close - q - 1);
          after = close + 1;
        }
      }
      // Longest prefix that binds.
      size_t end = q;
      std::unique_ptr<inspect::BoundField> bound;
      std::string name;
      while (end > p) {
        name = text.substr(p, end - p);
        std::optional<std::string_view> av;
        if (end == q && arg) av = *arg;
        auto r = fields.bind(name, av);
        if (r.ok()) {
          bound = std::move(r.value());
          if (end != q) after = end;
          break;
        }
        --end;
        while (end > p && text[end - 1] == '.') --end;
      }
      if (!bound) {
        error = "unknown filter: " + text.substr(p, q - p);
        unknown = true;
        return false;
      }
      tok.expr = name + (end == q && arg ? "[" + *arg + "]" : "");
      tok.type = bound->info().type;
      tok.field = std::move(bound);
      p = after;
    }
    tok.literal = std::move(literal);
    literal.clear();
    tokens_.push_back(std::move(tok));
    i = p;
  }
  tail_ = std::move(literal);
  return true;
}

std::string OutputFormat::render(const inspect::EventContext* ctx, std::vector<FieldText>* fields_out) const {
  std::string out;
  inspect::FieldValues vals;
  for (auto& t : tokens_) {
    out += t.literal;
    std::string text = "<NA>";
    bool present = false;
    bool is_list = false;
    if (t.field && ctx) {
      is_list = (t.field->info().flags & inspect::kFieldIsList) || t.type == FieldType::ListCharBuf;
      if (t.field->extract(*ctx, vals) && !vals.empty()) {
        text = value_text(vals, is_list);
        present = true;
      }
    } else if (t.source && ctx) {
      const inspect::FieldValues* tv;
      if (t.source->get(eval::EvalInput{ctx, 0}, tv) && !tv->empty()) {
        text = value_text(*tv, t.source->is_list);
        present = true;
      }
    }
    if (t.width) {
      text.resize(t.width, ' ');
    }
    out += text;
    if (fields_out && !t.transformed) fields_out->push_back({t.expr, text, t.type, present, is_list});
  }
  out += tail_;
  return out;
}

}  // namespace vigil::engine::output
