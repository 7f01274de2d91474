// Command-line options of the vigil CLI: what the user asked for, parsed but not acted on.
#pragma once

#include <string>
#include <string_view>

#include "vigil/common/result.h"

namespace vigil::cli {

struct CliOptions {
  bool help = false;
  bool version = false;

  std::string input;          // -e FILE: read events from a capture file
  bool print = false;         // --print: one line per event on stdout
  std::string format;         // -p FORMAT (implies --print); empty: the sysdig default line
  bool raw = false;           // --raw: records as stored, enter events kept (sysdig -D view)
  bool internal = false;      // --internal: also show internal events (procinfo, ...)

  std::string output;         // -w FILE: rewrite the input capture
  bool sysdig_compat = false; // --sysdig-compat: write what sysdig 0.29.3 reads
  bool compress = false;      // -z / --compress: gzip the written capture
};

// Parses argv. Errors name the offending argument.
Result<CliOptions> parse_cli(int argc, const char* const* argv);

// The --help text.
std::string_view cli_usage();

}  // namespace vigil::cli
