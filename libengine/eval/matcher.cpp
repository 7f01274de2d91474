// Operator semantics, rules-language.md §B.4/§B.5/§E.
#include "eval/matcher.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <re2/re2.h>

#include <cctype>
#include <charconv>
#include <cstring>

#include "eval/path_prefix_set.h"

namespace vigil::engine::eval {

using inspect::FieldType;
using inspect::FieldValue;

TypeClass type_class(FieldType t) {
  switch (t) {
    case FieldType::Int16: case FieldType::Int32: case FieldType::Int64: return TypeClass::Signed;
    case FieldType::Uint32: case FieldType::Uint64: case FieldType::AbsTime: case FieldType::RelTime:
    case FieldType::Port: return TypeClass::Unsigned;
    case FieldType::Double: return TypeClass::Double;
    case FieldType::Bool: return TypeClass::Bool;
    case FieldType::ByteBuf: return TypeClass::Bytes;
    case FieldType::IpAddr: return TypeClass::Ip;
    case FieldType::IpNet: return TypeClass::IpNet;
    case FieldType::Dyn: return TypeClass::Dynamic;
    case FieldType::CharBuf: case FieldType::ListCharBuf: return TypeClass::String;
  }
  return TypeClass::String;
}

namespace {

bool parse_int(const std::string& s, int64_t& out) {
  std::string_view v = s;
  if (!v.empty() && v.front() == '+') v.remove_prefix(1);
  if (v.empty()) return false;
  auto [p, ec] = std::from_chars(v.data(), v.data() + v.size(), out);
  if (ec == std::errc() && p == v.data() + v.size()) return true;
  // Large unsigned values that do not fit int64.
  uint64_t u;
  auto [p2, ec2] = std::from_chars(v.data(), v.data() + v.size(), u);
  if (ec2 == std::errc() && p2 == v.data() + v.size()) {
    out = static_cast<int64_t>(u);
    return true;
  }
  return false;
}

bool parse_ip(const std::string& s, inspect::IpValue& ip) {
  if (s.find('.') != std::string::npos) {
    ip.family = 4;
    return inet_pton(AF_INET, s.c_str(), ip.addr.data()) == 1;
  }
  ip.family = 6;
  return inet_pton(AF_INET6, s.c_str(), ip.addr.data()) == 1;
}

bool parse_net(const std::string& s, inspect::IpValue& ip) {
  auto slash = s.find('/');
  std::string addr = s.substr(0, slash);
  if (!parse_ip(addr, ip)) return false;
  uint32_t maxlen = ip.family == 4 ? 32 : 128;
  if (slash == std::string::npos) {
    ip.prefix_len = static_cast<uint8_t>(maxlen);
    return true;
  }
  int64_t len;
  if (!parse_int(s.substr(slash + 1), len) || len < 0 || len > maxlen) return false;
  ip.prefix_len = static_cast<uint8_t>(len);
  return true;
}

bool hex_decode(const std::string& s, std::string& out) {
  if (s.size() % 2) return false;
  out.clear();
  for (size_t i = 0; i < s.size(); i += 2) {
    auto hv = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int hi = hv(s[i]), lo = hv(s[i + 1]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi * 16 + lo);
  }
  return true;
}

bool in_net(const inspect::IpValue& addr, const inspect::IpValue& net) {
  if (addr.family != net.family) return false;
  uint32_t bits = net.prefix_len;
  for (uint32_t i = 0; i < 16 && bits > 0; ++i) {
    uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((addr.addr[i] & mask) != (net.addr[i] & mask)) return false;
    bits = bits >= 8 ? bits - 8 : 0;
  }
  return true;
}

bool same_ip(const inspect::IpValue& a, const inspect::IpValue& b) {
  if (a.family != b.family) return false;
  size_t n = a.family == 4 ? 4 : 16;
  return std::memcmp(a.addr.data(), b.addr.data(), n) == 0;
}

char fold(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

bool icontains(std::string_view hay, std::string_view lower_needle) {
  if (lower_needle.empty()) return true;
  if (hay.size() < lower_needle.size()) return false;
  for (size_t i = 0; i + lower_needle.size() <= hay.size(); ++i) {
    size_t j = 0;
    while (j < lower_needle.size() && fold(hay[i + j]) == lower_needle[j]) ++j;
    if (j == lower_needle.size()) return true;
  }
  return false;
}

bool is_string_value(FieldType t) {
  return t == FieldType::CharBuf || t == FieldType::ByteBuf || t == FieldType::ListCharBuf || t == FieldType::Dyn;
}

int compare_numbers(const FieldValue& v, const Literal& lit) {
  switch (type_class(v.type)) {
    case TypeClass::Signed: return v.i64 < lit.i ? -1 : v.i64 > lit.i ? 1 : 0;
    case TypeClass::Double: return v.f64 < lit.d ? -1 : v.f64 > lit.d ? 1 : 0;
    case TypeClass::Bool: {
      uint64_t b = v.b ? 1 : 0;
      return b < lit.u ? -1 : b > lit.u ? 1 : 0;
    }
    default: return v.u64 < lit.u ? -1 : v.u64 > lit.u ? 1 : 0;
  }
}

}  // namespace

bool glob_match(std::string_view p, std::string_view v, bool fold_case) {
  size_t pi = 0, vi = 0, star_p = std::string_view::npos, star_v = 0;
  auto eq = [&](char a, char b) { return fold_case ? fold(a) == fold(b) : a == b; };
  auto class_match = [&](size_t& pp, char c, bool& ok) -> bool {
    // pp at '['; returns false if the class is malformed (then '[' is literal).
    size_t q = pp + 1;
    bool neg = false;
    if (q < p.size() && (p[q] == '!' || p[q] == '^')) {
      neg = true;
      ++q;
    }
    bool matched = false;
    bool first = true;
    while (q < p.size() && (first || p[q] != ']')) {
      first = false;
      char lo = p[q];
      if (q + 2 < p.size() && p[q + 1] == '-' && p[q + 2] != ']') {
        char hi = p[q + 2];
        char cc = fold_case ? fold(c) : c;
        if ((cc >= (fold_case ? fold(lo) : lo) && cc <= (fold_case ? fold(hi) : hi))) matched = true;
        q += 3;
      } else {
        if (eq(lo, c)) matched = true;
        ++q;
      }
    }
    if (q >= p.size()) return false;
    pp = q + 1;
    ok = matched != neg;
    return true;
  };
  while (vi < v.size()) {
    if (pi < p.size()) {
      char pc = p[pi];
      if (pc == '*') {
        star_p = ++pi;
        star_v = vi;
        continue;
      }
      if (pc == '?') {
        ++pi;
        ++vi;
        continue;
      }
      if (pc == '[') {
        size_t pp = pi;
        bool ok = false;
        if (class_match(pp, v[vi], ok)) {
          if (ok) {
            pi = pp;
            ++vi;
            continue;
          }
        } else if (eq('[', v[vi])) {
          ++pi;
          ++vi;
          continue;
        }
      } else {
        if (pc == '\\' && pi + 1 < p.size()) pc = p[++pi];
        if (eq(pc, v[vi])) {
          ++pi;
          ++vi;
          continue;
        }
      }
    }
    if (star_p == std::string_view::npos) return false;
    pi = star_p;
    vi = ++star_v;
  }
  while (pi < p.size() && p[pi] == '*') ++pi;
  return pi == p.size();
}

bool convert_literal(TypeClass tc, const std::string& text, Literal& out, std::string& error) {
  out.text = text;
  switch (tc) {
    case TypeClass::Signed:
    case TypeClass::Unsigned:
    case TypeClass::Double: {
      int64_t v;
      if (!parse_int(text, v)) {
        error = text + " is not a valid number";
        return false;
      }
      if (tc == TypeClass::Double) v = static_cast<int32_t>(v);
      out.i = v;
      out.u = static_cast<uint64_t>(v);
      out.d = static_cast<double>(v);
      out.numeric = true;
      return true;
    }
    case TypeClass::Bool:
      if (text == "true") out.b = true;
      else if (text == "false") out.b = false;
      else {
        error = "unrecognized boolean value " + text;
        return false;
      }
      out.u = out.b ? 1 : 0;
      return true;
    case TypeClass::Ip:
      if (text.find('/') != std::string::npos) {
        if (!parse_net(text, out.ip)) {
          error = "unrecognized IP network " + text;
          return false;
        }
        out.is_net = true;
        return true;
      }
      if (!parse_ip(text, out.ip)) {
        error = std::string(text.find('.') != std::string::npos ? "unrecognized IPv4 address " : "unrecognized IPv6 address ") + text;
        return false;
      }
      return true;
    case TypeClass::IpNet:
      if (!parse_net(text, out.ip)) {
        error = "unrecognized IP network " + text;
        return false;
      }
      out.is_net = true;
      return true;
    case TypeClass::Dynamic: {
      int64_t v;
      if (parse_int(text, v)) {
        out.i = v;
        out.u = static_cast<uint64_t>(v);
        out.d = static_cast<double>(v);
        out.numeric = true;
      }
      return true;
    }
    case TypeClass::String:
    case TypeClass::Bytes:
      if (text.find('\0') != std::string::npos) {
        error = "string value contains a NUL byte";
        return false;
      }
      return true;
  }
  return true;
}

ValueMatcher::ValueMatcher() = default;
ValueMatcher::~ValueMatcher() = default;
ValueMatcher::ValueMatcher(ValueMatcher&&) noexcept = default;
ValueMatcher& ValueMatcher::operator=(ValueMatcher&&) noexcept = default;

bool ValueMatcher::init(Op op, TypeClass tc, const std::vector<std::string>& values, std::string& error) {
  op_ = op;
  tc_ = tc;
  if (op == Op::Exists) return true;
  if (op == Op::In || op == Op::Intersects || op == Op::PMatch) {
    if (op == Op::PMatch) {
      paths_ = std::make_unique<PathPrefixSet>();
      for (auto& v : values) paths_->add(v);
      return true;
    }
    list_.resize(values.size());
    for (size_t i = 0; i < values.size(); ++i) {
      if (!convert_literal(tc, values[i], list_[i], error)) return false;
    }
    if (tc == TypeClass::String || tc == TypeClass::Bytes || tc == TypeClass::Dynamic) {
      for (auto& l : list_) strings_.insert(l.text);
    }
    return true;
  }
  const std::string& text = values.empty() ? std::string() : values[0];
  if (op == Op::BContains || op == Op::BStartsWith) {
    if (!hex_decode(text, lit_.text)) {
      error = "invalid hex string " + text;
      return false;
    }
    return true;
  }
  if (!convert_literal(tc, text, lit_, error)) return false;
  if (op == Op::IContains || op == Op::IGlob) {
    for (char& c : lit_.text) c = fold(c);
  }
  if (op == Op::Regex) {
    RE2::Options opts;
    opts.set_log_errors(false);
    regex_ = std::make_unique<re2::RE2>(text, opts);
    if (!regex_->ok()) {
      error = "invalid regular expression '" + text + "': " + regex_->error();
      return false;
    }
  }
  return true;
}

int ValueMatcher::cost() const {
  switch (op_) {
    case Op::Exists: return 3;
    case Op::Regex: return 40;
    case Op::Glob: case Op::IGlob: case Op::IContains: return 12;
    case Op::PMatch: return 10;
    case Op::In: case Op::Intersects: return 6;
    default: break;
  }
  switch (tc_) {
    case TypeClass::Signed: case TypeClass::Unsigned: case TypeClass::Double: case TypeClass::Bool: return 3;
    default: return 6;
  }
}

bool ValueMatcher::set_contains(const FieldValue& v) const {
  if (is_string_value(v.type) && (tc_ == TypeClass::String || tc_ == TypeClass::Bytes || tc_ == TypeClass::Dynamic)) {
    if (tc_ != TypeClass::Dynamic || v.type != FieldType::Dyn) return strings_.count(v.str) != 0;
  }
  for (auto& l : list_)
    if (match_scalar(v, l)) return true;
  return false;
}

bool ValueMatcher::contains(const FieldValue& v) const { return set_contains(v); }

bool ValueMatcher::match_scalar(const FieldValue& v, const Literal& lit) const {
  // Equality used by = / != / in.
  if (tc_ == TypeClass::Ip || tc_ == TypeClass::IpNet) {
    if (lit.is_net || v.type == FieldType::IpNet) return in_net(v.ip, lit.ip);
    return same_ip(v.ip, lit.ip);
  }
  if (is_string_value(v.type)) return v.str == lit.text;
  if (tc_ == TypeClass::Dynamic && !lit.numeric) return false;
  if (v.type == FieldType::Bool && tc_ == TypeClass::Bool) return v.b == lit.b;
  return compare_numbers(v, lit) == 0;
}

bool ValueMatcher::match(const FieldValue& v) const {
  switch (op_) {
    case Op::Exists: return true;
    case Op::Eq: return match_scalar(v, lit_);
    case Op::Ne: return !match_scalar(v, lit_);
    case Op::Lt: case Op::Le: case Op::Gt: case Op::Ge: {
      int c;
      if (is_string_value(v.type)) {
        c = v.str.compare(lit_.text);
      } else {
        if (tc_ == TypeClass::Dynamic && !lit_.numeric) return false;
        c = compare_numbers(v, lit_);
      }
      switch (op_) {
        case Op::Lt: return c < 0;
        case Op::Le: return c <= 0;
        case Op::Gt: return c > 0;
        default: return c >= 0;
      }
    }
    case Op::Contains: case Op::BContains: return v.str.find(lit_.text) != std::string_view::npos;
    case Op::IContains: return icontains(v.str, lit_.text);
    case Op::StartsWith: case Op::BStartsWith: return v.str.starts_with(lit_.text);
    case Op::EndsWith: return v.str.ends_with(lit_.text);
    case Op::Glob: return glob_match(lit_.text, v.str, false);
    case Op::IGlob: return glob_match(lit_.text, v.str, true);
    case Op::Regex: return RE2::FullMatch(re2::StringPiece(v.str.data(), v.str.size()), *regex_);
    case Op::In: case Op::Intersects: return set_contains(v);
    case Op::PMatch: return paths_->matches(v.str);
  }
  return false;
}

}  // namespace vigil::engine::eval
