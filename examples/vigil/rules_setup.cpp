#include "rules_setup.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <set>

namespace vigil::cli {
namespace {

namespace fs = std::filesystem;

std::string own_binary_dir() {
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string() : exe.parent_path().string();
}

bool same_dir(const std::string& a, const std::string& b) {
  std::error_code ec;
  return !a.empty() && !b.empty() && fs::equivalent(a, b, ec);
}

}  // namespace

Result<engine::Config> load_cli_config(const CliOptions& options) {
  if (!options.config.empty()) return engine::load_config_file(options.config, options.overrides);
  return engine::load_config_string("", "command line", options.overrides);
}

std::vector<std::string> rules_paths(const CliOptions& options, const engine::Config& config) {
  if (!options.rules.empty()) return options.rules;
  if (!options.config.empty() && config.rules_files != engine::Config().rules_files) return config.rules_files;
  // Run from the build tree: the rules of the same source tree, so edits show up without an install.
  if (same_dir(own_binary_dir(), VIGIL_CLI_BUILD_DIR) && fs::exists(VIGIL_CLI_SOURCE_RULES))
    return {VIGIL_CLI_SOURCE_RULES};
  // Installed: <bindir>/../share/vigil/ next to this binary first, so a moved prefix works.
  const fs::path relocated = (fs::path(own_binary_dir()) / VIGIL_CLI_RELATIVE_RULES).lexically_normal();
  if (std::error_code ec; !own_binary_dir().empty() && fs::exists(relocated, ec)) return {relocated.string()};
  return {VIGIL_CLI_INSTALLED_RULES};
}

bool load_rules(engine::Engine& engine, const engine::Config& config, const std::vector<std::string>& paths) {
  engine::apply_append_output(engine, config);
  bool ok = true;
  for (const engine::LoadResult& r : engine.load_paths(paths)) {
    for (const engine::Diagnostic& d : r.diagnostics)
      if (d.severity == engine::Severity::Error) std::fprintf(stderr, "vigil: %s\n", d.to_string().c_str());
    if (!r.ok) {
      std::fprintf(stderr, "vigil: error loading rules file %s\n", r.name.c_str());
      ok = false;
    }
  }
  return ok;
}

void select_rules(engine::Engine& engine, const CliOptions& options, const engine::Config& config) {
  engine::apply_rule_selection(engine, config);
  for (const std::string& pattern : options.disable_rules)
    engine.enable_rules(pattern, engine::NameMatch::Wildcard, false);
  for (const std::string& tag : options.disable_tags) engine.enable_tags({tag}, false);
  if (!options.run_tags.empty())
    engine.run_only_tags(std::set<std::string>(options.run_tags.begin(), options.run_tags.end()));
}

capture::InterestSet rules_interest(const engine::Engine& engine) {
  capture::InterestSet interest;
  interest.all = false;
  interest.state_events = true;
  interest.procexit = true;
  std::set<std::string> names;
  const auto& rules = engine.rules();
  for (uint32_t i = 0; i < rules.size(); ++i) {
    if (!engine.is_enabled(i)) continue;
    if (rules[i].all_event_types) {
      interest.all = true;
      return interest;
    }
    names.insert(rules[i].event_types.begin(), rules[i].event_types.end());
  }
  interest.syscalls.assign(names.begin(), names.end());
  return interest;
}

}  // namespace vigil::cli
