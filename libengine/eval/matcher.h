// ValueMatcher: one operator with its right-hand side converted once, at compile time, to the
// left-hand side's type (rules-language.md §B.4, §B.5, §E). Matching does no allocation and no
// string work beyond what the operator needs: numbers compare as numbers, `in` uses a hash set,
// `pmatch` a component trie, regexes are precompiled RE2.
#pragma once

#include <memory>
#include <string>
#include <unordered_set>
#include <vector>

#include "vigil/inspect/field.h"

namespace re2 {
class RE2;
}

namespace vigil::engine::eval {

enum class Op : uint8_t {
  Eq, Ne, Lt, Le, Gt, Ge, Contains, IContains, BContains, StartsWith, BStartsWith, EndsWith,
  Glob, IGlob, Regex, In, Intersects, PMatch, Exists,
};

// How values of a field type compare.
enum class TypeClass : uint8_t { Signed, Unsigned, Double, Bool, String, Bytes, Ip, IpNet, Dynamic };

TypeClass type_class(inspect::FieldType t);

// One converted literal.
struct Literal {
  std::string text;  // strings/buffers (lower-cased for icontains/iglob); original text otherwise
  int64_t i = 0;
  uint64_t u = 0;
  double d = 0;
  bool b = false;
  bool numeric = false;  // text parsed as a number (Dynamic fields)
  inspect::IpValue ip;
  bool is_net = false;
};

class PathPrefixSet;

class ValueMatcher {
 public:
  ValueMatcher();
  ~ValueMatcher();
  ValueMatcher(ValueMatcher&&) noexcept;
  ValueMatcher& operator=(ValueMatcher&&) noexcept;

  // Builds the matcher; on a bad value returns false with a message.
  bool init(Op op, TypeClass tc, const std::vector<std::string>& values, std::string& error);

  bool match(const inspect::FieldValue& v) const;
  // For list-valued fields: membership of one element (in/intersects).
  bool contains(const inspect::FieldValue& v) const;
  int cost() const;

 private:
  bool match_scalar(const inspect::FieldValue& v, const Literal& lit) const;
  bool set_contains(const inspect::FieldValue& v) const;

  Op op_ = Op::Eq;
  TypeClass tc_ = TypeClass::String;
  Literal lit_;
  std::vector<Literal> list_;                  // in/intersects on non-string types
  std::unordered_set<std::string_view> strings_;  // in/intersects on strings (views into list_)
  std::unique_ptr<re2::RE2> regex_;
  std::unique_ptr<PathPrefixSet> paths_;
};

// Converts one RHS text for type class tc (§B.5). Returns false with a message.
bool convert_literal(TypeClass tc, const std::string& text, Literal& out, std::string& error);

// Shell-style wildcard match of the whole value: * ? [...] (fnmatch without path semantics).
bool glob_match(std::string_view pattern, std::string_view value, bool fold_case);

}  // namespace vigil::engine::eval
