// Config: vigil.yaml, Falco's falco.yaml keys loaded into typed values.
//
//   auto cfg = vigil::engine::load_config_file("/etc/vigil/vigil.yaml", {"json_output=true"});
//   if (!cfg) die(cfg.error().to_string());   // "vigil.yaml:12:10: priority: unknown priority ..."
//   auto outputs = vigil::engine::build_outputs(*cfg);
//
// Overrides follow Falco's `-o key=value`: a dotted path with optional indexes
// (`file_output.enabled=true`, `rules_files[0]=/x.yaml`, `append_output[0].match.source=syscall`),
// and the value is read as YAML, so `[a,b]` is a list and `{k: v}` a map. Overrides apply to the
// document before it is checked, in order. Missing keys keep the defaults documented in
// rules/vigil.yaml (Falco's defaults).
//
// Wrong types and unknown values are errors located at FILE:LINE:COLUMN (or at the `-o` option
// that set them). Unknown keys are warnings, except Falco keys vigil accepts and ignores.
//
// Thread safety: plain values and pure functions.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/common/result.h"
#include "vigil/engine/alert_sink.h"
#include "vigil/engine/drop_policy.h"
#include "vigil/engine/engine.h"
#include "vigil/engine/outputs.h"

namespace vigil::engine {

enum class LogLevel : uint8_t { Emergency, Alert, Critical, Error, Warning, Notice, Info, Debug };

struct StdoutOutputConfig {
  bool enabled = true;
  Priority min_priority = Priority::Debug;  // `priority` inside the section (vigil extension)
};

struct FileOutputConfig {
  bool enabled = false;
  bool keep_alive = false;
  std::string filename = "./events.txt";
  Priority min_priority = Priority::Debug;
};

struct SyslogOutputConfig {
  bool enabled = true;
  std::string socket = "/dev/log";
  SyslogFormat format = SyslogFormat::Rfc3164;
  int facility = 1;
  Priority min_priority = Priority::Debug;
};

struct ProgramOutputConfig {
  bool enabled = false;
  bool keep_alive = false;
  // `program:` is either a list (argv as is) or a string split into words at blanks, with
  // '...' and "..." grouping and no other interpretation: no shell ever runs it (unquoted
  // | & ; < > ` $ ( ) are refused with an error saying so).
  std::vector<std::string> argv;
  Priority min_priority = Priority::Debug;
};

struct HttpOutputConfig {
  bool enabled = false;
  std::string url;
  std::string user_agent = "vigil";
  bool insecure = false;
  std::string ca_cert;
  std::string ca_bundle;  // Falco's name for a CA file; used when ca_cert is empty
  std::string ca_path;
  bool mtls = false;
  std::string client_cert;
  std::string client_key;
  bool keep_alive = true;
  long timeout_ms = 5000;
  long connect_timeout_ms = 2000;
  std::map<std::string, std::string> headers;
  Priority min_priority = Priority::Debug;
};

struct MetricsConfig {
  bool enabled = false;
  uint64_t interval_ns = 3600ull * 1000000000ull;  // `interval: 1h`; units ns us ms s m h d w
  bool output_rule = true;       // emit the stats as an internal alert through the outputs
  std::string output_file;       // append one JSON stats line per interval
  std::string prometheus_file;   // rewrite a Prometheus text file per interval (node_exporter style)
  bool include_empty_values = false;
};

// Falco's `webserver` section: an HTTP endpoint serving GET /metrics (Prometheus text) and a
// health check. Unlike Falco it is off by default and listens on loopback only unless told.
struct WebserverConfig {
  bool enabled = false;
  std::string listen_address = "127.0.0.1";
  uint16_t listen_port = 8765;                   // 0: any free port (the CLI prints which)
  std::string k8s_healthz_endpoint = "/healthz";
  bool prometheus_metrics_enabled = false;       // serve /metrics
};

// The live driver's ring buffers (Falco's engine.modern_ebpf section).
struct DriverConfig {
  std::string kind = "modern_ebpf";
  uint32_t buf_size_preset = 4;  // 1..10: 1,2,4,8,...,512 MiB per buffer; 0 = the default 8 MiB
  uint32_t cpus_for_each_buffer = 2;
  bool drop_failed_exit = false;
  // Bytes per ring buffer for buf_size_preset.
  uint64_t buffer_bytes() const;
};

// One entry of Falco's `rules:` selection list, applied in order after loading:
//   rules: [{disable: {rule: "*"}}, {enable: {tag: network}}, {enable: {rule: "Write below*"}}]
struct RuleSelection {
  bool enable = true;
  std::string rule;  // wildcard pattern ('*'), empty when selecting by tag
  std::string tag;
};

struct Config {
  std::vector<std::string> rules_files = {"/etc/vigil/vigil_rules.yaml", "/etc/vigil/vigil_rules.local.yaml",
                                          "/etc/vigil/rules.d"};
  std::vector<RuleSelection> rules;
  std::vector<ExtraOutput> append_output;
  AlertFormat format;              // json_output and json_include_*_property
  Priority priority = Priority::Debug;  // minimum rule priority loaded
  RuleMatching rule_matching = RuleMatching::First;
  bool time_format_iso_8601 = false;
  bool buffered_outputs = false;
  double outputs_rate = 0;         // outputs.rate (0 = unlimited)
  double outputs_max_burst = 1000; // outputs.max_burst
  size_t outputs_queue_capacity = 1024;  // outputs_queue.capacity (per output)
  StdoutOutputConfig stdout_output;
  FileOutputConfig file_output;
  SyslogOutputConfig syslog_output;
  ProgramOutputConfig program_output;
  HttpOutputConfig http_output;
  DropPolicyOptions syscall_event_drops;
  MetricsConfig metrics;
  WebserverConfig webserver;
  DriverConfig engine;
  LogLevel log_level = LogLevel::Info;
  bool log_stderr = true;
  bool log_syslog = true;
  bool watch_config_files = true;

  std::vector<std::string> warnings;  // located "FILE:LINE:COL: unknown key ..." lines
  std::string source;                 // the file (or name) this was loaded from
  // Every file read: the main one, then those of `config_files` (Falco's config.d mechanism:
  // files, or directories contributing their *.yaml/*.yml sorted by name, whose top-level keys
  // replace the main file's, in order; -o overrides apply last). What watch_config_files watches.
  std::vector<std::string> config_files;
};

// Loads `path` and applies `overrides` ("key=value", as given to -o).
Result<Config> load_config_file(const std::string& path, const std::vector<std::string>& overrides = {});
// The same for text; `name` is used in error locations.
Result<Config> load_config_string(std::string_view yaml, const std::string& name,
                                  const std::vector<std::string>& overrides = {});

// The enabled outputs of `config` as a ready Outputs. `options` supplies what the file cannot
// (clock, on_error); its format/rate/buffering fields are replaced by the config's.
Result<std::unique_ptr<Outputs>> build_outputs(const Config& config, OutputsOptions options = {});

// config.append_output -> Engine::add_extra_output. Call before loading rules files.
void apply_append_output(Engine& engine, const Config& config);
// config.rules (enable/disable by wildcard rule name or tag) on the default ruleset, in order.
// Call after loading rules files.
void apply_rule_selection(Engine& engine, const Config& config);

// Falco's duration syntax ("500ms", "15m", "1h30m"); nanoseconds.
Result<uint64_t> parse_duration(std::string_view text);

}  // namespace vigil::engine
