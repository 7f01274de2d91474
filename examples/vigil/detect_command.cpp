// vigil [-e FILE] [-r RULES]... [-o KEY=VALUE]... : events through the inspector and the rules,
// alerts to the configured outputs, a summary on stderr.
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <set>

#include "commands.h"
#include "event_session.h"
#include "rules_setup.h"
#include "source_report.h"
#include "vigil/engine/config.h"
#include "vigil/engine/drop_policy.h"
#include "vigil/engine/metrics.h"
#include "vigil/engine/outputs.h"
#include "vigil/inspect/inspector.h"

namespace vigil::cli {
namespace {

std::string local_hostname() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0) return "";
  return buf;
}

engine::DropCounters drop_counters(capture::LiveSource& live) {
  engine::DropCounters c;
  for (const capture::DriverCounters& d : live.counters()) {
    c.events += d.events + d.drops;
    c.drops += d.drops;
    c.drops_buffer += d.drops;
    c.drops_bug += d.failures;
  }
  return c;
}

// Falco's end-of-run summary, on stderr so stdout carries only alerts.
void print_summary(const EventSession& session, const capture::SourceStats& stats,
                   const engine::AlertCounters& counters, const engine::OutputsStats& outputs) {
  std::fprintf(stderr, "vigil: %s: %" PRIu64 " events, %" PRIu64 " drops, %" PRIu64 " alerts\n",
               session.name().c_str(), stats.events, stats.dropped, counters.total());
  if (counters.total() != 0) {
    std::map<engine::Priority, uint64_t> by_priority;
    for (const engine::RuleCount& r : counters.rules()) by_priority[r.priority] += r.matches;
    std::fprintf(stderr, "Events detected: %" PRIu64 "\nRule counts by severity:\n", counters.total());
    for (const auto& [p, n] : by_priority) {
      std::string name(engine::priority_name(p));
      for (char& ch : name) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      std::fprintf(stderr, "   %s: %" PRIu64 "\n", name.c_str(), n);
    }
    std::fprintf(stderr, "Triggered rules by rule name:\n");
    for (const engine::RuleCount& r : counters.rules())
      std::fprintf(stderr, "   %s: %" PRIu64 "\n", r.rule.c_str(), r.matches);
  }
  if (outputs.rate_limited != 0)
    std::fprintf(stderr, "vigil: %" PRIu64 " alerts refused by the outputs rate limit\n", outputs.rate_limited);
  for (const engine::SinkStats& s : outputs.sinks)
    if (s.dropped != 0 || s.failed != 0)
      std::fprintf(stderr, "vigil: output %s: %" PRIu64 " sent, %" PRIu64 " dropped, %" PRIu64 " failed%s%s\n",
                   s.name.c_str(), s.sent, s.dropped, s.failed, s.last_error.empty() ? "" : ": ",
                   s.last_error.c_str());
}

// metrics.*: one snapshot to every configured destination.
void emit_metrics(const engine::Config& config, const engine::MetricsSnapshot& m, engine::Outputs& outputs) {
  const engine::MetricsConfig& mc = config.metrics;
  if (!mc.output_file.empty())
    if (Status st = engine::append_stats_line(mc.output_file, m, mc.include_empty_values); !st.ok())
      std::fprintf(stderr, "vigil: metrics: %s\n", st.error().to_string().c_str());
  if (!mc.prometheus_file.empty())
    if (Status st = engine::write_prometheus_file(mc.prometheus_file, m); !st.ok())
      std::fprintf(stderr, "vigil: metrics: %s\n", st.error().to_string().c_str());
  if (mc.output_rule) outputs.send(engine::stats_alert(m, config.time_format_iso_8601, mc.include_empty_values));
}

}  // namespace

