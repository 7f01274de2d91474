// Detector: the rules engine and the outputs a vigil.yaml describes, rebuilt in place on request.
//
//   inspect::Inspector inspector;
//   auto d = vigil::engine::Detector::create(inspector.fields(), {.config_file = "/etc/vigil/vigil.yaml"});
//   if (!d) die(d.error().to_string());          // "rules.yaml:12:3: ..." (file and line)
//   for each event:
//     (*d)->process(event.type(), inspector.process(event), event.ts());
//     if (sighup) if (Status st = (*d)->reload(); !st.ok()) log(st.error().to_string());
//     if (sigusr1) (*d)->reopen_outputs();
//
// What survives a reload is everything the caller keeps outside the Detector: the Inspector's
// threads, fds, users and containers, and the event source. So a rule that only a reload brought
// in still sees a process started, or a file opened, before it. reload() reads the configuration
// and every rules file again and builds a complete new Engine and Outputs first; it swaps them in
// only when all of it loaded, so a broken rules file leaves the running rules and outputs as they
// were and the returned error names the file and line. The old outputs are drained (up to
// `drain_timeout`) before they are closed; their counters carry on in outputs_stats().
//
// Thread safety: one thread at a time (the event loop); call reload() and reopen_outputs() from
// that thread, between events (signal handlers should only set a flag). Two Detectors are
// independent.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "vigil/common/result.h"
#include "vigil/engine/compared_values.h"
#include "vigil/engine/config.h"
#include "vigil/engine/engine.h"
#include "vigil/engine/metrics.h"
#include "vigil/engine/outputs.h"
#include "vigil/inspect/field.h"

namespace vigil::engine {

struct DetectorOptions {
  std::string config_file;             // vigil.yaml; empty: the built-in defaults
  std::vector<std::string> overrides;  // "key=value" (-o), applied on every (re)load
  // The rules to load for a configuration; empty function: config.rules_files. Called again on
  // every reload, so it can follow a changed rules_files.
  std::function<std::vector<std::string>(const Config&)> rules_paths;
  // Applied after the config's `rules:` selection, in Falco's order (-D, -T, then -t).
  std::vector<std::string> disabled_rules;  // wildcard rule names
  std::vector<std::string> disabled_tags;
  std::vector<std::string> run_tags;        // non-empty: only rules with one of these tags
  OutputsOptions outputs;                   // clock and on_error; the rest comes from the config
  std::string hostname;                     // for alerts
  // When set (it must outlive the Detector), the host names the enabled rules compare
  // fd.*ip.name with are watched by this inspector after create() and after every successful
  // reload (register_compared_values), so that those comparisons can match.
  inspect::Inspector* inspector = nullptr;
  std::chrono::milliseconds drain_timeout = std::chrono::seconds(5);
};

class Detector {
 public:
  // Loads the configuration and the rules and starts the outputs. `fields` must outlive the
  // Detector. Errors name the file and line (config or rules) or the output that cannot start.
  static Result<std::unique_ptr<Detector>> create(const inspect::FieldRegistry& fields, DetectorOptions options);
  ~Detector();  // closes the outputs
  Detector(const Detector&) = delete;
  Detector& operator=(const Detector&) = delete;

  // Evaluates one event and sends an alert for every match. Returns the number of alerts.
  size_t process(uint16_t event_type, const inspect::EventContext& ctx, uint64_t time_ns);

  // Re-reads the configuration and rules; swaps only when everything loaded (see above).
  Status reload();
  // Log rotation: every output reopens its file / restarts its program after what is queued.
  void reopen_outputs();
  // Drains and stops the outputs (the destructor does it too).
  Status close();

  const Config& config() const;
  Engine& engine();
  const Engine& engine() const;
  Outputs& outputs();
  // Warnings of the last successful (re)load: configuration keys and rules files, located.
  const std::vector<std::string>& warnings() const;
  // Every file the current configuration and rules came from: the config file and its
  // config_files, and the rules paths (files or directories). What watch_config_files watches.
  std::vector<std::string> watched_paths() const;
  // What the last (re)load registered with DetectorOptions::inspector (empty without one).
  const RegisteredValues& registered_values() const;
  uint64_t reloads() const;         // successful reloads
  uint64_t failed_reloads() const;  // reloads refused because something did not load

  // Alerts per rule since create(), across reloads.
  const AlertCounters& alert_counters() const;
  // The current outputs' counters plus those of the outputs replaced by reloads (same name).
  OutputsStats outputs_stats() const;

 private:
  struct State;
  explicit Detector(std::unique_ptr<State> s);
  std::unique_ptr<State> s_;
};

}  // namespace vigil::engine
