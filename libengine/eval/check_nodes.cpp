#include "eval/check_nodes.h"

#include <cctype>
#include <cstring>

namespace vigil::engine::eval {
namespace {

using inspect::FieldValue;
using inspect::FieldValues;

class CheckNode final : public FilterNode {
 public:
  CheckNode(SourcePtr lhs, Op op, ValueMatcher m) : lhs_(std::move(lhs)), op_(op), m_(std::move(m)) {}
  bool eval(const EvalInput& in) const override {
    const FieldValues* vals;
    if (!lhs_->get(in, vals)) return false;
    if (op_ == Op::Exists) return true;
    if (lhs_->is_list) {
      if (op_ == Op::In) {
        for (auto& v : vals->values())
          if (!m_.contains(v)) return false;
        return true;
      }
      if (op_ == Op::Intersects) {
        for (auto& v : vals->values())
          if (m_.contains(v)) return true;
        return false;
      }
    }
    for (auto& v : vals->values())
      if (m_.match(v)) return true;
    return false;
  }
  int cost() const override { return m_.cost(); }

 private:
  SourcePtr lhs_;
  Op op_;
  ValueMatcher m_;
};

class ModifierNode final : public FilterNode {
 public:
  ModifierNode(SourcePtr lhs, condition::Modifier mod, std::vector<ValueMatcher> el)
      : lhs_(std::move(lhs)), mod_(mod), elements_(std::move(el)) {}
  bool eval(const EvalInput& in) const override {
    if (elements_.empty()) return false;
    const FieldValues* vals;
    if (!lhs_->get(in, vals)) return false;
    for (auto& v : vals->values()) {
      size_t n = 0;
      for (auto& m : elements_) {
        if (m.match(v)) {
          ++n;
          if (mod_ == condition::Modifier::AnyOf) return true;
          if (mod_ == condition::Modifier::OneOf && n > 1) break;
        } else if (mod_ == condition::Modifier::AllOf) {
          break;
        }
      }
      if (mod_ == condition::Modifier::OneOf && n == 1) return true;
      if (mod_ == condition::Modifier::AllOf && n == elements_.size()) return true;
    }
    return false;
  }
  int cost() const override { return 4 * static_cast<int>(elements_.size()); }

 private:
  SourcePtr lhs_;
  condition::Modifier mod_;
  std::vector<ValueMatcher> elements_;
};

bool is_text(inspect::FieldType t) {
  return t == inspect::FieldType::CharBuf || t == inspect::FieldType::ByteBuf ||
         t == inspect::FieldType::ListCharBuf || t == inspect::FieldType::Dyn;
}

int compare_values(const FieldValue& a, const FieldValue& b) {
  if (is_text(a.type) || is_text(b.type)) return a.str.compare(b.str);
  switch (type_class(a.type)) {
    case TypeClass::Signed: return a.i64 < b.i64 ? -1 : a.i64 > b.i64 ? 1 : 0;
    case TypeClass::Double: return a.f64 < b.f64 ? -1 : a.f64 > b.f64 ? 1 : 0;
    case TypeClass::Bool: return static_cast<int>(a.b) - static_cast<int>(b.b);
    case TypeClass::Ip:
    case TypeClass::IpNet: return a.ip.family != b.ip.family ? 1 : std::memcmp(a.ip.addr.data(), b.ip.addr.data(), 16);
    default: return a.u64 < b.u64 ? -1 : a.u64 > b.u64 ? 1 : 0;
  }
}

bool ifind(std::string_view hay, std::string_view needle) {
  for (size_t i = 0; i + needle.size() <= hay.size(); ++i) {
    size_t j = 0;
    while (j < needle.size() && std::tolower(static_cast<unsigned char>(hay[i + j])) ==
                                    std::tolower(static_cast<unsigned char>(needle[j])))
      ++j;
    if (j == needle.size()) return true;
  }
  return false;
}

bool compare_op(Op op, const FieldValue& a, const FieldValue& b) {
  switch (op) {
    case Op::Eq: case Op::In: case Op::Intersects: return compare_values(a, b) == 0;
    case Op::Ne: return compare_values(a, b) != 0;
    case Op::Lt: return compare_values(a, b) < 0;
    case Op::Le: return compare_values(a, b) <= 0;
    case Op::Gt: return compare_values(a, b) > 0;
    case Op::Ge: return compare_values(a, b) >= 0;
    case Op::Contains: case Op::BContains: return a.str.find(b.str) != std::string_view::npos;
    case Op::IContains: return ifind(a.str, b.str);
    case Op::StartsWith: case Op::BStartsWith: return a.str.starts_with(b.str);
    case Op::EndsWith: return a.str.ends_with(b.str);
    case Op::Glob: return glob_match(b.str, a.str, false);
    case Op::IGlob: return glob_match(b.str, a.str, true);
    default: return false;
  }
}

class FieldCompareNode final : public FilterNode {
 public:
  FieldCompareNode(SourcePtr l, Op op, SourcePtr r) : lhs_(std::move(l)), op_(op), rhs_(std::move(r)) {}
  bool eval(const EvalInput& in) const override {
    const FieldValues* a;
    const FieldValues* b;
    if (!lhs_->get(in, a) || !rhs_->get(in, b) || b->empty()) return false;
    if (op_ == Op::In || op_ == Op::Intersects) {
      bool all = true, any = false;
      for (auto& x : a->values()) {
        bool found = false;
        for (auto& y : b->values())
          if (compare_values(x, y) == 0) found = true;
        all = all && found;
        any = any || found;
      }
      return op_ == Op::In ? all : any;
    }
    for (auto& x : a->values())
      if (compare_op(op_, x, (*b)[0])) return true;
    return false;
  }
  int cost() const override { return 20; }

 private:
  SourcePtr lhs_;
  Op op_;
  SourcePtr rhs_;
};

}  // namespace

FilterPtr make_check(SourcePtr lhs, Op op, ValueMatcher m) {
  return std::make_unique<CheckNode>(std::move(lhs), op, std::move(m));
}
FilterPtr make_modifier_check(SourcePtr lhs, condition::Modifier mod, std::vector<ValueMatcher> el) {
  return std::make_unique<ModifierNode>(std::move(lhs), mod, std::move(el));
}
FilterPtr make_field_compare(SourcePtr lhs, Op op, SourcePtr rhs) {
  return std::make_unique<FieldCompareNode>(std::move(lhs), op, std::move(rhs));
}

}  // namespace vigil::engine::eval
