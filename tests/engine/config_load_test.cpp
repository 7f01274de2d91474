// vigil.yaml loading: Falco keys into typed values, -o overrides, located errors, and outputs
// built from a configuration.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_paths.h"
#include "vigil/engine/config.h"

using namespace vigil::engine;
using vigil::Status;

namespace {

Config load_ok(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  auto c = load_config_string(yaml, "vigil.yaml", overrides);
  INFO((c.ok() ? std::string() : c.error().to_string()));
  REQUIRE(c.ok());
  return *c;
}

std::string load_error(const std::string& yaml, const std::vector<std::string>& overrides = {}) {
  auto c = load_config_string(yaml, "vigil.yaml", overrides);
  REQUIRE_FALSE(c.ok());
  return c.error().to_string();
}

}  // namespace

TEST_CASE("the default vigil.yaml loads without warnings and states exactly the built-in defaults") {
  auto c = load_config_file(vigil::test::source_path("rules/vigil.yaml"));
  INFO((c.ok() ? std::string() : c.error().to_string()));
  REQUIRE(c.ok());
  CHECK(c->warnings.empty());
  Config d;
  CHECK(c->rules_files == d.rules_files);
  CHECK(c->rules.empty());
  CHECK(c->append_output.empty());
  CHECK(c->priority == d.priority);
  CHECK(c->rule_matching == d.rule_matching);
  CHECK(c->format.json_output == d.format.json_output);
  CHECK(c->format.include_output == d.format.include_output);
  CHECK(c->format.include_output_fields == d.format.include_output_fields);
  CHECK(c->format.include_tags == d.format.include_tags);
  CHECK(c->format.include_message == d.format.include_message);
  CHECK(c->time_format_iso_8601 == d.time_format_iso_8601);
  CHECK(c->buffered_outputs == d.buffered_outputs);
  CHECK(c->outputs_rate == d.outputs_rate);
  CHECK(c->outputs_max_burst == d.outputs_max_burst);
  CHECK(c->outputs_queue_capacity == d.outputs_queue_capacity);
  CHECK(c->stdout_output.enabled == d.stdout_output.enabled);
  CHECK(c->file_output.enabled == d.file_output.enabled);
  CHECK(c->file_output.filename == d.file_output.filename);
  CHECK(c->file_output.keep_alive == d.file_output.keep_alive);
  CHECK(c->syslog_output.enabled == d.syslog_output.enabled);
  CHECK(c->syslog_output.socket == d.syslog_output.socket);
  CHECK(c->syslog_output.format == d.syslog_output.format);
  CHECK(c->syslog_output.facility == d.syslog_output.facility);
  CHECK(c->program_output.enabled == d.program_output.enabled);
  CHECK(c->program_output.argv.empty());
  CHECK(c->http_output.enabled == d.http_output.enabled);
  CHECK(c->http_output.user_agent == d.http_output.user_agent);
  CHECK(c->http_output.timeout_ms == d.http_output.timeout_ms);
  CHECK(c->http_output.connect_timeout_ms == d.http_output.connect_timeout_ms);
  CHECK(c->http_output.keep_alive == d.http_output.keep_alive);
  CHECK(c->syscall_event_drops.actions == d.syscall_event_drops.actions);
  CHECK(c->syscall_event_drops.threshold == d.syscall_event_drops.threshold);
  CHECK(c->syscall_event_drops.rate == d.syscall_event_drops.rate);
  CHECK(c->syscall_event_drops.max_burst == d.syscall_event_drops.max_burst);
  CHECK(c->metrics.enabled == d.metrics.enabled);
  CHECK(c->metrics.interval_ns == d.metrics.interval_ns);
  CHECK(c->metrics.output_rule == d.metrics.output_rule);
  CHECK(c->engine.kind == d.engine.kind);
  CHECK(c->engine.buf_size_preset == d.engine.buf_size_preset);
  CHECK(c->engine.buffer_bytes() == 8u << 20);
  CHECK(c->log_level == d.log_level);
  CHECK(c->watch_config_files == d.watch_config_files);
}