int run_detect(const CliOptions& options) {
  auto config = load_cli_config(options);
  if (!config) {
    std::fprintf(stderr, "vigil: %s\n", config.error().to_string().c_str());
    return 1;
  }
  for (const std::string& w : config->warnings) std::fprintf(stderr, "vigil: warning: %s\n", w.c_str());

  inspect::Inspector inspector;
  engine::EngineOptions eopts;
  eopts.min_priority = config->priority;
  eopts.rule_matching = config->rule_matching;
  engine::Engine engine(inspector.fields(), eopts);
  if (!load_rules(engine, *config, rules_paths(options, *config))) return engine::kExitLoadError;
  select_rules(engine, options, *config);
  if (engine.enabled_count() == 0) std::fprintf(stderr, "vigil: warning: no rule is enabled\n");

  auto session = EventSession::open(options, capture::ReadMode::Normalized, rules_interest(engine),
                                     config->engine.buffer_bytes(), config->engine.cpus_for_each_buffer);
  if (!session) {
    std::fprintf(stderr, "vigil: %s\n", session.error().to_string().c_str());
    return 1;
  }
  EventSession& s = **session;
  const auto origin = s.live() ? inspect::StateOrigin::LiveHost : inspect::StateOrigin::Recording;
  if (Status st = inspector.seed(s.source().metadata(), origin); !st.ok()) {
    std::fprintf(stderr, "vigil: %s\n", st.error().to_string().c_str());
    return 1;
  }

  engine::OutputsOptions oopts;
  auto reported = std::make_shared<std::pair<std::mutex, std::set<std::string>>>();
  oopts.on_error = [reported](const std::string& sink, const Error& error) {
    std::lock_guard<std::mutex> lock(reported->first);
    // The first failure of each output is worth a line; the summary counts the rest.
    if (reported->second.insert(sink).second)
      std::fprintf(stderr, "vigil: output %s failed: %s\n", sink.c_str(), error.to_string().c_str());
  };
  auto outputs = engine::build_outputs(*config, oopts);
  if (!outputs) {
    std::fprintf(stderr, "vigil: %s\n", outputs.error().to_string().c_str());
    return 1;
  }
  const std::string hostname = local_hostname();
  if (s.live()) std::fprintf(stderr, "vigil: %zu of %zu rules enabled\n", engine.enabled_count(), engine.rules().size());

  engine::DropPolicyOptions dopts = config->syscall_event_drops;
  dopts.hostname = hostname;
  dopts.iso8601 = config->time_format_iso_8601;
  engine::DropPolicy drop_policy(dopts);
  uint64_t next_drop_check_ns = 0;
  bool drop_exit = false;

  engine::AlertCounters counters;
  const auto started = std::chrono::steady_clock::now();
  auto snapshot = [&](uint64_t time_ns) {
    engine::MetricsSnapshot m;
    m.time_ns = time_ns;
    m.uptime_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    m.hostname = hostname;
    const capture::SourceStats st = s.source().stats();
    m.events = st.events;
    m.drops = st.dropped;
    if (s.live()) {
      const engine::DropCounters dc = drop_counters(*s.live_source());
      m.drops_by_reason = {{"buffer", dc.drops_buffer}, {"failures", dc.drops_bug}};
    }
    m.rules = counters.rules();
    m.outputs = (*outputs)->stats();
    m.state_sizes = {{"threads", inspector.threads().size()}};
    return m;
  };
  std::optional<engine::MetricsTicker> metrics_ticker;
  if (config->metrics.enabled) metrics_ticker.emplace(config->metrics.interval_ns);
  uint64_t last_ts = 0;
  capture::EventView event;
  capture::NextStatus status;
  while ((status = s.next(event)) == capture::NextStatus::Event) {
    const inspect::EventContext& ctx = inspector.process(event);
    for (const engine::Match& m : engine.evaluate(event.type(), ctx)) {
      const engine::Alert alert = engine.alert(m, ctx, event.ts(), hostname, config->time_format_iso_8601);
      counters.count(alert);
      (*outputs)->send(alert);
    }
    last_ts = event.ts();
    if (EventSession::reopen_requested()) (*outputs)->reopen();
    if (metrics_ticker && metrics_ticker->due(event.ts())) emit_metrics(*config, snapshot(event.ts()), **outputs);
    if (s.live() && event.ts() >= next_drop_check_ns) {
      next_drop_check_ns = event.ts() + 1000000000ull;
      engine::DropDecision d = drop_policy.observe(event.ts(), drop_counters(*s.live_source()));
      if (d.log) std::fprintf(stderr, "vigil: %s\n", d.message.c_str());
      if (d.alert) (*outputs)->send(*d.alert);
      if (d.exit && !drop_exit) {
        drop_exit = true;
        s.live_source()->stop();
      }
    }
  }
  int code = report_source_end(s.source(), status, s.name());
  // A last snapshot so short runs (and the end of long ones) are accounted for.
  if (metrics_ticker) emit_metrics(*config, snapshot(last_ts), **outputs);
  if (Status st = (*outputs)->close(); !st.ok())
    std::fprintf(stderr, "vigil: %s\n", st.error().to_string().c_str());
  std::fflush(stdout);
  print_summary(s, s.source().stats(), counters, (*outputs)->stats());
  if (drop_exit) {
    std::fprintf(stderr, "vigil: stopped by the syscall_event_drops exit action\n");
    code = 1;
  }
  return code;
}

}  // namespace vigil::cli
