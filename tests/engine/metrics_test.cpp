// Metrics rendering (Prometheus text, JSON stats lines), alert counters, the stats ticker, and
// the syscall_event_drops policy.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "test_paths.h"

#include "vigil/engine/drop_policy.h"
#include "vigil/engine/metrics.h"

using namespace vigil::engine;

namespace {

constexpr uint64_t kSec = 1000000000ull;

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

MetricsSnapshot sample_snapshot() {
  AlertCounters counters;
  counters.count("Terminal shell in container", Priority::Notice, "syscall");
  counters.count("Terminal shell in container", Priority::Notice, "syscall");
  counters.count("Read \"sensitive\" file\\untrusted", Priority::Warning, "syscall");
  MetricsSnapshot m;
  m.time_ns = 1700000000ull * kSec;
  m.uptime_seconds = 12.5;
  m.hostname = "node-1";
  m.events = 123456;
  m.drops = 7;
  m.drops_by_reason = {{"buffer", 6}, {"page_faults", 1}};
  m.rules = counters.rules();
  m.outputs.alerts = 3;
  m.outputs.rate_limited = 0;
  m.outputs.sinks = {SinkStats{"stdout", 3, 0, 0, 0, 0, ""}, SinkStats{"http", 1, 1, 1, 0, 2, "x"}};
  m.state_sizes = {{"threads", 311}, {"fds", 4200}};
  return m;
}

}  // namespace

TEST_CASE("alert counters count per rule and in total") {
  AlertCounters c;
  Alert a;
  a.rule = "b rule";
  a.priority = Priority::Error;
  a.source = "syscall";
  c.count(a);
  c.count(a);
  c.count("a rule", Priority::Debug, "k8s_audit");
  CHECK(c.total() == 3);
  auto rules = c.rules();
  REQUIRE(rules.size() == 2);
  CHECK(rules[0].rule == "a rule");
  CHECK(rules[0].matches == 1);
  CHECK(rules[0].source == "k8s_audit");
  CHECK(rules[1].rule == "b rule");
  CHECK(rules[1].matches == 2);
  CHECK(rules[1].priority == Priority::Error);
}

TEST_CASE("Prometheus exposition lists every counter with HELP, TYPE and escaped labels") {
  std::string text = render_prometheus(sample_snapshot());
  CHECK(text ==
        "# HELP vigil_events_total Events read from the event source.\n"
        "# TYPE vigil_events_total counter\n"
        "vigil_events_total 123456\n"
        "# HELP vigil_drops_total Events dropped by the driver before vigil saw them.\n"
        "# TYPE vigil_drops_total counter\n"
        "vigil_drops_total 7\n"
        "# HELP vigil_drops_by_reason_total Driver drops by cause.\n"
        "# TYPE vigil_drops_by_reason_total counter\n"
        "vigil_drops_by_reason_total{reason=\"buffer\"} 6\n"
        "vigil_drops_by_reason_total{reason=\"page_faults\"} 1\n"
        "# HELP vigil_alerts_total Alerts raised by rules.\n"
        "# TYPE vigil_alerts_total counter\n"
        "vigil_alerts_total 3\n"
        "# HELP vigil_alerts_by_priority_total Alerts raised by rules, by rule priority.\n"
        "# TYPE vigil_alerts_by_priority_total counter\n"
        "vigil_alerts_by_priority_total{priority=\"Emergency\"} 0\n"
        "vigil_alerts_by_priority_total{priority=\"Alert\"} 0\n"
        "vigil_alerts_by_priority_total{priority=\"Critical\"} 0\n"
        "vigil_alerts_by_priority_total{priority=\"Error\"} 0\n"
        "vigil_alerts_by_priority_total{priority=\"Warning\"} 1\n"
        "vigil_alerts_by_priority_total{priority=\"Notice\"} 2\n"
        "vigil_alerts_by_priority_total{priority=\"Informational\"} 0\n"
        "vigil_alerts_by_priority_total{priority=\"Debug\"} 0\n"
        "# HELP vigil_rule_matches_total Alerts raised by each rule.\n"
        "# TYPE vigil_rule_matches_total counter\n"
        "vigil_rule_matches_total{rule=\"Read \\\"sensitive\\\" file\\\\untrusted\",priority=\"Warning\","
        "source=\"syscall\"} 1\n"
        "vigil_rule_matches_total{rule=\"Terminal shell in container\",priority=\"Notice\",source=\"syscall\"} 2\n"
        "# HELP vigil_outputs_rate_limited_total Alerts refused by the outputs rate limiter.\n"
        "# TYPE vigil_outputs_rate_limited_total counter\n"
        "vigil_outputs_rate_limited_total 0\n"
        "# HELP vigil_output_sent_total Alerts delivered by each output.\n"
        "# TYPE vigil_output_sent_total counter\n"
        "vigil_output_sent_total{output=\"stdout\"} 3\n"
        "vigil_output_sent_total{output=\"http\"} 1\n"
        "# HELP vigil_output_dropped_total Alerts dropped because the output's queue was full.\n"
        "# TYPE vigil_output_dropped_total counter\n"
        "vigil_output_dropped_total{output=\"stdout\"} 0\n"
        "vigil_output_dropped_total{output=\"http\"} 1\n"
        "# HELP vigil_output_failed_total Alerts the output failed to deliver.\n"
        "# TYPE vigil_output_failed_total counter\n"
        "vigil_output_failed_total{output=\"stdout\"} 0\n"
        "vigil_output_failed_total{output=\"http\"} 1\n"
        "# HELP vigil_output_filtered_total Alerts below the output's minimum priority.\n"
        "# TYPE vigil_output_filtered_total counter\n"
        "vigil_output_filtered_total{output=\"stdout\"} 0\n"
        "vigil_output_filtered_total{output=\"http\"} 0\n"
        "# HELP vigil_output_queue_length Alerts waiting in each output's queue.\n"
        "# TYPE vigil_output_queue_length gauge\n"
        "vigil_output_queue_length{output=\"stdout\"} 0\n"
        "vigil_output_queue_length{output=\"http\"} 2\n"
        "# HELP vigil_state_entries Entries in vigil's state tables.\n"
        "# TYPE vigil_state_entries gauge\n"
        "vigil_state_entries{table=\"threads\"} 311\n"
        "vigil_state_entries{table=\"fds\"} 4200\n"
        "# HELP vigil_uptime_seconds Seconds since vigil started.\n"
        "# TYPE vigil_uptime_seconds gauge\n"
        "vigil_uptime_seconds 12.5\n");
}

