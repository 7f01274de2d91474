// DropPolicy: what to do when the driver drops events (Falco's syscall_event_drops).
//
// Feed it the driver's cumulative counters as events go by; once per second of event time it
// looks at what changed. When drops happened and drops/events over that second exceeds
// `threshold`, it takes the configured actions, at most as often as its token bucket allows
// (`rate` actions per second, bursts of `max_burst`):
//   log   -> DropDecision::log with the message, for the application's log
//   alert -> DropDecision::alert, an internal alert ("Falco internal: syscall event drop", Debug,
//            source "internal", the per-second counters as output fields) to send to the outputs
//   exit  -> DropDecision::exit: the application should stop with a non-zero status
//
// Thread safety: one thread at a time. Independent instances share nothing.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "vigil/engine/engine.h"
#include "vigil/engine/outputs.h"

namespace vigil::engine {

enum class DropAction : uint8_t { Ignore, Log, Alert, Exit };

// {Log, Alert}, Falco's default.
std::vector<DropAction> default_drop_actions();

struct DropPolicyOptions {
  std::vector<DropAction> actions = default_drop_actions();
  double threshold = 0.1;   // fraction of events dropped in a second that triggers the actions
  double rate = 0.03333;    // actions per second (one every 30 s)
  double max_burst = 1;
  bool simulate_drops = false;  // pretend one more drop every second (to test the pipeline)
  bool iso8601 = false;         // time format of the alert text
  std::string hostname;         // for the alert
};

// Cumulative counters from the driver (the live source's statistics).
struct DropCounters {
  uint64_t events = 0;  // events seen, including the dropped ones
  uint64_t drops = 0;   // all drops
  uint64_t drops_buffer = 0;
  uint64_t drops_scratch_map = 0;
  uint64_t drops_page_faults = 0;
  uint64_t drops_bug = 0;
};

struct DropDecision {
  bool acted = false;    // an action was taken this time
  bool log = false;
  bool exit = false;
  std::string message;   // "Falco internal: syscall event drop. N system calls dropped in last second."
  std::optional<Alert> alert;
};

class DropPolicy {
 public:
  explicit DropPolicy(DropPolicyOptions options, bool ebpf = true);

  // `now_ns`: event time. Cheap when no check is due (one comparison).
  DropDecision observe(uint64_t now_ns, const DropCounters& cumulative);

  uint64_t drop_seconds() const { return drop_seconds_; }   // seconds over the threshold
  uint64_t actions_taken() const { return actions_taken_; }
  uint64_t actions_throttled() const { return throttled_; }

 private:
  DropDecision act(uint64_t now_ns, const DropCounters& delta);

  DropPolicyOptions o_;
  bool ebpf_;
  uint64_t next_check_ns_ = 0;
  DropCounters last_;
  std::optional<TokenBucket> bucket_;  // created at the first event time
  uint64_t drop_seconds_ = 0;
  uint64_t actions_taken_ = 0;
  uint64_t throttled_ = 0;
};

}  // namespace vigil::engine
