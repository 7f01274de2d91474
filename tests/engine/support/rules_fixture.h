// Test support: load YAML text into a fresh Engine and query the result the way Falco's engine
// unit tests do (engine-cases.md conventions).
#pragma once

#include <memory>
#include <string>

#include "support/tsv_field_registry.h"
#include "vigil/engine/engine.h"

namespace vigil::test {

struct LoadedRules {
  std::unique_ptr<engine::Engine> engine;
  engine::LoadResult result;

  bool ok() const { return result.ok; }
  bool has_warning(const std::string& text) const;
  bool has_error(const std::string& text) const;
  size_t warning_count() const;
  const engine::RuleInfo* rule(const std::string& name) const;
  std::string compiled(const std::string& name) const;  // "" if absent
  size_t enabled() const { return engine->enabled_count(); }
  std::string all_messages() const;
};

// The YAML of a rule with placeholder desc and output ("d", "o") followed by `extra`, further keys
// as indented lines ("  enabled: false\n"): most loader tests are about one or two keys.
std::string rule_yaml(const std::string& name, const std::string& condition, const std::string& extra = "",
                      const std::string& priority = "INFO");

// Loads `yaml` as "rules.yaml". Falco's unit tests use libsinsp fields only (no plugins).
LoadedRules load_rules(const std::string& yaml, bool with_plugin_fields = false);
// Loads two contents in sequence into one engine (the result is the second load's).
LoadedRules load_rules_twice(const std::string& first, const std::string& second);

}  // namespace vigil::test
