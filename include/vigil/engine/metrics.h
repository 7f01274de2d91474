// Metrics: vigil's counters as Prometheus text exposition and periodic stats lines.
//
// Everything is fed in as plain numbers so any application (the vigil CLI, an embedder) can
// report its own sources: the driver's event and drop counters, state table sizes, the alert
// counters kept by AlertCounters, and Outputs::stats().
//
//   AlertCounters alerts;  ... alerts.count(alert);             // per alert
//   MetricsSnapshot m{.events = n, .drops = d, .rules = alerts.rules(), .outputs = out.stats()};
//   m.state_sizes = {{"threads", tt.size()}, {"fds", fds}};
//   write(render_prometheus(m));                               // or render_stats_json(m)
//
// Thread safety: AlertCounters and MetricsTicker are one-thread-at-a-time; the render functions
// are pure.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "vigil/common/result.h"
#include "vigil/engine/engine.h"
#include "vigil/engine/outputs.h"

namespace vigil::engine {

// Matches of one rule.
struct RuleCount {
  std::string rule;
  Priority priority = Priority::Debug;
  std::string source;
  uint64_t matches = 0;
};

// Counts alerts per rule. count() allocates only the first time a rule fires.
class AlertCounters {
 public:
  void count(const Alert& alert) { count(alert.rule, alert.priority, alert.source); }
  void count(const std::string& rule, Priority priority, const std::string& source);
  uint64_t total() const { return total_; }
  // Sorted by rule name.
  std::vector<RuleCount> rules() const;

 private:
  std::map<std::string, RuleCount, std::less<>> by_rule_;
  uint64_t total_ = 0;
};

struct MetricsSnapshot {
  uint64_t time_ns = 0;          // wall clock of the snapshot
  double uptime_seconds = 0;
  std::string hostname;
  uint64_t events = 0;           // events read from the source
  uint64_t drops = 0;            // events the driver dropped (all reasons)
  std::vector<std::pair<std::string, uint64_t>> drops_by_reason;  // {"buffer", n}, {"page_faults", n}...
  std::vector<RuleCount> rules;  // from AlertCounters::rules()
  OutputsStats outputs;          // from Outputs::stats()
  std::vector<std::pair<std::string, uint64_t>> state_sizes;  // {"threads", n}, {"fds", n}...
  // Anything else as gauges: {"memory_rss_bytes", n} -> vigil_memory_rss_bytes n.
  std::vector<std::pair<std::string, double>> extra_gauges;
};

// Prometheus text exposition format 0.0.4 (HELP/TYPE lines, escaped labels). Metric names:
//   vigil_events_total, vigil_drops_total, vigil_drops_by_reason_total{reason},
//   vigil_alerts_total, vigil_alerts_by_priority_total{priority},
//   vigil_rule_matches_total{rule,priority,source},
//   vigil_output_sent_total / _dropped_total / _failed_total / _filtered_total{output},
//   vigil_output_queue_length{output}, vigil_outputs_rate_limited_total,
//   vigil_state_entries{table}, vigil_uptime_seconds, and vigil_<extra gauge>.
// Every priority appears in vigil_alerts_by_priority_total, zero or not.
std::string render_prometheus(const MetricsSnapshot& m);

// One JSON object on one line (for metrics.output_file), keys as in the Prometheus names
// without the vigil_ prefix; `include_empty` keeps zero counters.
std::string render_stats_json(const MetricsSnapshot& m, bool include_empty = false);

// metrics.prometheus_file: replaces `path` with render_prometheus(m) atomically (a temporary
// file in the same directory, then rename), so a scraper never reads half a file.
Status write_prometheus_file(const std::string& path, const MetricsSnapshot& m);
// metrics.output_file: appends render_stats_json(m, include_empty) and a newline to `path`.
Status append_stats_line(const std::string& path, const MetricsSnapshot& m, bool include_empty = false);

// The snapshot as an internal alert (metrics.output_rule): rule "Falco internal: metrics
// snapshot", priority Informational, source "internal", message "Falco metrics snapshot", and
// the counters of render_stats_json as numeric output fields.
Alert stats_alert(const MetricsSnapshot& m, bool iso8601, bool include_empty = false);

// Decides when periodic stats are due: every `interval_ns` of the clock it is given.
class MetricsTicker {
 public:
  explicit MetricsTicker(uint64_t interval_ns) : interval_(interval_ns) {}
  // True at most once per interval; the first call only starts the clock.
  bool due(uint64_t now_ns);

 private:
  uint64_t interval_;
  uint64_t next_ = 0;
};

}  // namespace vigil::engine
