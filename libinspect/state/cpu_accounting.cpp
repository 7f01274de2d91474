// CPU accounting from scheduler and procinfo events: thread.exectime, thread.totexectime and
// thread.cpu*, with libsinsp's arithmetic.
#include "state/inspector_impl.h"

namespace vigil::inspect {

namespace {
// A CPU index beyond this is a corrupt event, not a machine; its switches are not timed.
constexpr uint16_t kMaxCpus = 8192;
}  // namespace

void Inspector::Impl::on_switch(EventContext& ctx, ThreadState* t) {
  const uint16_t cpu = ctx.event().cpu();
  if (cpu >= kMaxCpus) {
    ++stats.malformed_events;
    return;
  }
  if (cpu >= last_switch_ts.size()) last_switch_ts.resize(cpu + 1u, 0);
  const uint64_t ts = ctx.event().ts();
  uint64_t& last = last_switch_ts[cpu];
  // Out-of-order timestamps would wrap around: such a slice counts as nothing.
  const uint64_t slice = last != 0 && ts >= last ? ts - last : 0;
  last = ts;
  ctx.exectime_ = slice;
  if (t) t->totexectime_ns += slice;
}

void Inspector::Impl::on_procinfo(const EventContext& ctx, ThreadState* t) {
  const capture::EventView& ev = ctx.event();
  if (ev.nparams() < 2) {
    ++stats.malformed_events;
    return;
  }
  const uint64_t user = ev.param(0).as_u64(), system = ev.param(1).as_u64();
  // The change since the thread's previous procinfo, at most 100; the first one reads 0.
  auto delta = [](uint64_t now, uint64_t before) {
    if (before == 0) return 0.0;
    const double d = static_cast<double>(now - before);
    return d > 100 ? 100.0 : d;
  };
  const uint64_t before_total = t->last_cpu_user + t->last_cpu_system;
  t->cpu_delta[0] = delta(user + system, before_total);
  t->cpu_delta[1] = delta(user, t->last_cpu_user);
  t->cpu_delta[2] = delta(system, t->last_cpu_system);
  t->last_cpu_user = user;
  t->last_cpu_system = system;
}

}  // namespace vigil::inspect
