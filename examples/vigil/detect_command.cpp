// vigil [-e FILE] [-r RULES]... [-o KEY=VALUE]... : events through the inspector and the rules,
// alerts to the configured outputs, a summary on stderr. SIGHUP (or a changed file, with
// watch_config_files) reloads the rules and outputs; SIGUSR1 reopens the output files.
#include <unistd.h>

#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "commands.h"
#include "event_session.h"
#include "rules_setup.h"
#include "source_report.h"
#include "vigil/engine/config.h"
#include "vigil/engine/config_watcher.h"
#include "vigil/engine/detector.h"
#include "vigil/engine/drop_policy.h"
#include "vigil/engine/metrics.h"
#include "vigil/engine/metrics_server.h"
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

uint64_t open_fds(const inspect::ThreadTable& threads) {
  uint64_t n = 0;
  threads.for_each([&](const inspect::ThreadState& t) {
    if (t.is_main_thread() && t.files) n += t.files->fds.size();
  });
  return n;
}

}  // namespace

int run_detect(const CliOptions& options) {
  inspect::Inspector inspector;
  engine::DetectorOptions dopts;
  dopts.config_file = options.config;
  dopts.overrides = options.overrides;
  dopts.rules_paths = [&options](const engine::Config& c) { return rules_paths(options, c); };
  dopts.disabled_rules = options.disable_rules;
  dopts.disabled_tags = options.disable_tags;
  dopts.run_tags = options.run_tags;
  dopts.hostname = local_hostname();
  dopts.inspector = &inspector;  // the rules' host names resolve in the background, never stalling
  auto reported = std::make_shared<std::pair<std::mutex, std::set<std::string>>>();
  dopts.outputs.on_error = [reported](const std::string& sink, const Error& error) {
    std::lock_guard<std::mutex> lock(reported->first);
    // The first failure of each output is worth a line; the summary counts the rest.
    if (reported->second.insert(sink).second)
      std::fprintf(stderr, "vigil: output %s failed: %s\n", sink.c_str(), error.to_string().c_str());
  };
  auto created = engine::Detector::create(inspector.fields(), dopts);
  if (!created) {
    std::fprintf(stderr, "vigil: %s\n", created.error().to_string().c_str());
    return engine::kExitLoadError;
  }
  engine::Detector& detector = **created;
  for (const std::string& w : detector.config().warnings) std::fprintf(stderr, "vigil: warning: %s\n", w.c_str());
  if (detector.engine().enabled_count() == 0) std::fprintf(stderr, "vigil: warning: no rule is enabled\n");

  const engine::Config& initial = detector.config();
  auto session = EventSession::open(options, capture::ReadMode::Normalized, rules_interest(detector.engine()),
                                     initial.engine.buffer_bytes(), initial.engine.cpus_for_each_buffer);
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
  if (s.live())
    std::fprintf(stderr, "vigil: %zu of %zu rules enabled\n", detector.engine().enabled_count(),
                 detector.engine().rules().size());

  // watch_config_files: live captures only, so a replay gives the same alerts every time.
  std::optional<engine::ConfigWatcher> watcher;
  auto watch = [&] {
    if (!s.live() || !detector.config().watch_config_files) {
      watcher.reset();
      return;
    }
    const bool first = !watcher;
    if (first) watcher.emplace();
    const std::vector<std::string> paths = detector.watched_paths();
    if (Status st = watcher->watch(paths); !st.ok())
      std::fprintf(stderr, "vigil: warning: watch_config_files: %s\n", st.error().to_string().c_str());
    else if (first)
      std::fprintf(stderr, "vigil: watching %zu configuration and rules paths for changes\n", paths.size());
  };
  watch();

  engine::DropPolicyOptions drop_opts = initial.syscall_event_drops;
  drop_opts.hostname = dopts.hostname;
  drop_opts.iso8601 = initial.time_format_iso_8601;
  engine::DropPolicy drop_policy(drop_opts);
  uint64_t next_drop_check_ns = 0;
  bool drop_exit = false;

  const auto started = std::chrono::steady_clock::now();
  auto snapshot = [&](uint64_t time_ns) {
    engine::MetricsSnapshot m;
    m.time_ns = time_ns;
    m.uptime_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    m.hostname = dopts.hostname;
    const capture::SourceStats st = s.source().stats();
    m.events = st.events;
    m.drops = st.dropped;
    if (s.live()) {
      const engine::DropCounters dc = drop_counters(*s.live_source());
      m.drops_by_reason = {{"buffer", dc.drops_buffer}, {"failures", dc.drops_bug}};
    }
    m.rules = detector.alert_counters().rules();
    m.outputs = detector.outputs_stats();
    m.state_sizes = {{"threads", inspector.threads().size()},
                     {"fds", open_fds(inspector.threads())}};
    m.extra_gauges = {{"config_reloads", static_cast<double>(detector.reloads())},
                      {"config_reload_failures", static_cast<double>(detector.failed_reloads())}};
    // fd.*ip.name: how far the background resolution of the rules' host names got.
    const inspect::InspectorStats& is = inspector.stats();
    for (const auto& [name, value] : {std::pair<const char*, uint64_t>{"hostnames_watched", is.hostnames_watched},
                                      {"hostnames_pending", is.hostnames_pending},
                                      {"hostnames_refused", is.hostnames_refused},
                                      {"hostname_lookup_failures", is.hostname_lookup_failures}})
      m.extra_gauges.emplace_back(name, static_cast<double>(value));
    return m;
  };
  std::optional<engine::MetricsTicker> metrics_ticker;
  auto start_ticker = [&] {
    metrics_ticker.reset();
    if (detector.config().metrics.enabled) metrics_ticker.emplace(detector.config().metrics.interval_ns);
  };
  start_ticker();

  // webserver: /metrics and the health check, refreshed once a second of event time.
  std::unique_ptr<engine::MetricsServer> server;
  engine::WebserverConfig served;
  auto serve = [&] {
    const engine::WebserverConfig& w = detector.config().webserver;
    if (!w.enabled) {
      server.reset();
      return;
    }
    if (server && w.listen_address == served.listen_address && w.listen_port == served.listen_port &&
        w.k8s_healthz_endpoint == served.k8s_healthz_endpoint &&
        w.prometheus_metrics_enabled == served.prometheus_metrics_enabled)
      return;
    server.reset();
    auto started_server = engine::MetricsServer::start(
        {w.listen_address, w.listen_port, w.k8s_healthz_endpoint, w.prometheus_metrics_enabled});
    if (!started_server) {
      std::fprintf(stderr, "vigil: warning: webserver: %s\n", started_server.error().to_string().c_str());
      return;
    }
    server = std::move(*started_server);
    served = w;
    std::fprintf(stderr, "vigil: webserver listening on http://%s:%u (metrics %s, health %s)\n",
                 w.listen_address.c_str(), static_cast<unsigned>(server->port()),
                 w.prometheus_metrics_enabled ? "/metrics" : "off", w.k8s_healthz_endpoint.c_str());
  };
  uint64_t next_publish_ns = 0;
  auto publish = [&](uint64_t now_ns) {
    if (!server || !detector.config().webserver.prometheus_metrics_enabled) return;
    if (now_ns != 0 && now_ns < next_publish_ns) return;
    next_publish_ns = now_ns + 1000000000ull;
    server->publish(engine::render_prometheus(snapshot(now_ns)));
  };
  serve();
  publish(0);

  auto reload = [&] {
    std::fprintf(stderr, "vigil: reloading the configuration and rules\n");
    const uint64_t before = detector.reloads();
    if (Status st = detector.reload(); !st.ok()) std::fprintf(stderr, "vigil: %s\n", st.error().to_string().c_str());
    if (detector.reloads() == before) return;  // refused: the running rules stay
    if (s.live())
      if (Status st = s.live_source()->set_interest(rules_interest(detector.engine())); !st.ok())
        std::fprintf(stderr, "vigil: %s\n", st.error().to_string().c_str());
    start_ticker();
    watch();
    serve();
    next_publish_ns = 0;
    std::fprintf(stderr, "vigil: reloaded: %zu of %zu rules enabled\n", detector.engine().enabled_count(),
                 detector.engine().rules().size());
  };
  // Signals and file changes are looked at between events, and on idle timeouts of a quiet host.
  uint64_t next_watch_check_ns = 0;
  auto handle_requests = [&](uint64_t now_ns) {
    if (EventSession::reopen_requested()) {
      std::fprintf(stderr, "vigil: reopening the outputs\n");
      detector.reopen_outputs();
    }
    bool wanted = EventSession::reload_requested();
    if (watcher && now_ns >= next_watch_check_ns) {
      next_watch_check_ns = now_ns + 200000000ull;
      wanted |= watcher->changed();
    }
    if (wanted) reload();
  };

  uint64_t last_ts = 0;
  capture::EventView event;
  capture::NextStatus status;
  while ((status = s.next(event, true)) == capture::NextStatus::Event || status == capture::NextStatus::Timeout) {
    if (status == capture::NextStatus::Timeout) {
      next_watch_check_ns = 0;  // a quiet host: look at the watched files on every idle timeout
      handle_requests(0);
      publish(last_ts);
      continue;
    }
    const inspect::EventContext& ctx = inspector.process(event);
    detector.process(event.type(), ctx, event.ts());
    last_ts = event.ts();
    handle_requests(event.ts());
    publish(event.ts());
    if (metrics_ticker && metrics_ticker->due(event.ts()))
      emit_metrics(detector.config(), snapshot(event.ts()), detector.outputs());
    if (s.live() && event.ts() >= next_drop_check_ns) {
      next_drop_check_ns = event.ts() + 1000000000ull;
      engine::DropDecision d = drop_policy.observe(event.ts(), drop_counters(*s.live_source()));
      if (d.log) std::fprintf(stderr, "vigil: %s\n", d.message.c_str());
      if (d.alert) detector.outputs().send(*d.alert);
      if (d.exit && !drop_exit) {
        drop_exit = true;
        s.live_source()->stop();
      }
    }
  }
  int code = report_source_end(s.source(), status, s.name());
  // A last snapshot so short runs (and the end of long ones) are accounted for; the outputs are
  // flushed first so their sent/dropped counters include every alert of the run.
  if (metrics_ticker) {
    if (Status st = detector.outputs().flush(); !st.ok())
      std::fprintf(stderr, "vigil: %s\n", st.error().to_string().c_str());
    emit_metrics(detector.config(), snapshot(last_ts), detector.outputs());
  }
  if (Status st = detector.close(); !st.ok()) std::fprintf(stderr, "vigil: %s\n", st.error().to_string().c_str());
  std::fflush(stdout);
  print_summary(s, s.source().stats(), detector.alert_counters(), detector.outputs_stats());
  if (drop_exit) {
    std::fprintf(stderr, "vigil: stopped by the syscall_event_drops exit action\n");
    code = 1;
  }
  return code;
}

}  // namespace vigil::cli
