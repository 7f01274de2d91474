// RuleStore: every list, macro and rule definition read so far, merged (append/override/replace)
// but not compiled (rules-language.md §A.5-§A.9). One store lives as long as its Engine; later
// files see and modify earlier definitions.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "vigil/engine/priority.h"

namespace vigil::engine::rules {

struct SourceLocation {
  std::string file;
  uint32_t line = 0;    // 1-based
  uint32_t column = 0;  // 1-based
};

// Where a condition's text starts, to turn offsets into file positions.
struct TextLocation {
  SourceLocation loc;
  bool single_line_scalar = false;  // plain or quoted scalar: offset maps to column
};

struct ListDef {
  std::string name;
  std::vector<std::string> items;
  uint64_t first_seq = 0, last_seq = 0;
  SourceLocation loc;
};

struct MacroDef {
  std::string name;
  std::string condition;
  uint64_t first_seq = 0, last_seq = 0;
  SourceLocation loc;
  TextLocation cond_loc;
};

// One value of an exception row: a scalar, or a list of scalars.
struct ExceptionValue {
  bool is_list = false;
  std::string scalar;
  std::vector<std::string> items;
};

struct ExceptionDef {
  std::string name;
  bool has_fields = false;
  bool fields_is_list = false;
  std::vector<std::string> fields;
  bool has_comps = false;
  std::vector<std::string> comps;
  bool has_values = false;
  // Scalar-fields form: one row of scalars (the flat value list). List form: one row per entry.
  std::vector<std::vector<ExceptionValue>> values;
  SourceLocation loc;
};

struct RuleDef {
  std::string name;
  std::string condition, output, desc;
  Priority priority = Priority::Debug;
  std::string source = "syscall";
  bool enabled = true;
  bool capture = false;
  uint32_t capture_duration = 0;
  bool warn_evttypes = true;
  bool skip_if_unknown_filter = false;
  std::set<std::string> tags;
  std::vector<ExceptionDef> exceptions;
  uint64_t first_seq = 0;
  SourceLocation loc;
  TextLocation cond_loc;
};

struct RequiredPluginVersion {
  std::string name, version;
  std::vector<std::pair<std::string, std::string>> alternatives;
};

class RuleStore {
 public:
  uint64_t next_seq() { return ++seq_; }

  ListDef* find_list(const std::string& n) { return find(lists_, list_index_, n); }
  MacroDef* find_macro(const std::string& n) { return find(macros_, macro_index_, n); }
  RuleDef* find_rule(const std::string& n) { return find(rules_, rule_index_, n); }

  ListDef& add_list(ListDef d) { return add(lists_, list_index_, std::move(d)); }
  MacroDef& add_macro(MacroDef d) { return add(macros_, macro_index_, std::move(d)); }
  RuleDef& add_rule(RuleDef d) { return add(rules_, rule_index_, std::move(d)); }

  const std::vector<ListDef>& lists() const { return lists_; }
  const std::vector<MacroDef>& macros() const { return macros_; }
  const std::vector<RuleDef>& rules() const { return rules_; }

  std::vector<RequiredPluginVersion>& plugin_requirements() { return plugins_; }
  // Highest required_engine_version seen ("0.0.0" when none).
  std::string required_engine_version = "0.0.0";
  uint64_t required_engine_version_num = 0;

 private:
  template <typename T>
  static T* find(std::vector<T>& v, std::unordered_map<std::string, size_t>& idx, const std::string& n) {
    auto it = idx.find(n);
    return it == idx.end() ? nullptr : &v[it->second];
  }
  template <typename T>
  static T& add(std::vector<T>& v, std::unordered_map<std::string, size_t>& idx, T d) {
    idx[d.name] = v.size();
    v.push_back(std::move(d));
    return v.back();
  }

  uint64_t seq_ = 0;
  std::vector<ListDef> lists_;
  std::vector<MacroDef> macros_;
  std::vector<RuleDef> rules_;
  std::unordered_map<std::string, size_t> list_index_, macro_index_, rule_index_;
  std::vector<RequiredPluginVersion> plugins_;
};

}  // namespace vigil::engine::rules
