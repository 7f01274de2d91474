// DropPolicy: Falco's syscall_event_drops behaviour (checked once per second of event time).
#include "vigil/engine/drop_policy.h"

#include "output/time_format.h"

namespace vigil::engine {

namespace {

constexpr uint64_t kSecond = 1000000000ull;
constexpr const char* kRule = "Falco internal: syscall event drop";

uint64_t minus(uint64_t now, uint64_t before) { return now >= before ? now - before : 0; }

}  // namespace

std::vector<DropAction> default_drop_actions() {
  std::vector<DropAction> v;
  v.push_back(DropAction::Log);
  v.push_back(DropAction::Alert);
  return v;
}

DropPolicy::DropPolicy(DropPolicyOptions options, bool ebpf) : o_(std::move(options)), ebpf_(ebpf) {
  if (o_.simulate_drops) o_.threshold = 0;
}

DropDecision DropPolicy::observe(uint64_t now_ns, const DropCounters& c) {
  if (next_check_ns_ == 0) {
    next_check_ns_ = now_ns + kSecond;
    bucket_.emplace(o_.rate, o_.max_burst, now_ns);
    return {};
  }
  if (now_ns <= next_check_ns_) return {};
  next_check_ns_ = now_ns + kSecond;
  DropCounters delta;
  delta.events = minus(c.events, last_.events);
  delta.drops = minus(c.drops, last_.drops);
  delta.drops_buffer = minus(c.drops_buffer, last_.drops_buffer);
  delta.drops_scratch_map = minus(c.drops_scratch_map, last_.drops_scratch_map);
  delta.drops_page_faults = minus(c.drops_page_faults, last_.drops_page_faults);
  delta.drops_bug = minus(c.drops_bug, last_.drops_bug);
  last_ = c;
  if (o_.simulate_drops) ++delta.drops;
  if (delta.drops == 0) return {};
  // The event count includes the dropped events; no events at all means everything was dropped.
  double ratio = delta.events ? static_cast<double>(delta.drops) / static_cast<double>(delta.events) : 1.0;
  if (ratio <= o_.threshold) return {};
  ++drop_seconds_;
  if (!bucket_->claim(now_ns)) {
    ++throttled_;
    return {};
  }
  ++actions_taken_;
  return act(now_ns, delta);
}

DropDecision DropPolicy::act(uint64_t now_ns, const DropCounters& delta) {
  DropDecision d;
  d.acted = true;
  d.message = std::string(kRule) + ". " + std::to_string(delta.drops) + " system calls dropped in last second.";
  for (DropAction a : o_.actions) {
    switch (a) {
      case DropAction::Ignore: break;
      case DropAction::Log: d.log = true; break;
      case DropAction::Exit: d.exit = true; break;
      case DropAction::Alert: {
        Alert alert;
        alert.time_ns = now_ns;
        alert.rule = kRule;
        alert.priority = Priority::Debug;
        alert.source = "internal";
        alert.hostname = o_.hostname;
        alert.message = d.message;
        alert.text = (o_.iso8601 ? output::iso_time(now_ns, false) : output::local_time(now_ns)) + ": " +
                     std::string(priority_name(alert.priority)) + " " + d.message;
        auto field = [&](const char* name, uint64_t v) {
          alert.output_fields.push_back({name, std::to_string(v), Alert::Field::Kind::String});
        };
        // Falco sends these counters as strings; kept so consumers parse them the same way.
        field("ebpf_enabled", ebpf_ ? 1 : 0);
        field("n_drops", delta.drops);
        field("n_drops_buffer_total", delta.drops_buffer);
        field("n_drops_bug", delta.drops_bug);
        field("n_drops_page_faults", delta.drops_page_faults);
        field("n_drops_scratch_map", delta.drops_scratch_map);
        field("n_evts", delta.events);
        d.alert = std::move(alert);
        break;
      }
    }
  }
  return d;
}

}  // namespace vigil::engine
