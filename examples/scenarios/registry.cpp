// The scenario registry and the one-line outcome format.
#include <cerrno>
#include <cstring>

#include "scenario.h"

namespace vigil::scenarios {

Error system_error(std::string what) {
  const int saved = errno;
  return Error{std::move(what) + ": " + std::strerror(saved)};
}

std::string Report::joined() const {
  std::string out;
  for (const std::string& step : steps_) {
    if (!out.empty()) out += "; ";
    out += step;
  }
  if (!pids_.empty()) {
    out += pids_.size() == 1 ? " (pid " : " (pids ";
    for (size_t i = 0; i < pids_.size(); ++i) out += (i ? ", " : "") + std::to_string(pids_[i]);
    out += ')';
  }
  return out;
}

Outcome Report::outcome(const Status& status) const {
  if (!status) {
    std::string message = "could not perform: " + status.error().to_string();
    if (!steps_.empty() || !pids_.empty()) message += " (done before the failure: " + joined() + ")";
    return {Verdict::kFailed, std::move(message)};
  }
  if (!unavailable_.empty()) return {Verdict::kUnavailable, "not available on this host: " + unavailable_};
  return {Verdict::kPerformed, joined()};
}

Outcome run_scenario(const Scenario& scenario) {
  Report report;
  const Status status = scenario.run(report);
  return report.outcome(status);
}

std::vector<const Scenario*> all_scenarios() {
  std::vector<const Scenario*> out;
  for (auto group : {shell_scenarios(), file_scenarios(), network_scenarios(), process_scenarios()})
    for (const Scenario& s : group) out.push_back(&s);
  return out;
}

const Scenario* find_scenario(std::string_view name) {
  for (const Scenario* s : all_scenarios())
    if (s->name == name) return s;
  return nullptr;
}

}  // namespace vigil::scenarios
