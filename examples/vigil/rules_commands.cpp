// vigil -V FILE..., vigil -L, vigil --list-fields: looking at rules and fields without events.
#include <algorithm>
#include <cstdio>
#include <string>

#include "commands.h"
#include "rules_setup.h"
#include "vigil/engine/config.h"
#include "vigil/inspect/field.h"
#include "vigil/inspect/inspector.h"

namespace vigil::cli {
namespace {

void print_located(const engine::Diagnostic& d) {
  std::printf("%s\n", d.to_string().c_str());
  if (!d.snippet.empty()) {
    std::printf("---\n%s%s---\n", d.snippet.c_str(), d.snippet.ends_with('\n') ? "" : "\n");
  }
}

}  // namespace

int run_validate(const CliOptions& options) {
  auto config = load_cli_config(options);
  if (!config) {
    std::fprintf(stderr, "vigil: %s\n", config.error().to_string().c_str());
    return 1;
  }
  inspect::Inspector inspector;
  engine::Engine engine(inspector.fields());
  engine::apply_append_output(engine, *config);
  const std::vector<engine::LoadResult> results = engine.load_paths(options.validate);
  bool ok = results.size() == options.validate.size();
  for (const engine::LoadResult& r : results) ok = ok && r.ok;
  if (config->format.json_output) {
    std::printf("%s\n", engine::Engine::validation_json(results).c_str());
    return ok ? engine::kExitOk : engine::kExitLoadError;
  }
  std::printf("Validating rules file(s):\n");
  for (const std::string& p : options.validate) std::printf("   %s\n", p.c_str());
  for (const engine::LoadResult& r : results) {
    std::printf("%s: %s\n", r.name.c_str(), r.ok ? "Ok" : "Invalid");
    for (const engine::Diagnostic& d : r.diagnostics) print_located(d);
  }
  if (results.size() < options.validate.size())
    std::printf("%zu more file(s) not validated after the first invalid one\n",
                options.validate.size() - results.size());
  return ok ? engine::kExitOk : engine::kExitLoadError;
}

int run_list_rules(const CliOptions& options) {
  auto config = load_cli_config(options);
  if (!config) {
    std::fprintf(stderr, "vigil: %s\n", config.error().to_string().c_str());
    return 1;
  }
  inspect::Inspector inspector;
  engine::EngineOptions eopts;
  eopts.min_priority = config->priority;
  engine::Engine engine(inspector.fields(), eopts);
  if (!load_rules(engine, *config, rules_paths(options, *config))) return engine::kExitLoadError;
  select_rules(engine, options, *config);
  if (config->format.json_output) {
    std::printf("%s\n", engine.rules_json().c_str());
    return engine::kExitOk;
  }
  size_t width = 4;
  for (const engine::RuleInfo& r : engine.rules()) width = std::max(width, r.name.size());
  std::printf("%-*s  %s\n%-*s  %s\n", static_cast<int>(width), "Rule", "Description", static_cast<int>(width), "----",
              "-----------");
  for (const engine::RuleInfo& r : engine.rules()) {
    std::string desc = r.desc;
    std::replace(desc.begin(), desc.end(), '\n', ' ');
    while (!desc.empty() && desc.back() == ' ') desc.pop_back();
    std::printf("%-*s  %s\n", static_cast<int>(width), r.name.c_str(), desc.c_str());
  }
  return engine::kExitOk;
}

int run_list_fields(const CliOptions&) {
  inspect::Inspector inspector;
  std::string current_class;
  for (const inspect::FieldInfo& f : inspector.fields().fields()) {
    const std::string_view cls = f.name.substr(0, f.name.find('.'));
    if (cls != current_class) {
      current_class = cls;
      std::printf("%s-------------------------------\nField Class: %s\n\n", current_class.empty() ? "" : "\n",
                  current_class.c_str());
    }
    std::string flags;
    if (f.flags & inspect::kFieldArgRequired) flags += " (argument required)";
    else if (f.flags & inspect::kFieldArgAllowed) flags += " (argument allowed)";
    if (f.flags & inspect::kFieldDeprecated) flags += " (deprecated)";
    std::printf("%-26.*s %-16.*s %.*s%s\n", static_cast<int>(f.name.size()), f.name.data(),
                static_cast<int>(inspect::field_type_name(f.type).size()), inspect::field_type_name(f.type).data(),
                static_cast<int>(f.description.size()), f.description.data(), flags.c_str());
  }
  return 0;
}

}  // namespace vigil::cli
