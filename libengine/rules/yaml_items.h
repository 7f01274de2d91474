// Internal helpers shared by the rules-file item readers: scalar decoding with Falco's messages
// (rules-language.md §A.2) and the error/warning plumbing. Errors unwind with ItemError and are
// turned into a Diagnostic by read_rules().
#pragma once

#include <yaml-cpp/yaml.h>

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "rules/rule_store.h"
#include "vigil/engine/diagnostic.h"

namespace vigil::engine::rules {

struct ItemError {
  std::string code;
  std::string message;
  YAML::Mark mark;
};

class ItemContext {
 public:
  ItemContext(const std::string& file, const std::string& content, RuleStore& store, std::vector<Diagnostic>& d)
      : file_(file), content_(content), store_(store), diags_(d) {}

  RuleStore& store() { return store_; }
  const std::string& file() const { return file_; }
  SourceLocation location(const YAML::Mark& m) const;
  TextLocation text_location(const YAML::Node& n) const;

  void set_item(std::string type, std::string name, const YAML::Mark& m) {
    item_type_ = std::move(type);
    item_name_ = std::move(name);
    item_mark_ = m;
  }
  [[noreturn]] void fail(const std::string& code, const std::string& msg, const YAML::Node* at = nullptr) const;
  void warn(const std::string& code, const std::string& msg, const YAML::Node* at = nullptr);
  Diagnostic make(Severity s, const std::string& code, const std::string& msg, const YAML::Mark& m) const;
  const YAML::Mark& item_mark() const { return item_mark_; }

  // §A.2 decoding.
  std::string required_string(const YAML::Node& item, const char* key) const;
  std::optional<std::string> optional_string(const YAML::Node& item, const char* key, bool allow_empty = false) const;
  std::optional<bool> optional_bool(const YAML::Node& item, const char* key) const;
  std::vector<std::string> string_sequence(const YAML::Node& item, const char* key) const;
  void warn_unknown_keys(const YAML::Node& item, std::initializer_list<const char*> known);

 private:
  const std::string& file_;
  const std::string& content_;
  RuleStore& store_;
  std::vector<Diagnostic>& diags_;
  std::string item_type_ = "rules content", item_name_;
  YAML::Mark item_mark_;
};

void read_list(ItemContext& ctx, const YAML::Node& item);
void read_macro(ItemContext& ctx, const YAML::Node& item);
void read_rule(ItemContext& ctx, const YAML::Node& item);
void read_engine_version(ItemContext& ctx, const YAML::Node& item);
void read_plugin_versions(ItemContext& ctx, const YAML::Node& item);

}  // namespace vigil::engine::rules
