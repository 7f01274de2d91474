#include "support/rules_fixture.h"

namespace vigil::test {

bool LoadedRules::has_warning(const std::string& text) const {
  for (auto& d : result.diagnostics)
    if (d.severity == engine::Severity::Warning && d.message.find(text) != std::string::npos) return true;
  return false;
}

bool LoadedRules::has_error(const std::string& text) const {
  for (auto& d : result.diagnostics)
    if (d.severity == engine::Severity::Error && d.message.find(text) != std::string::npos) return true;
  return false;
}

size_t LoadedRules::warning_count() const {
  size_t n = 0;
  for (auto& d : result.diagnostics) n += d.severity == engine::Severity::Warning;
  return n;
}

const engine::RuleInfo* LoadedRules::rule(const std::string& name) const {
  for (auto& r : engine->rules())
    if (r.name == name) return &r;
  return nullptr;
}

std::string LoadedRules::compiled(const std::string& name) const {
  auto* r = rule(name);
  return r ? r->compiled_condition : std::string();
}

std::string LoadedRules::all_messages() const {
  std::string s;
  for (auto& d : result.diagnostics) s += d.to_string() + "\n";
  return s;
}

std::string rule_yaml(const std::string& name, const std::string& condition, const std::string& extra,
                      const std::string& priority) {
  return "- rule: " + name + "\n  desc: d\n  condition: " + condition + "\n  output: o\n  priority: " + priority +
         "\n" + extra;
}

LoadedRules load_rules(const std::string& yaml, bool with_plugin_fields) {
  LoadedRules l;
  l.engine = std::make_unique<engine::Engine>(with_plugin_fields ? static_cast<const inspect::FieldRegistry&>(tsv_registry())
                                                                 : tsv_registry_without_plugins());
  l.result = l.engine->load_string(yaml, "rules.yaml");
  if (l.result.ok) l.engine->enable_rules("", engine::NameMatch::Substring, true, "sample-ruleset");
  return l;
}

LoadedRules load_rules_twice(const std::string& first, const std::string& second) {
  LoadedRules l;
  l.engine = std::make_unique<engine::Engine>(tsv_registry_without_plugins());
  l.engine->load_string(first, "first.yaml");
  l.result = l.engine->load_string(second, "second.yaml");
  return l;
}

}  // namespace vigil::test
