// For live tests that assert inspected fields: every captured event goes through an Inspector
// seeded with the capture's /proc snapshot, and the chosen fields of the events a test keeps are
// rendered through the field registry, as `vigil --print -p FORMAT` renders them.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "live_harness.h"
#include "vigil/inspect/formatter.h"
#include "vigil/inspect/inspector.h"

namespace vigil::test {

// One kept event: its type, thread and the rendered fields ("<NA>" when a field has no value).
struct InspectedEvent {
  uint16_t type = 0;
  int64_t tid = 0;
  std::map<std::string, std::string> fields;
  const std::string& operator[](const std::string& f) const {
    static const std::string none = "(field not requested)";
    auto it = fields.find(f);
    return it == fields.end() ? none : it->second;
  }
};

// Options for a capture the inspector can follow: the /proc snapshot and every state event on,
// so threads, fds and users are known, plus the given syscalls.
inline capture::LiveOptions inspected_options(std::vector<std::string> syscalls) {
  capture::LiveOptions o = test_options(std::move(syscalls));
  o.snapshot_proc = true;
  o.interest.state_events = true;
  o.interest.procexit = true;
  o.ring_buffer_bytes = 8u << 20;
  return o;
}

// Drains `src` through `inspector` until this process's marker event; renders `fields` for the
// events `keep` accepts.
inline std::vector<InspectedEvent> inspect_until_marker(capture::LiveSource& src, inspect::Inspector& inspector,
                                                        const std::vector<std::string>& fields,
                                                        const std::function<bool(const inspect::EventContext&)>& keep) {
  std::vector<inspect::Formatter> formats;
  for (const std::string& f : fields) {
    auto fmt = inspect::Formatter::compile("*%" + f, inspector.fields());
    if (!fmt) FAIL("field " << f << ": " << fmt.error().to_string());
    formats.push_back(std::move(*fmt));
  }
  std::vector<InspectedEvent> out;
  drain_until_marker(src, [&](const capture::EventView& e) {
    const inspect::EventContext& ctx = inspector.process(e);
    if (!keep(ctx)) return;
    InspectedEvent ie;
    ie.type = e.type();
    ie.tid = e.tid();
    for (size_t i = 0; i < fields.size(); i++) {
      std::string line;
      formats[i].format(ctx, line);
      ie.fields[fields[i]] = line;
    }
    out.push_back(std::move(ie));
  });
  return out;
}

// A live source and the inspector that follows it, seeded with the source's snapshot.
struct InspectedCapture {
  std::unique_ptr<capture::LiveSource> src;
  inspect::Inspector inspector;
  explicit InspectedCapture(std::vector<std::string> syscalls) : src(open_live(inspected_options(std::move(syscalls)))) {
    REQUIRE(inspector.seed(src->metadata()));
  }
  std::vector<InspectedEvent> until_marker(const std::vector<std::string>& fields,
                                           const std::function<bool(const inspect::EventContext&)>& keep) {
    return inspect_until_marker(*src, inspector, fields, keep);
  }
};

}  // namespace vigil::test
