// The CLI's commands. Each returns the process exit code and reports errors on stderr.
#pragma once

#include "cli_options.h"

namespace vigil::cli {

// Default: events (file or live) through the rules, alerts to the outputs.
int run_detect(const CliOptions& options);
// -V: validate rules files.
int run_validate(const CliOptions& options);
// -L: list the loaded rules.
int run_list_rules(const CliOptions& options);
// --list-fields: the fields rules and formats can use.
int run_list_fields(const CliOptions& options);
// --print / -p [FILTER]: one line per event on stdout.
int run_print(const CliOptions& options);
// -w: rewrite the input capture, or record the live capture.
int run_write(const CliOptions& options);

}  // namespace vigil::cli
