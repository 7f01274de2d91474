// Command-line options of the vigil CLI: what the user asked for, parsed but not acted on.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/common/result.h"

namespace vigil::cli {

// What the invocation does; decided from the options by parse_cli.
enum class Command : uint8_t { Help, Version, ListFields, Validate, ListRules, Write, Print, Detect };

struct CliOptions {
  Command command = Command::Detect;

  std::string input;          // -e FILE: read events from a capture file; empty: live capture
  bool print = false;         // --print: one line per event on stdout
  std::string format;         // -p FORMAT (implies --print); empty: the sysdig default line
  bool raw = false;           // --raw: records as stored, enter events kept (sysdig -D view)
  bool internal = false;      // --internal: also show internal events (procinfo, ...)
  std::string filter;         // trailing arguments: a condition selecting the events printed

  std::string output;         // -w FILE: rewrite the input capture / record the live capture
  bool sysdig_compat = false; // --sysdig-compat: write what sysdig 0.29.3 reads
  bool compress = false;      // -z / --compress: gzip the written capture

  std::vector<std::string> rules;         // -r PATH (file or directory), in order
  std::vector<std::string> validate;      // -V PATH
  bool list_rules = false;                // -L
  bool list_fields = false;               // --list-fields
  bool all_events = false;                // -A (accepted; replay always evaluates every event)
  std::vector<std::string> disable_rules; // -D PATTERN ('*' wildcards)
  std::vector<std::string> disable_tags;  // -T TAG
  std::vector<std::string> run_tags;      // -t TAG
  std::vector<std::string> overrides;     // -o key=value (vigil.yaml keys), --json adds one
  std::string config;                     // -c FILE (vigil.yaml)
  double duration_seconds = 0;            // -M / --duration: stop a live capture after this long
};

// Parses argv. Errors name the offending argument.
Result<CliOptions> parse_cli(int argc, const char* const* argv);

// The --help text.
std::string_view cli_usage();

}  // namespace vigil::cli
