// Turning the command line into a configured Engine: vigil.yaml plus -o overrides, the rules
// files (-r, or the default ruleset), and the rule selection (-D, -T, -t, config `rules:`).
#pragma once

#include <string>
#include <vector>

#include "cli_options.h"
#include "vigil/capture/live_source.h"
#include "vigil/engine/config.h"
#include "vigil/engine/engine.h"

namespace vigil::cli {

// -c FILE with the -o overrides, or the built-in defaults with the overrides. Errors are located.
Result<engine::Config> load_cli_config(const CliOptions& options);

// The rules to load: -r paths; else the config's rules_files when -c changed them; else the
// default ruleset (vigil_rules.yaml from the source tree when this binary runs from its build
// tree, else the installed copy).
std::vector<std::string> rules_paths(const CliOptions& options, const engine::Config& config);

// Loads `paths` (after append_output), printing errors on stderr Falco-style. Returns false when
// a file failed to load.
bool load_rules(engine::Engine& engine, const engine::Config& config, const std::vector<std::string>& paths);

// Config `rules:` selection, then -D, -T and -t, in Falco's order.
void select_rules(engine::Engine& engine, const CliOptions& options, const engine::Config& config);

// What the kernel must produce for the enabled rules: their event types plus what state tracking
// needs; everything when a rule has no event-type restriction.
capture::InterestSet rules_interest(const engine::Engine& engine);

}  // namespace vigil::cli
