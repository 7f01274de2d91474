// What a scenario is: a named, safe demonstration of one attack-like behaviour, the rule it is
// meant to trigger, and the one-line account of what it actually did.
//
// Scenarios run one at a time in a single-threaded program; none of these types is thread-safe.
#pragma once

#include <sys/types.h>

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/common/result.h"

namespace vigil::scenarios {

// How a scenario ended. The numeric values are the program's exit codes.
enum class Verdict : int {
  kPerformed = 0,    // the behaviour happened (and everything touched was restored)
  kFailed = 1,       // the behaviour could not be performed; the message says why
  kUnavailable = 2,  // this host cannot perform it at all (documented per scenario)
};

struct Outcome {
  Verdict verdict = Verdict::kFailed;
  std::string message;  // one line, no trailing newline
};

// Collects what a scenario did, step by step, and the pids involved, into its one-line outcome.
class Report {
 public:
  void did(std::string step) { steps_.push_back(std::move(step)); }
  void pid(pid_t p) { pids_.push_back(p); }
  // The behaviour cannot happen on this host at all (not a failure of the scenario).
  void unavailable(std::string reason) { unavailable_ = std::move(reason); }

  // Performed (steps and pids), failed ("could not perform: <error>", then what was done before
  // the failure) or unavailable.
  Outcome outcome(const Status& status) const;

 private:
  std::string joined() const;

  std::vector<std::string> steps_;
  std::vector<pid_t> pids_;
  std::string unavailable_;
};

// One behaviour, and the rules of vigil's default ruleset (rules/vigil_rules.yaml) it must trigger.
struct Scenario {
  std::string_view name;     // kebab-case, the subcommand argument
  std::string_view summary;  // what it does, for `list` and `--help`
  std::string_view rules;    // exact rule names separated by "; " (empty: no default rule)
  std::string_view note;     // why a rule may not fire here (container needed, loopback, evasion)
  Status (*run)(Report& report);
};

Outcome run_scenario(const Scenario& scenario);

// Scenario groups, one per source file, in the order `list` shows them.
std::span<const Scenario> shell_scenarios();
std::span<const Scenario> file_scenarios();
std::span<const Scenario> network_scenarios();
std::span<const Scenario> process_scenarios();

std::vector<const Scenario*> all_scenarios();
const Scenario* find_scenario(std::string_view name);

// The benign workload: builds a small C project with make, runs its tests, lists packages.
Status run_benign(Report& report);

// "<what>: <strerror(errno)>", read from errno at the call.
Error system_error(std::string what);

// Returns from the enclosing Status function when `expr` (a Status) failed.
#define SCENARIO_TRY(expr)                                \
  do {                                                    \
    if (::vigil::Status scenario_status_ = (expr); !scenario_status_) \
      return scenario_status_;                            \
  } while (0)

}  // namespace vigil::scenarios