TEST_CASE("Falco's keys are read into typed values") {
  Config c = load_ok(R"(
rules_file: /etc/falco/falco_rules.yaml
json_output: true
json_include_output_property: false
json_include_tags_property: false
priority: warning
rule_matching: all
time_format_iso_8601: true
buffered_outputs: true
outputs: {rate: 1, max_burst: 5}
file_output: {enabled: true, keep_alive: true, filename: /var/log/vigil.txt, priority: error}
syslog_output: {enabled: false}
program_output:
  enabled: true
  keep_alive: true
  program: "jq '{text: .output}' \"a b\""
http_output:
  enabled: true
  url: http://sidekick:2801/
  insecure: true
  headers: {X-Api-Key: k1}
syscall_event_drops: {actions: [ignore, exit], threshold: 0.5, rate: 2, max_burst: 3}
metrics: {enabled: true, interval: 1m30s, output_file: /tmp/m.jsonl}
engine: {kind: modern_ebpf, modern_ebpf: {buf_size_preset: 6, cpus_for_each_buffer: 1}}
log_level: debug
rules:
  - disable: {rule: "*"}
  - enable: {tag: network}
append_output:
  - match: {source: syscall, tags: [a, b]}
    extra_output: "pod=%k8s.pod.name"
webserver: {enabled: true}
)");
  CHECK(c.warnings.empty());
  CHECK(c.rules_files == std::vector<std::string>{"/etc/falco/falco_rules.yaml"});
  CHECK(c.format.json_output);
  CHECK_FALSE(c.format.include_output);
  CHECK_FALSE(c.format.include_tags);
  CHECK(c.priority == Priority::Warning);
  CHECK(c.rule_matching == RuleMatching::All);
  CHECK(c.time_format_iso_8601);
  CHECK(c.buffered_outputs);
  CHECK(c.outputs_rate == 1);
  CHECK(c.outputs_max_burst == 5);
  CHECK(c.file_output.enabled);
  CHECK(c.file_output.keep_alive);
  CHECK(c.file_output.filename == "/var/log/vigil.txt");
  CHECK(c.file_output.min_priority == Priority::Error);
  CHECK_FALSE(c.syslog_output.enabled);
  CHECK(c.program_output.argv == std::vector<std::string>{"jq", "{text: .output}", "a b"});
  CHECK(c.http_output.url == "http://sidekick:2801/");
  CHECK(c.http_output.insecure);
  CHECK(c.http_output.headers == std::map<std::string, std::string>{{"X-Api-Key", "k1"}});
  CHECK(c.syscall_event_drops.actions == std::vector<DropAction>{DropAction::Ignore, DropAction::Exit});
  CHECK(c.syscall_event_drops.threshold == 0.5);
  CHECK(c.metrics.enabled);
  CHECK(c.metrics.interval_ns == 90ull * 1000000000ull);
  CHECK(c.metrics.output_file == "/tmp/m.jsonl");
  CHECK(c.engine.buffer_bytes() == 32u << 20);
  CHECK(c.engine.cpus_for_each_buffer == 1);
  CHECK(c.log_level == LogLevel::Debug);
  REQUIRE(c.rules.size() == 2);
  CHECK_FALSE(c.rules[0].enable);
  CHECK(c.rules[0].rule == "*");
  CHECK(c.rules[1].enable);
  CHECK(c.rules[1].tag == "network");
  REQUIRE(c.append_output.size() == 1);
  CHECK(c.append_output[0].source == "syscall");
  CHECK(c.append_output[0].tags == std::set<std::string>{"a", "b"});
  CHECK(c.append_output[0].format == "pod=%k8s.pod.name");
}

