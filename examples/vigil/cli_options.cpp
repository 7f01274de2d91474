#include "cli_options.h"

#include <cstdlib>
#include <cstring>

namespace vigil::cli {
namespace {

constexpr std::string_view kUsage = R"(Usage: vigil [OPTIONS] [FILTER]

vigil watches system calls, live on this machine (eBPF, needs root) or replayed from .scap
capture files, and raises alerts when Falco-style rules match. It also prints, filters and
records events, like sysdig.

Input:
  -e FILE                 Read events from the capture FILE (plain or gzip; a pipe or FIFO
                          works, "-" is standard input). Without -e, vigil captures live
                          from this machine's kernel.
  -M, --duration SECONDS  Stop a live capture after SECONDS (default: until SIGINT/SIGTERM).

Detection (the default when neither --print nor -w is given):
  -r PATH                 Load rules from a file, or every *.yaml/*.yml of a directory.
                          Repeatable. Default: vigil_rules.yaml (rules/ in the source tree
                          when run from the build tree, else the installed data directory).
  -c FILE                 Read the configuration (vigil.yaml; falco.yaml keys) from FILE.
  -o KEY=VALUE            Set a configuration key, e.g. -o json_output=true,
                          -o priority=warning, -o file_output.enabled=true. Repeatable.
  --json                  Print alerts as JSON, one object per line (-o json_output=true).
  -D PATTERN              Disable the rules whose name matches PATTERN ('*' wildcards).
  -T TAG                  Disable the rules with the tag TAG. Repeatable.
  -t TAG                  Only run the rules with the tag TAG. Repeatable.
  -A                      Evaluate all events (accepted for Falco compatibility: vigil
                          always does).
  -V PATH                 Validate rules files, print the result and exit. Repeatable.
  -L                      List the loaded rules (name and description) and exit.
  --list-fields           List the fields rules and formats can use, and exit.
  At the end vigil prints on stderr how many events it saw, how many were dropped and
  how many alerts it raised. SIGINT/SIGTERM stop a live capture; SIGUSR1 makes the
  outputs reopen their files (log rotation); SIGHUP reloads the configuration and the
  rules in place, keeping process and fd state (a rules file that does not load leaves
  the running rules active). With watch_config_files (the default) a live capture
  reloads by itself when the configuration or a rules file changes.

Printing:
  --print                 Print one line per event on stdout.
  -p FORMAT               Print with a sysdig-style FORMAT (implies --print). Fields:
                            %evt.num %evt.time %evt.outputtime %evt.datetime %evt.rawtime
                            %evt.rawtime.s %evt.rawtime.ns %evt.cpu %evt.dir %evt.type
                            %evt.type.id %evt.args %evt.arg.NAME %evt.arg[N]
                            %evt.rawarg.NAME %evt.rawarg[N] %evt.res %evt.rawres
                            %thread.tid %proc.name, and every field of --list-fields
                            (%fd.name, %proc.cmdline, %user.name, ...).
                          A line is printed only when every field exists for the event,
                          unless FORMAT starts with '*' (missing fields then show <NA>).
                          Default: *%evt.num %evt.outputtime %evt.cpu %proc.name
                                   (%thread.tid) %evt.dir %evt.type %evt.args
  FILTER                  With --print: only events matching this condition (the rules'
                          condition language), e.g. 'evt.type=open and fd.name contains /etc'.
  --raw                   Show the records as stored: enter and exit events, old layouts,
                          internal events; what `sysdig -D` shows, parameters named and
                          typed as in sysdig 0.29.3. Without --raw, events are normalized to
                          the newest schema with one event per system call.
  --internal              Also show internal events (procinfo, scapevent, drop, container)
                          in normalized mode. --raw always shows them.

Writing:
  -w FILE                 Rewrite the input capture to FILE (newest format, file version
                          1.2), or record the live capture to FILE. The input's metadata
                          (machine, interfaces, users, processes, fds) is copied. With --raw
                          the records are copied as stored.
  --sysdig-compat         Write what sysdig 0.29.3 reads: 2022 event layouts with
                          enter/exit pairs (events sysdig cannot show are skipped, counted).
  -z, --compress          Gzip the written capture.

Other:
  -h, --help              Show this help.
  --version               Show the vigil version.

Events that a capture marks as state-only are never printed. Counts of records that were
skipped (unknown event ids) or could not be decoded are reported on stderr.

Exit status: 0 success, 1 a rules file or the input failed (or live capture is impossible),
2 a bad command line.

Examples:
  sudo vigil                                  # live detection with the default rules
  sudo vigil -r my_rules.yaml -M 60 --json    # one minute, JSON alerts
  vigil -r rules/ -e trace.scap               # replay a capture through the rules
  vigil -V my_rules.yaml
  vigil -e trace.scap --print 'evt.type=open and fd.name contains /etc'
  vigil -e trace.scap --raw -p '%evt.num %evt.rawtime %evt.type %evt.args'
  vigil -e new.scap -w old.scap --sysdig-compat -z
  sudo vigil -w live.scap -M 10               # record ten seconds of this machine
)";

Error usage_error(std::string message) {
  Error e;
  e.message = std::move(message) + " (see vigil --help)";
  return e;
}

// Short options that take a value, which may also be attached ("-eFILE").
bool short_with_value(char c) { return std::strchr("epwrVDTtocM", c) != nullptr; }

}  // namespace

std::string_view cli_usage() { return kUsage; }

Result<CliOptions> parse_cli(int argc, const char* const* argv) {
  CliOptions o;
  bool help = false, version = false, json = false;
  std::string duration;
  std::vector<std::string> positional;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view inline_value;
    bool has_inline = false;
    if (arg == "--") {
      for (++i; i < argc; ++i) positional.emplace_back(argv[i]);
      break;
    }
    if (arg.empty() || arg[0] != '-' || arg == "-") {
      positional.emplace_back(arg);
      continue;
    }
    // --name=value and -xVALUE forms.
    if (arg.starts_with("--")) {
      if (const size_t eq = arg.find('='); eq != std::string_view::npos) {
        inline_value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
        has_inline = true;
      }
    } else if (arg.size() > 2 && short_with_value(arg[1])) {
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
    auto append = [&](std::vector<std::string>& dest) -> Status {
      std::string v;
      if (Status st = value(v); !st.ok()) return st;
      dest.push_back(std::move(v));
      return {};
    };
    auto flag = [&](bool& dest) -> Status {
      if (has_inline) return usage_error("option " + std::string(arg) + " takes no value");
      dest = true;
      return {};
    };
    Status st;
    if (arg == "-h" || arg == "--help") {
      st = flag(help);
    } else if (arg == "--version") {
      st = flag(version);
    } else if (arg == "-e") {
      st = value(o.input);
      if (o.input == "-") o.input = "/dev/stdin";  // read as a stream: the reader never seeks
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
    } else if (arg == "-r") {
      st = append(o.rules);
    } else if (arg == "-V") {
      st = append(o.validate);
    } else if (arg == "-L") {
      st = flag(o.list_rules);
    } else if (arg == "--list-fields") {
      st = flag(o.list_fields);
    } else if (arg == "-A") {
      st = flag(o.all_events);
    } else if (arg == "-D") {
      st = append(o.disable_rules);
    } else if (arg == "-T") {
      st = append(o.disable_tags);
    } else if (arg == "-t") {
      st = append(o.run_tags);
    } else if (arg == "-o") {
      st = append(o.overrides);
    } else if (arg == "--json") {
      st = flag(json);
    } else if (arg == "-c") {
      st = value(o.config);
    } else if (arg == "-M" || arg == "--duration") {
      st = value(duration);
    } else {
      return usage_error("unknown option '" + std::string(argv[i]) + "'");
    }
    if (!st.ok()) return st.error();
  }
  if (help) {
    o.command = Command::Help;
    return o;
  }
  if (version) {
    o.command = Command::Version;
    return o;
  }
  if (json) o.overrides.emplace_back("json_output=true");
  if (!duration.empty()) {
    char* end = nullptr;
    o.duration_seconds = std::strtod(duration.c_str(), &end);
    if (end == duration.c_str() || *end != '\0' || !(o.duration_seconds > 0))
      return usage_error("-M/--duration needs a positive number of seconds, not '" + duration + "'");
  }
  for (const std::string& p : positional) o.filter += (o.filter.empty() ? "" : " ") + p;

  if (o.list_fields) {
    o.command = Command::ListFields;
  } else if (!o.validate.empty()) {
    o.command = Command::Validate;
  } else if (o.list_rules) {
    o.command = Command::ListRules;
  } else if (!o.output.empty()) {
    o.command = Command::Write;
  } else if (o.print) {
    o.command = Command::Print;
  } else {
    o.command = Command::Detect;
  }
  if (o.print && !o.output.empty()) return usage_error("--print/-p and -w cannot be combined");
  if (o.output.empty() && (o.sysdig_compat || o.compress))
    return usage_error("--sysdig-compat and --compress apply to -w");
  if (!o.output.empty() && o.internal) return usage_error("--internal applies to printing");
  if (!o.filter.empty() && o.command != Command::Print)
    return usage_error("a filter ('" + o.filter + "') applies to --print; unexpected argument");
  if (o.command == Command::Detect && (o.raw || o.internal))
    return usage_error("--raw and --internal apply to --print and -w");
  if (o.duration_seconds > 0 && !o.input.empty()) return usage_error("-M/--duration applies to live capture (no -e)");
  return o;
}

}  // namespace vigil::cli