TEST_CASE("JSON stats lines carry the same numbers and skip zeros unless asked") {
  MetricsSnapshot m = sample_snapshot();
  m.rules.resize(1);
  m.outputs.sinks.resize(1);
  m.state_sizes.resize(1);
  m.drops_by_reason.resize(1);
  CHECK(render_stats_json(m) ==
        R"({"hostname":"node-1","time_ns":1700000000000000000,"uptime_seconds":12.5,"events_total":123456,)"
        R"("drops_total":7,"drops_buffer_total":6,"alerts_total":1,"alerts_warning_total":1,)"
        R"("rule_matches.Read \"sensitive\" file\\untrusted":1,"output_sent_total.stdout":3,)"
        R"("state_entries.threads":311})");
  std::string full = render_stats_json(m, true);
  CHECK(full.find(R"("alerts_emergency_total":0)") != std::string::npos);
  CHECK(full.find(R"("output_dropped_total.stdout":0)") != std::string::npos);
}

TEST_CASE("the stats ticker fires once per interval and skips missed intervals") {
  MetricsTicker t(10 * kSec);
  CHECK_FALSE(t.due(100 * kSec));  // starts the clock
  CHECK_FALSE(t.due(109 * kSec));
  CHECK(t.due(110 * kSec));
  CHECK_FALSE(t.due(115 * kSec));
  CHECK(t.due(155 * kSec));  // one line after a long stall, not four
  CHECK_FALSE(t.due(159 * kSec));
  CHECK(t.due(160 * kSec));
}