TEST_CASE("overrides given with -o set dotted paths, list items and list values like Falco's") {
  Config c = load_ok("rules_files: [/a.yaml, /b.yaml]\nfile_output: {enabled: false}\n",
                     {"json_output=true", "file_output.enabled=true", "file_output.filename=/tmp/x.txt",
                      "rules_files[1]=/c.yaml", "rules_files[2]=/d.yaml", "http_output.headers.X-Api-Key=secret",
                      "append_output[0].match.source=syscall", "append_output[0].extra_output=extra",
                      "syscall_event_drops.actions=[log,exit]", "metrics.interval=15s"});
  CHECK(c.format.json_output);
  CHECK(c.file_output.enabled);
  CHECK(c.file_output.filename == "/tmp/x.txt");
  CHECK(c.rules_files == std::vector<std::string>{"/a.yaml", "/c.yaml", "/d.yaml"});
  CHECK(c.http_output.headers.at("X-Api-Key") == "secret");
  REQUIRE(c.append_output.size() == 1);
  CHECK(c.append_output[0].source == "syscall");
  CHECK(c.append_output[0].format == "extra");
  CHECK(c.syscall_event_drops.actions == std::vector<DropAction>{DropAction::Log, DropAction::Exit});
  CHECK(c.metrics.interval_ns == 15ull * 1000000000ull);

  Config l = load_ok("", {"rules_files=[/x.yaml, /y.yaml]", "rules_files=[/z.yaml]"});
  CHECK(l.rules_files == std::vector<std::string>{"/z.yaml"});  // later overrides win
}

TEST_CASE("malformed -o options are refused with the option named") {
  CHECK(load_error("", {"json_output"}) == "-o json_output: expected key=value");
  CHECK(load_error("", {"rules_files[5]=/x"}) == "-o rules_files[5]=/x: index 5 is past the end of a list of 0");
  CHECK(load_error("", {"a..b=1"}) == "-o a..b=1: invalid -o key: empty name in 'a..b'");
  CHECK(load_error("", {"priority=bogus"}) ==
        "-o priority=bogus: priority: unknown priority 'bogus' (emergency, alert, critical, error, warning, "
        "notice, informational, debug)");
  CHECK(load_error("", {"file_output.enabled=maybe"}) ==
        "-o file_output.enabled=maybe: file_output.enabled: expected true or false, got 'maybe'");
}

TEST_CASE("wrong types and unknown values are errors located at line and column") {
  CHECK(load_error("json_output: true\npriority: bogus\n") ==
        "vigil.yaml:2:11: priority: unknown priority 'bogus' (emergency, alert, critical, error, warning, "
        "notice, informational, debug)");
  CHECK(load_error("file_output:\n  enabled: [1]\n") == "vigil.yaml:2:12: file_output.enabled: expected true or false");
  CHECK(load_error("outputs:\n  rate: fast\n") == "vigil.yaml:2:9: outputs.rate: expected a number, got 'fast'");
  CHECK(load_error("syscall_event_drops:\n  actions: [log, shout]\n") ==
        "vigil.yaml:2:18: syscall_event_drops.actions[1]: unknown value 'shout' (expected one of: ignore, log, "
        "alert, exit)");
  CHECK(load_error("metrics:\n  interval: 10 minutes\n") ==
        "vigil.yaml:2:13: metrics.interval: invalid duration '10 minutes': unit must be ns, us, ms, s, m, h, d or w");
  CHECK(load_error("metrics: {interval: 10ms}\n") == "vigil.yaml:1:21: metrics.interval: must be at least 100ms");
  CHECK(load_error("engine:\n  modern_ebpf:\n    buf_size_preset: 11\n") ==
        "vigil.yaml:3:22: engine.modern_ebpf.buf_size_preset: must be between 0 and 10");
  CHECK(load_error("stdout_output: yes\n") == "vigil.yaml:1:16: stdout_output: expected a map");
  CHECK(load_error("rules:\n  - enable: {rule: a, tag: b}\n") ==
        "vigil.yaml:2:13: rules[0].enable: give exactly one of rule: or tag:");
  CHECK(load_error("program_output: {program: \"sh -c 'oops\"}\n") ==
        "vigil.yaml:1:27: program_output.program: unterminated quote");
  CHECK(load_error("program_output:\n  program: jq . | curl -d @- http://x\n") ==
        "vigil.yaml:2:12: program_output.program: shell syntax '|' in a program string: vigil runs no shell; "
        "give the argv as a list, e.g. [/bin/sh, -c, \"...\"]");
  CHECK(load_ok("program_output:\n  program: \"logger -t 'a|b'\"\n").program_output.argv ==
        std::vector<std::string>{"logger", "-t", "a|b"});
  CHECK(load_error("json_output: [\n") .rfind("vigil.yaml:2:1: invalid YAML: ", 0) == 0);
  CHECK(load_error("- a\n- b\n") == "vigil.yaml:1:1: the configuration must be a map of keys");
}

