// Prometheus exposition and JSON stats lines from plain counters.
#include "vigil/engine/metrics.h"

#include <cctype>
#include <cstdio>

#include "output/json_writer.h"
#include "output/time_format.h"

namespace vigil::engine {

void AlertCounters::count(const std::string& rule, Priority priority, const std::string& source) {
  ++total_;
  auto it = by_rule_.find(rule);
  if (it == by_rule_.end()) it = by_rule_.emplace(rule, RuleCount{rule, priority, source, 0}).first;
  ++it->second.matches;
}

std::vector<RuleCount> AlertCounters::rules() const {
  std::vector<RuleCount> out;
  out.reserve(by_rule_.size());
  for (auto& [name, rc] : by_rule_) out.push_back(rc);
  return out;
}

bool MetricsTicker::due(uint64_t now_ns) {
  if (next_ == 0) {
    next_ = now_ns + interval_;
    return false;
  }
  if (now_ns < next_) return false;
  // Skip missed intervals instead of firing a burst after a stall.
  while (next_ <= now_ns) next_ += interval_ ? interval_ : 1;
  return true;
}

namespace {

// Label values escape backslash, double quote and newline (exposition format 0.0.4).
std::string label(std::string_view v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

class Exposition {
 public:
  void family(const char* name, const char* type, const char* help) {
    current_ = std::string("vigil_") + name;
    out_ += "# HELP " + current_ + ' ' + help + '\n';
    out_ += "# TYPE " + current_ + ' ' + type + '\n';
  }
  void sample(uint64_t v, std::initializer_list<std::pair<const char*, std::string_view>> labels = {}) {
    sample_text(std::to_string(v), labels);
  }
  void sample_text(const std::string& v, std::initializer_list<std::pair<const char*, std::string_view>> labels) {
    out_ += current_;
    if (labels.size()) {
      out_ += '{';
      bool first = true;
      for (auto& [k, val] : labels) {
        if (!first) out_ += ',';
        first = false;
        out_ += k;
        out_ += "=\"" + label(val) + '"';
      }
      out_ += '}';
    }
    out_ += ' ' + v + '\n';
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
  std::string current_;
};

const Priority kPriorities[] = {Priority::Emergency, Priority::Alert,  Priority::Critical,      Priority::Error,
                                Priority::Warning,   Priority::Notice, Priority::Informational, Priority::Debug};

std::vector<uint64_t> per_priority(const std::vector<RuleCount>& rules) {
  std::vector<uint64_t> out(8, 0);
  for (auto& r : rules) out[static_cast<size_t>(r.priority) & 7] += r.matches;
  return out;
}

}  // namespace

std::string render_prometheus(const MetricsSnapshot& m) {
  Exposition e;
  e.family("events_total", "counter", "Events read from the event source.");
  e.sample(m.events);
  e.family("drops_total", "counter", "Events dropped by the driver before vigil saw them.");
  e.sample(m.drops);
  if (!m.drops_by_reason.empty()) {
    e.family("drops_by_reason_total", "counter", "Driver drops by cause.");
    for (auto& [reason, n] : m.drops_by_reason) e.sample(n, {{"reason", reason}});
  }
  uint64_t alerts = 0;
  for (auto& r : m.rules) alerts += r.matches;
  e.family("alerts_total", "counter", "Alerts raised by rules.");
  e.sample(alerts);
  e.family("alerts_by_priority_total", "counter", "Alerts raised by rules, by rule priority.");
  auto prio = per_priority(m.rules);
  for (Priority p : kPriorities) e.sample(prio[static_cast<size_t>(p)], {{"priority", priority_name(p)}});
  if (!m.rules.empty()) {
    e.family("rule_matches_total", "counter", "Alerts raised by each rule.");
    for (auto& r : m.rules) {
      e.sample(r.matches, {{"rule", r.rule}, {"priority", priority_name(r.priority)}, {"source", r.source}});
    }
  }
  e.family("outputs_rate_limited_total", "counter", "Alerts refused by the outputs rate limiter.");
  e.sample(m.outputs.rate_limited);
  struct Counter {
    const char* name;
    const char* help;
    uint64_t SinkStats::*field;
  };
  const Counter counters[] = {
      {"output_sent_total", "Alerts delivered by each output.", &SinkStats::sent},
      {"output_dropped_total", "Alerts dropped because the output's queue was full.", &SinkStats::dropped},
      {"output_failed_total", "Alerts the output failed to deliver.", &SinkStats::failed},
      {"output_filtered_total", "Alerts below the output's minimum priority.", &SinkStats::filtered},
  };
  if (!m.outputs.sinks.empty()) {
    for (auto& c : counters) {
      e.family(c.name, "counter", c.help);
      for (auto& s : m.outputs.sinks) e.sample(s.*c.field, {{"output", s.name}});
    }
    e.family("output_queue_length", "gauge", "Alerts waiting in each output's queue.");
    for (auto& s : m.outputs.sinks) e.sample(s.queued, {{"output", s.name}});
  }
  if (!m.state_sizes.empty()) {
    e.family("state_entries", "gauge", "Entries in vigil's state tables.");
    for (auto& [table, n] : m.state_sizes) e.sample(n, {{"table", table}});
  }
  e.family("uptime_seconds", "gauge", "Seconds since vigil started.");
  e.sample_text(number(m.uptime_seconds), {});
  for (auto& [name, v] : m.extra_gauges) {
    e.family(name.c_str(), "gauge", "Application gauge.");
    e.sample_text(number(v), {});
  }
  return e.take();
}

std::string render_stats_json(const MetricsSnapshot& m, bool include_empty) {
  std::string out = "{";
  bool first = true;
  auto key = [&](std::string_view k) {
    if (!first) out += ',';
    first = false;
    output::append_json_string(out, k);
    out += ':';
  };
  auto num = [&](std::string_view k, uint64_t v) {
    if (v == 0 && !include_empty) return;
    key(k);
    out += std::to_string(v);
  };
  key("hostname");
  output::append_json_string(out, m.hostname);
  key("time_ns");
  out += std::to_string(m.time_ns);
  key("uptime_seconds");
  out += number(m.uptime_seconds);
  num("events_total", m.events);
  num("drops_total", m.drops);
  for (auto& [reason, n] : m.drops_by_reason) num("drops_" + reason + "_total", n);
  uint64_t alerts = 0;
  for (auto& r : m.rules) alerts += r.matches;
  num("alerts_total", alerts);
  auto prio = per_priority(m.rules);
  for (Priority p : kPriorities) {
    std::string name(priority_name(p));
    for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    num("alerts_" + name + "_total", prio[static_cast<size_t>(p)]);
  }
  for (auto& r : m.rules) num("rule_matches." + r.rule, r.matches);
  num("outputs_rate_limited_total", m.outputs.rate_limited);
  for (auto& s : m.outputs.sinks) {
    num("output_sent_total." + s.name, s.sent);
    num("output_dropped_total." + s.name, s.dropped);
    num("output_failed_total." + s.name, s.failed);
    num("output_filtered_total." + s.name, s.filtered);
    num("output_queue_length." + s.name, s.queued);
  }
  for (auto& [table, n] : m.state_sizes) num("state_entries." + table, n);
  for (auto& [name, v] : m.extra_gauges) {
    key(name);
    out += number(v);
  }
  out += '}';
  return out;
}

Alert stats_alert(const MetricsSnapshot& m, bool iso8601, bool include_empty) {
  Alert a;
  a.time_ns = m.time_ns;
  a.rule = "Falco internal: metrics snapshot";
  a.priority = Priority::Informational;
  a.source = "internal";
  a.hostname = m.hostname;
  a.message = "Falco metrics snapshot";
  a.text = (iso8601 ? output::iso_time(m.time_ns, false) : output::local_time(m.time_ns)) + ": " +
           std::string(priority_name(a.priority)) + " " + a.message;
  auto num = [&](std::string name, uint64_t v) {
    if (v == 0 && !include_empty) return;
    a.output_fields.push_back({std::move(name), std::to_string(v), Alert::Field::Kind::Number});
  };
  a.output_fields.push_back({"uptime_seconds", number(m.uptime_seconds), Alert::Field::Kind::Number});
  num("events_total", m.events);
  num("drops_total", m.drops);
  for (auto& [reason, n] : m.drops_by_reason) num("drops_" + reason + "_total", n);
  uint64_t alerts = 0;
  for (auto& r : m.rules) alerts += r.matches;
  num("alerts_total", alerts);
  for (auto& r : m.rules) num("rule_matches." + r.rule, r.matches);
  num("outputs_rate_limited_total", m.outputs.rate_limited);
  for (auto& s : m.outputs.sinks) {
    num("output_sent_total." + s.name, s.sent);
    num("output_dropped_total." + s.name, s.dropped);
    num("output_failed_total." + s.name, s.failed);
  }
  for (auto& [table, n] : m.state_sizes) num("state_entries." + table, n);
  return a;
}

}  // namespace vigil::engine