TEST_CASE("the drop policy acts once per second of drops over the threshold, rate limited") {
  DropPolicyOptions o;
  o.actions = {DropAction::Log, DropAction::Alert};
  o.threshold = 0.1;
  o.rate = 1.0 / 30;
  o.max_burst = 1;
  o.iso8601 = true;
  o.hostname = "node-1";
  DropPolicy p(o);
  uint64_t t = 1470327477ull * kSec;
  CHECK_FALSE(p.observe(t, {}).acted);  // starts the clock
  // Within the first second nothing is checked.
  CHECK_FALSE(p.observe(t + kSec / 2, {1000, 500}).acted);
  // After a second: 500 drops of 1000 events -> act.
  DropDecision d = p.observe(t + kSec + 1, {1000, 500, 400, 50, 30, 20});
  REQUIRE(d.acted);
  CHECK(d.log);
  CHECK_FALSE(d.exit);
  CHECK(d.message == "Falco internal: syscall event drop. 500 system calls dropped in last second.");
  REQUIRE(d.alert.has_value());
  CHECK(d.alert->rule == "Falco internal: syscall event drop");
  CHECK(d.alert->priority == Priority::Debug);
  CHECK(d.alert->to_json() ==
        R"({"hostname":"node-1","output":"2016-08-04T16:17:58.000000001+0000: Debug Falco internal: syscall event drop. 500 system calls dropped in last second.","output_fields":{"ebpf_enabled":"1","n_drops":"500","n_drops_buffer_total":"400","n_drops_bug":"20","n_drops_page_faults":"30","n_drops_scratch_map":"50","n_evts":"1000"},"priority":"Debug","rule":"Falco internal: syscall event drop","source":"internal","tags":[],"time":"2016-08-04T16:17:58.000000001Z"})");
  // The next second has drops again, but the bucket (1 per 30 s) is empty.
  CHECK_FALSE(p.observe(t + 2 * kSec + 2, {2000, 1000}).acted);
  CHECK(p.actions_throttled() == 1);
  // Below the threshold: 5 drops of 1000 events (0.5%).
  CHECK_FALSE(p.observe(t + 40 * kSec, {3000, 1005}).acted);
  CHECK(p.drop_seconds() == 2);
  // 30 s later the bucket has a token again.
  DropDecision again = p.observe(t + 42 * kSec, {3100, 1105});
  CHECK(again.acted);
  CHECK(again.message == "Falco internal: syscall event drop. 100 system calls dropped in last second.");
  CHECK(p.actions_taken() == 2);
}

TEST_CASE("drop policy actions: ignore does nothing visible, exit asks to stop, simulate_drops forces one") {
  DropPolicyOptions o;
  o.actions = {DropAction::Ignore, DropAction::Exit};
  o.simulate_drops = true;
  o.rate = 100;
  o.max_burst = 10;
  DropPolicy p(o);
  CHECK_FALSE(p.observe(kSec, {}).acted);
  DropDecision d = p.observe(2 * kSec + 1, {1000, 0});  // no real drops; one simulated
  REQUIRE(d.acted);
  CHECK(d.exit);
  CHECK_FALSE(d.log);
  CHECK_FALSE(d.alert.has_value());
  CHECK(d.message == "Falco internal: syscall event drop. 1 system calls dropped in last second.");

  DropPolicyOptions quiet;
  quiet.actions = {DropAction::Log};
  DropPolicy q(quiet);
  CHECK_FALSE(q.observe(kSec, {}).acted);
  CHECK_FALSE(q.observe(2 * kSec + 1, {1000, 0}).acted);  // no drops at all
  CHECK(q.drop_seconds() == 0);
}

TEST_CASE("a metrics snapshot becomes an internal Informational alert for output_rule") {
  MetricsSnapshot m = sample_snapshot();
  m.rules.resize(1);
  m.outputs.sinks.resize(1);
  m.drops_by_reason.clear();
  m.state_sizes.resize(1);
  Alert a = stats_alert(m, true);
  CHECK(a.to_json() ==
        R"J({"hostname":"node-1","output":"2023-11-14T22:13:20.000000000+0000: Informational Falco metrics snapshot","output_fields":{"uptime_seconds":12.5,"events_total":123456,"drops_total":7,"alerts_total":1,"rule_matches.Read \"sensitive\" file\\untrusted":1,"output_sent_total.stdout":3,"state_entries.threads":311},"priority":"Informational","rule":"Falco internal: metrics snapshot","source":"internal","tags":[],"time":"2023-11-14T22:13:20.000000000Z"})J");
}

TEST_CASE("metrics files: the Prometheus file is replaced whole, stats lines are appended") {
  std::string dir = vigil::test::temp_dir();
  MetricsSnapshot m = sample_snapshot();
  REQUIRE(write_prometheus_file(dir + "/vigil.prom", m).ok());
  m.events = 1;
  REQUIRE(write_prometheus_file(dir + "/vigil.prom", m).ok());
  CHECK(read_text(dir + "/vigil.prom") == render_prometheus(m));
  CHECK(std::distance(std::filesystem::directory_iterator(dir), std::filesystem::directory_iterator()) == 1);

  REQUIRE(append_stats_line(dir + "/stats.jsonl", m).ok());
  REQUIRE(append_stats_line(dir + "/stats.jsonl", m).ok());
  CHECK(read_text(dir + "/stats.jsonl") == render_stats_json(m) + "\n" + render_stats_json(m) + "\n");

  vigil::Status st = write_prometheus_file("/nonexistent-dir/vigil.prom", m);
  REQUIRE_FALSE(st.ok());
  CHECK(st.error().file.rfind("/nonexistent-dir/vigil.prom.tmp.", 0) == 0);
}
