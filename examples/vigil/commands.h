// The CLI's commands. Each returns the process exit code and reports errors on stderr.
#pragma once

#include "cli_options.h"

namespace vigil::cli {

// --print / -p: one line per event on stdout.
int run_print(const CliOptions& options);
// -w: rewrite the input capture.
int run_write(const CliOptions& options);

}  // namespace vigil::cli
