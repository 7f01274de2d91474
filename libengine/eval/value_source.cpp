// Field extraction and the value transformers of §B.11.
#include "eval/value_source.h"

#include <array>
#include <cctype>

namespace vigil::engine::eval {
namespace {

using inspect::FieldType;
using inspect::FieldValue;
using inspect::FieldValues;

class FieldSource final : public ValueSource {
 public:
  explicit FieldSource(std::unique_ptr<inspect::BoundField> f) : field_(std::move(f)) {}
  bool get(const EvalInput& in, const FieldValues*& out) const override {
    if (in.ctx == nullptr) return false;
    if (!field_->extract(*in.ctx, values_) || values_.empty()) return false;
    out = &values_;
    return true;
  }

 private:
  std::unique_ptr<inspect::BoundField> field_;
  mutable FieldValues values_;
};

class LiteralSource final : public ValueSource {
 public:
  explicit LiteralSource(std::string s) : text_(std::move(s)) {
    FieldValue& v = values_.add();
    v.type = FieldType::CharBuf;
    v.str = text_;
  }
  bool get(const EvalInput&, const FieldValues*& out) const override {
    out = &values_;
    return true;
  }

 private:
  std::string text_;
  FieldValues values_;
};

class ListSource final : public ValueSource {
 public:
  explicit ListSource(std::vector<SourcePtr> items) : items_(std::move(items)) {}
  bool get(const EvalInput& in, const FieldValues*& out) const override {
    values_.clear();
    for (auto& s : items_) {
      const FieldValues* v;
      if (!s->get(in, v)) continue;
      for (auto& x : v->values()) values_.add() = x;
    }
    out = &values_;
    return true;
  }

 private:
  std::vector<SourcePtr> items_;
  mutable FieldValues values_;
};

int b64_index(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '+') return 62;
  if (c == '/') return 63;
  return -1;
}

bool b64_decode(std::string_view in, std::string& out) {
  out.clear();
  uint32_t acc = 0;
  int bits = 0;
  size_t pad = 0;
  for (char c : in) {
    if (c == '=') {
      ++pad;
      continue;
    }
    if (pad) return false;
    int v = b64_index(c);
    if (v < 0) return false;
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out += static_cast<char>((acc >> bits) & 0xff);
    }
  }
  return (in.size() % 4) == 0;
}

class TransformerSource final : public ValueSource {
 public:
  TransformerSource(TransformerKind k, std::vector<SourcePtr> args) : kind_(k), args_(std::move(args)) {}

  bool get(const EvalInput& in, const FieldValues*& out) const override {
    values_.clear();
    switch (kind_) {
      case TransformerKind::Concat: {
        std::string& s = store_[0];
        s.clear();
        for (auto& a : args_) {
          const FieldValues* v;
          if (!a->get(in, v) || v->empty()) return false;
          append_text((*v)[0], s);
        }
        add_string(s, FieldType::CharBuf);
        break;
      }
      case TransformerKind::Join: {
        const FieldValues* sep;
        const FieldValues* list;
        if (!args_[0]->get(in, sep) || sep->empty()) return false;
        std::string sep_text;
        append_text((*sep)[0], sep_text);
        if (!args_[1]->get(in, list)) return false;
        std::string& s = store_[0];
        s.clear();
        for (size_t i = 0; i < list->size(); ++i) {
          if (i) s += sep_text;
          append_text((*list)[i], s);
        }
        add_string(s, FieldType::CharBuf);
        break;
      }
      default: {
        const FieldValues* v;
        if (!args_[0]->get(in, v)) return false;
        if (kind_ == TransformerKind::Len && args_[0]->is_list) {
          FieldValue& r = values_.add();
          r.type = FieldType::Uint64;
          r.u64 = v->size();
          break;
        }
        if (store_.size() < v->size()) store_.resize(v->size());  // grows once per longer list
        for (size_t i = 0; i < v->size(); ++i) {
          if (!apply((*v)[i], store_[i])) return false;
        }
      }
    }
    if (values_.empty()) return false;
    out = &values_;
    return true;
  }

 private:
  static void append_text(const FieldValue& v, std::string& s) {
    switch (v.type) {
      case FieldType::CharBuf: case FieldType::ByteBuf: case FieldType::ListCharBuf: case FieldType::Dyn:
        s.append(v.str);
        break;
      case FieldType::Int16: case FieldType::Int32: case FieldType::Int64:
        s += std::to_string(v.i64);
        break;
      case FieldType::Bool:
        s += v.b ? "true" : "false";
        break;
      case FieldType::Double:
        s += std::to_string(v.f64);
        break;
      default:
        s += std::to_string(v.u64);
    }
  }

  void add_string(const std::string& s, FieldType t) const {
    FieldValue& r = values_.add();
    r.type = t;
    r.str = s;
  }

  bool apply(const FieldValue& v, std::string& scratch) const {
    switch (kind_) {
      case TransformerKind::ToLower:
      case TransformerKind::ToUpper: {
        scratch.assign(v.str);
        for (char& c : scratch)
          c = static_cast<char>(kind_ == TransformerKind::ToLower ? std::tolower(static_cast<unsigned char>(c))
                                                                  : std::toupper(static_cast<unsigned char>(c)));
        add_string(scratch, v.type);
        return true;
      }
      case TransformerKind::B64:
        if (!b64_decode(v.str, scratch)) return false;
        add_string(scratch, v.type);
        return true;
      case TransformerKind::Basename: {
        auto p = v.str.rfind('/');
        scratch.assign(p == std::string_view::npos ? v.str : v.str.substr(p + 1));
        add_string(scratch, v.type);
        return true;
      }
      case TransformerKind::Len: {
        FieldValue& r = values_.add();
        r.type = FieldType::Uint64;
        r.u64 = v.str.size();
        return true;
      }
      default:
        return false;
    }
  }

  TransformerKind kind_;
  std::vector<SourcePtr> args_;
  mutable FieldValues values_;
  mutable std::vector<std::string> store_ = std::vector<std::string>(FieldValues::kInline);
};

}  // namespace

SourcePtr make_field_source(std::unique_ptr<inspect::BoundField> f) {
  auto s = std::make_unique<FieldSource>(std::move(f));
  return s;
}
SourcePtr make_literal_source(std::string text) { return std::make_unique<LiteralSource>(std::move(text)); }
SourcePtr make_transformer(TransformerKind k, std::vector<SourcePtr> args) {
  return std::make_unique<TransformerSource>(k, std::move(args));
}
SourcePtr make_list_source(std::vector<SourcePtr> items) {
  auto s = std::make_unique<ListSource>(std::move(items));
  s->is_list = true;
  return s;
}

}  // namespace vigil::engine::eval
