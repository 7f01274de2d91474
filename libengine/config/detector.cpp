// Detector: configuration + rules -> Engine + Outputs, and the all-or-nothing swap of a reload.
#include "vigil/engine/detector.h"

#include <algorithm>
#include <set>
#include <utility>

namespace vigil::engine {

namespace {

// Everything one (re)load produces. Built completely before it replaces the running one.
struct Generation {
  Config config;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<Outputs> outputs;
  std::vector<std::string> rules_paths;
  std::vector<std::string> warnings;
};

Error located(const Diagnostic& d, const std::string& rules_file) {
  Error e;
  e.message = "error loading rules file " + rules_file + ": " + d.message;
  if (!d.item_name.empty()) e.message += " (" + d.item_type + " '" + d.item_name + "')";
  e.file = d.file.empty() ? rules_file : d.file;
  e.line = d.line;
  e.column = d.column;
  return e;
}

Result<Generation> build_generation(const inspect::FieldRegistry& fields, const DetectorOptions& o) {
  Generation g;
  auto config = o.config_file.empty() ? load_config_string("", "command line", o.overrides)
                                      : load_config_file(o.config_file, o.overrides);
  if (!config) return config.error();
  g.config = std::move(*config);
  g.warnings = g.config.warnings;

  EngineOptions eopts;
  eopts.min_priority = g.config.priority;
  eopts.rule_matching = g.config.rule_matching;
  g.engine = std::make_unique<Engine>(fields, eopts);
  apply_append_output(*g.engine, g.config);
  g.rules_paths = o.rules_paths ? o.rules_paths(g.config) : g.config.rules_files;
  for (const LoadResult& r : g.engine->load_paths(g.rules_paths)) {
    for (const Diagnostic& d : r.diagnostics) {
      if (!r.ok && d.severity == Severity::Error) return located(d, r.name);
      if (d.severity == Severity::Warning) g.warnings.push_back(d.to_string());
    }
    if (!r.ok) return Error{"error loading rules file", r.name};
  }
  apply_rule_selection(*g.engine, g.config);
  for (const std::string& pattern : o.disabled_rules) g.engine->enable_rules(pattern, NameMatch::Wildcard, false);
  for (const std::string& tag : o.disabled_tags) g.engine->enable_tags({tag}, false);
  if (!o.run_tags.empty()) g.engine->run_only_tags(std::set<std::string>(o.run_tags.begin(), o.run_tags.end()));

  auto outputs = build_outputs(g.config, o.outputs);
  if (!outputs) return outputs.error();
  g.outputs = std::move(*outputs);
  return g;
}

void add_stats(OutputsStats& into, const OutputsStats& from) {
  into.alerts += from.alerts;
  into.rate_limited += from.rate_limited;
  for (const SinkStats& s : from.sinks) {
    SinkStats* same = nullptr;
    for (SinkStats& t : into.sinks)
      if (t.name == s.name) same = &t;
    if (same == nullptr) {
      into.sinks.push_back(s);
      into.sinks.back().queued = 0;
      continue;
    }
    same->sent += s.sent;
    same->dropped += s.dropped;
    same->failed += s.failed;
    same->filtered += s.filtered;
    if (!s.last_error.empty()) same->last_error = s.last_error;
  }
}

}  // namespace

struct Detector::State {
  const inspect::FieldRegistry* fields;
  DetectorOptions options;
  Generation current;
  AlertCounters counters;
  OutputsStats retired;  // outputs replaced by reloads
  uint64_t reloads = 0;
  uint64_t failed_reloads = 0;
  RegisteredValues registered;

  // After every (re)load: the new rules' host names to the inspector.
  void register_values() {
    if (options.inspector) registered = register_compared_values(*current.engine, *options.inspector);
  }
};

Detector::Detector(std::unique_ptr<State> s) : s_(std::move(s)) {}

Detector::~Detector() { (void)close(); }

Result<std::unique_ptr<Detector>> Detector::create(const inspect::FieldRegistry& fields, DetectorOptions options) {
  auto s = std::make_unique<State>();
  s->fields = &fields;
  s->options = std::move(options);
  auto g = build_generation(fields, s->options);
  if (!g) return g.error();
  s->current = std::move(*g);
  s->register_values();
  return std::unique_ptr<Detector>(new Detector(std::move(s)));
}

size_t Detector::process(uint16_t event_type, const inspect::EventContext& ctx, uint64_t time_ns) {
  Generation& g = s_->current;
  const std::vector<Match>& matches = g.engine->evaluate(event_type, ctx);
  for (const Match& m : matches) {
    const Alert alert = g.engine->alert(m, ctx, time_ns, s_->options.hostname, g.config.time_format_iso_8601);
    s_->counters.count(alert);
    g.outputs->send(alert);
  }
  return matches.size();
}

Status Detector::reload() {
  auto g = build_generation(*s_->fields, s_->options);
  if (!g) {
    ++s_->failed_reloads;
    Error e = g.error();
    e.message = "reload refused, the previous rules and outputs stay active: " + e.message;
    return e;
  }
  // The old outputs deliver what they hold before the new ones take over: alerts stay in order
  // per destination, and a file or program is never written by two sinks at once.
  Generation old = std::exchange(s_->current, std::move(*g));
  s_->register_values();
  Status closed = old.outputs->close(s_->options.drain_timeout);
  add_stats(s_->retired, old.outputs->stats());
  ++s_->reloads;
  return closed;
}

void Detector::reopen_outputs() { s_->current.outputs->reopen(); }

Status Detector::close() {
  if (!s_ || !s_->current.outputs) return {};
  return s_->current.outputs->close(s_->options.drain_timeout);
}

const Config& Detector::config() const { return s_->current.config; }
Engine& Detector::engine() { return *s_->current.engine; }
const Engine& Detector::engine() const { return *s_->current.engine; }
Outputs& Detector::outputs() { return *s_->current.outputs; }
const std::vector<std::string>& Detector::warnings() const { return s_->current.warnings; }
const RegisteredValues& Detector::registered_values() const { return s_->registered; }
uint64_t Detector::reloads() const { return s_->reloads; }
uint64_t Detector::failed_reloads() const { return s_->failed_reloads; }
const AlertCounters& Detector::alert_counters() const { return s_->counters; }

std::vector<std::string> Detector::watched_paths() const {
  std::vector<std::string> out = s_->current.config.config_files;
  if (out.empty() && !s_->options.config_file.empty()) out.push_back(s_->options.config_file);
  for (const std::string& p : s_->current.rules_paths)
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  return out;
}

OutputsStats Detector::outputs_stats() const {
  OutputsStats out = s_->retired;
  add_stats(out, s_->current.outputs->stats());
  // The live outputs' queue lengths are the ones that matter.
  for (const SinkStats& s : s_->current.outputs->stats().sinks)
    for (SinkStats& t : out.sinks)
      if (t.name == s.name) t.queued = s.queued;
  return out;
}

}  // namespace vigil::engine
