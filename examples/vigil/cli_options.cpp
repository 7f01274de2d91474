#include "cli_options.h"

#include <cstring>

namespace vigil::cli {
namespace {

constexpr std::string_view kUsage = R"(Usage: vigil [OPTIONS]

vigil reads system-call events from .scap capture files (as written by sysdig, Falco's
capture mode and vigil itself), prints them, and rewrites them.

Input:
  -e FILE                 Read events from the capture FILE (plain or gzip).

Printing:
  --print                 Print one line per event on stdout.
  -p FORMAT               Print with a sysdig-style FORMAT (implies --print). Fields:
                            %evt.num %evt.time %evt.outputtime %evt.datetime %evt.rawtime
                            %evt.rawtime.s %evt.rawtime.ns %evt.cpu %evt.dir %evt.type
                            %evt.type.id %evt.args %evt.arg.NAME %evt.arg[N]
                            %evt.rawarg.NAME %evt.rawarg[N] %evt.res %evt.rawres
                            %thread.tid %proc.name
                          A line is printed only when every field exists for the event,
                          unless FORMAT starts with '*' (missing fields then show <NA>).
                          Default: *%evt.num %evt.outputtime %evt.cpu %proc.name
                                   (%thread.tid) %evt.dir %evt.type %evt.args
  --raw                   Show the records as stored: enter and exit events, old layouts,
                          internal events; what `sysdig -D` shows, parameters named and
                          typed as in sysdig 0.29.3. Without --raw, events are normalized to
                          the newest schema with one event per system call.
  --internal              Also show internal events (procinfo, scapevent, drop, container)
                          in normalized mode. --raw always shows them.

Writing:
  -w FILE                 Rewrite the input capture to FILE (newest format, file version
                          1.2). The input's metadata (machine, interfaces, users, processes,
                          fds) is copied. With --raw the records are copied as stored.
  --sysdig-compat         Write what sysdig 0.29.3 reads: 2022 event layouts with
                          enter/exit pairs (events sysdig cannot show are skipped, counted).
  -z, --compress          Gzip the written capture.

Other:
  -h, --help              Show this help.
  --version               Show the vigil version.

Events that a capture marks as state-only are never printed. Counts of records that were
skipped (unknown event ids) or could not be decoded are reported on stderr.

Examples:
  vigil -e trace.scap --print
  vigil -e trace.scap --raw -p '%evt.num %evt.rawtime %evt.type %evt.args'
  vigil -e new.scap -w old.scap --sysdig-compat -z
)";

Error usage_error(std::string message) {
  Error e;
  e.message = std::move(message) + " (see vigil --help)";
  return e;
}

}  // namespace

std::string_view cli_usage() { return kUsage; }

Result<CliOptions> parse_cli(int argc, const char* const* argv) {
  CliOptions o;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view inline_value;
    bool has_inline = false;
    // --name=value and -xVALUE forms.
    if (arg.starts_with("--")) {
      if (const size_t eq = arg.find('='); eq != std::string_view::npos) {
        inline_value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        has_inline = true;
      }
    } else if (arg.size() > 2 && arg[0] == '-' && (arg[1] == 'e' || arg[1] == 'p' || arg[1] == 'w')) {
      inline_value = arg.substr(2);
      arg = arg.substr(0, 2);
      has_inline = true;
    }
    auto value = [&](std::string& dest) -> Status {
      if (has_inline) {
        dest = inline_value;
        return {};
      }
      if (i + 1 >= argc) return usage_error("option " + std::string(arg) + " needs a value");
      dest = argv[++i];
      return {};
    };
    auto flag = [&](bool& dest) -> Status {
      if (has_inline) return usage_error("option " + std::string(arg) + " takes no value");
      dest = true;
      return {};
    };
    Status st;
    if (arg == "-h" || arg == "--help") {
      st = flag(o.help);
    } else if (arg == "--version") {
      st = flag(o.version);
    } else if (arg == "-e") {
      st = value(o.input);
    } else if (arg == "--print") {
      st = flag(o.print);
    } else if (arg == "-p") {
      st = value(o.format);
      o.print = true;
    } else if (arg == "--raw") {
      st = flag(o.raw);
    } else if (arg == "--internal") {
      st = flag(o.internal);
    } else if (arg == "-w") {
      st = value(o.output);
    } else if (arg == "--sysdig-compat") {
      st = flag(o.sysdig_compat);
    } else if (arg == "-z" || arg == "--compress") {
      st = flag(o.compress);
    } else {
      return usage_error("unknown option '" + std::string(argv[i]) + "'");
    }
    if (!st.ok()) return st.error();
  }
  if (o.help || o.version) return o;
  if (o.input.empty()) return usage_error("no input: give a capture file with -e FILE");
  if (!o.print && o.output.empty()) return usage_error("nothing to do: add --print, -p FORMAT or -w FILE");
  if (o.print && !o.output.empty()) return usage_error("--print/-p and -w cannot be combined");
  if (o.output.empty() && (o.sysdig_compat || o.compress))
    return usage_error("--sysdig-compat and --compress apply to -w");
  if (!o.output.empty() && o.internal) return usage_error("--internal applies to printing");
  return o;
}

}  // namespace vigil::cli