TEST_CASE("unknown keys are warnings with their location; ignored Falco keys are silent") {
  Config c = load_ok("grpc: {enabled: false}\nfile_output:\n  filenme: x\nfoo: 1\n");
  REQUIRE(c.warnings.size() == 2);
  CHECK(c.warnings[0] == "vigil.yaml:3:3: file_output.filenme: unknown key, ignored");
  CHECK(c.warnings[1] == "vigil.yaml:4:1: foo: unknown key, ignored");
}

TEST_CASE("a missing configuration file is an error naming it") {
  auto c = load_config_file("/nonexistent/vigil.yaml");
  REQUIRE_FALSE(c.ok());
  CHECK(c.error().to_string() == "/nonexistent/vigil.yaml: cannot read configuration file");
}

TEST_CASE("durations use Falco's units and refuse garbage") {
  CHECK(*parse_duration("500ms") == 500000000ull);
  CHECK(*parse_duration("1h30m") == 5400ull * 1000000000ull);
  CHECK(*parse_duration("2d") == 172800ull * 1000000000ull);
  CHECK(*parse_duration("1w") == 604800ull * 1000000000ull);
  CHECK(*parse_duration("250us") == 250000ull);
  CHECK_FALSE(parse_duration("").ok());
  CHECK_FALSE(parse_duration("10").ok());
  CHECK_FALSE(parse_duration("ms").ok());
  CHECK_FALSE(parse_duration("99999999999999999999s").ok());
}

TEST_CASE("build_outputs starts the enabled outputs and refuses incomplete ones") {
  std::string dir = vigil::test::temp_dir();
  Config c = load_ok("stdout_output: {enabled: false}\nsyslog_output: {enabled: false}\n",
                     {"file_output.enabled=true", "file_output.filename=" + dir + "/e.txt",
                      "file_output.priority=error"});
  auto outputs = build_outputs(c);
  REQUIRE(outputs.ok());
  auto st = (*outputs)->stats();
  REQUIRE(st.sinks.size() == 1);
  CHECK(st.sinks[0].name == "file");

  Config http = load_ok("http_output: {enabled: true}\n");
  auto bad = build_outputs(http);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().to_string() == "vigil.yaml: http_output is enabled but http_output.url is empty");
  Config prog = load_ok("program_output: {enabled: true}\n");
  CHECK_FALSE(build_outputs(prog).ok());
}

TEST_CASE("config_files replace top-level keys in order and errors point into the included file") {
  std::string dir = vigil::test::temp_dir();
  std::filesystem::create_directories(dir + "/config.d");
  auto write = [](const std::string& path, const std::string& text) { std::ofstream(path) << text; };
  write(dir + "/vigil.yaml", "config_files: [config.d, extra.yaml, missing.d]\njson_output: false\npriority: error\n");
  write(dir + "/config.d/20-b.yaml", "file_output: {enabled: true, filename: /b.txt}\n");
  write(dir + "/config.d/10-a.yaml", "json_output: true\nfile_output: {enabled: true, filename: /a.txt}\n");
  write(dir + "/config.d/notes.txt", "not: yaml: at: all\n");
  write(dir + "/extra.yaml", "priority: notice\n");
  auto c = load_config_file(dir + "/vigil.yaml", {"priority=warning"});
  REQUIRE(c.ok());
  CHECK(c->format.json_output);
  CHECK(c->file_output.filename == "/b.txt");
  CHECK(c->priority == Priority::Warning);  // -o applies last
  CHECK(c->config_files == std::vector<std::string>{dir + "/vigil.yaml", dir + "/config.d/10-a.yaml",
                                                    dir + "/config.d/20-b.yaml", dir + "/extra.yaml"});
  REQUIRE(c->warnings.size() == 1);
  CHECK(c->warnings[0] == dir + "/vigil.yaml: config_files: " + dir + "/missing.d does not exist, skipped");

  write(dir + "/extra.yaml", "priority: notice\nstdout_output:\n  enabled: perhaps\n");
  auto bad = load_config_file(dir + "/vigil.yaml");
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().to_string() == dir + "/extra.yaml:3:12: stdout_output.enabled: expected true or false, got 'perhaps'");
}
