// Alert JSON: the hand-written writer vigil uses (Alert::to_json, one string appended in place)
// against the same document built as an nlohmann::ordered_json and dumped. The alert is shaped
// like one of the official rules' ("Read sensitive file untrusted": 12 output fields, 5 tags).
// The JSON is built once per alert for every sink that wants it, so this is the per-alert cost
// json_output adds.
#include <benchmark/benchmark.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <string>

#include "vigil/engine/engine.h"

namespace {

using vigil::engine::Alert;

Alert sample_alert() {
  Alert a;
  a.time_ns = 1700000000123456789ull;
  a.rule = "Read sensitive file untrusted";
  a.priority = vigil::engine::Priority::Warning;
  a.source = "syscall";
  a.tags = {"T1555", "filesystem", "host", "container", "maturity_stable"};
  a.hostname = "build-host-01";
  a.message =
      "Sensitive file opened for reading by non-trusted program (file=/etc/shadow gparent=sshd ggparent=systemd "
      "evt_type=openat user=root user_uid=0 user_loginuid=1000 process=cat proc_exepath=/usr/bin/cat parent=bash "
      "command=cat /etc/shadow terminal=34816 container_id=host container_name=host)";
  a.text = "2023-11-14T22:13:20.123456789+0000: Warning " + a.message;
  using Kind = Alert::Field::Kind;
  a.output_fields = {
      {"container.id", "host", Kind::String},      {"container.name", "host", Kind::String},
      {"evt.time", "1700000000123456789", Kind::Number}, {"evt.type", "openat", Kind::String},
      {"fd.name", "/etc/shadow", Kind::String},     {"proc.cmdline", "cat /etc/shadow", Kind::String},
      {"proc.exepath", "/usr/bin/cat", Kind::String}, {"proc.name", "cat", Kind::String},
      {"proc.pname", "bash", Kind::String},         {"proc.tty", "34816", Kind::Number},
      {"user.loginuid", "1000", Kind::Number},      {"user.name", "root", Kind::String},
  };
  return a;
}

// The same document through nlohmann: numbers must become numbers again, since fields carry text.
std::string nlohmann_alert_json(const Alert& a) {
  nlohmann::ordered_json doc;
  doc["hostname"] = a.hostname;
  doc["output"] = a.text;
  nlohmann::ordered_json& fields = doc["output_fields"] = nlohmann::ordered_json::object();
  for (const Alert::Field& f : a.output_fields) {
    switch (f.kind) {
      case Alert::Field::Kind::Number: fields[f.name] = std::strtoll(f.value.c_str(), nullptr, 10); break;
      case Alert::Field::Kind::Bool: fields[f.name] = f.value == "true"; break;
      case Alert::Field::Kind::Null: fields[f.name] = nullptr; break;
      default: fields[f.name] = f.value;
    }
  }
  doc["priority"] = std::string(vigil::engine::priority_name(a.priority));
  doc["rule"] = a.rule;
  doc["source"] = a.source;
  doc["tags"] = a.tags;
  doc["time"] = "2023-11-14T22:13:20.123456789Z";
  return doc.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

void BM_AlertJson_HandWritten(benchmark::State& state) {
  const Alert a = sample_alert();
  size_t bytes = 0;
  for (auto _ : state) {
    std::string json = a.to_json(true, true, true);
    bytes += json.size();
    benchmark::DoNotOptimize(json);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AlertJson_HandWritten);

void BM_AlertJson_Nlohmann(benchmark::State& state) {
  const Alert a = sample_alert();
  size_t bytes = 0;
  for (auto _ : state) {
    std::string json = nlohmann_alert_json(a);
    bytes += json.size();
    benchmark::DoNotOptimize(json);
  }
  state.SetBytesProcessed(static_cast<int64_t>(bytes));
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_AlertJson_Nlohmann);

}  // namespace

BENCHMARK_MAIN();
