// Shared by the live tests: runs a live capture around a workload and collects the events of the
// threads the test cares about, as owned copies (EventViews die with the next next() call).
#pragma once

#include <fcntl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdint>
#include <cstring>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "scap/record_layout.h"
#include "vigil/capture/live_source.h"

namespace vigil::test {

// One captured event, copied out of the ring buffer.
struct CapturedEvent {
  std::vector<uint8_t> bytes;
  std::vector<uint32_t> offsets;
  uint16_t cpu = 0;
  capture::EventView view() const {
    return capture::EventView(bytes.data(), offsets.data(), cpu, 0, 0,
                              capture::EventSchema::newest().find(capture::load<uint16_t>(bytes.data() + 20)));
  }
  uint16_t type() const { return view().type(); }
  int64_t tid() const { return view().tid(); }
  capture::ParamView param(std::string_view name) const { return view().param(name); }
};

inline CapturedEvent copy_event(const capture::EventView& e) {
  CapturedEvent c;
  c.bytes.assign(e.record().begin(), e.record().end());
  c.offsets.resize(e.nparams() + 1);
  REQUIRE(capture::detail::index_params(c.bytes.data(), c.bytes.size(), c.offsets.data(), e.nparams()).empty());
  c.cpu = e.cpu();
  return c;
}

inline int64_t current_tid() { return static_cast<int64_t>(syscall(SYS_gettid)); }

// The marker that ends a collection: a failing openat of a path nobody else uses.
inline std::string marker_path() { return "/nonexistent-vigil-marker-" + std::to_string(getpid()); }
inline void emit_marker(const std::string& p = marker_path()) {
  int fd = ::openat(AT_FDCWD, p.c_str(), O_RDONLY);
  if (fd >= 0) ::close(fd);
}

inline capture::LiveOptions test_options(std::vector<std::string> syscalls) {
  capture::LiveOptions o;
  o.filter_self = false;  // the workloads run in the test process itself
  o.snapshot_proc = false;
  o.ring_buffer_bytes = 4u << 20;
  o.interest.all = false;
  o.interest.state_events = false;
  o.interest.procexit = false;
  o.interest.syscalls = std::move(syscalls);
  o.interest.syscalls.push_back("openat");  // the marker
  return o;
}

// Passes every event of `src` to `on_event` until the marker event of this process arrives (the
// marker itself is not passed on); fails the test when the marker does not come.
inline void drain_until_marker(capture::LiveSource& src, const std::function<void(const capture::EventView&)>& on_event) {
  const std::string marker = marker_path();
  capture::EventView e;
  for (int timeouts = 0; timeouts < 50;) {
    capture::NextStatus st = src.next(e);
    if (st == capture::NextStatus::Timeout) {
      timeouts++;
      continue;
    }
    REQUIRE(st == capture::NextStatus::Event);
    if (e.type() == 307 && e.param("name").as_string() == marker) return;
    on_event(e);
  }
  FAIL("the marker event never arrived");
}

// Drains `src` until the marker event of this process arrives; keeps events accepted by `keep`.
inline std::vector<CapturedEvent> collect_until_marker(capture::LiveSource& src,
                                                       const std::function<bool(const capture::EventView&)>& keep) {
  std::vector<CapturedEvent> out;
  drain_until_marker(src, [&](const capture::EventView& e) {
    if (keep(e)) out.push_back(copy_event(e));
  });
  return out;
}

// Events of the given thread with one of the given types, in order.
inline std::vector<CapturedEvent> of_types(const std::vector<CapturedEvent>& events, std::vector<uint16_t> types) {
  std::vector<CapturedEvent> out;
  for (const auto& e : events)
    for (uint16_t t : types)
      if (e.type() == t) out.push_back(e);
  return out;
}

inline std::unique_ptr<capture::LiveSource> open_live(const capture::LiveOptions& o) {
  auto src = capture::LiveSource::open(o);
  if (!src) FAIL("LiveSource::open failed: " << src.error().to_string());
  return std::move(*src);
}

}  // namespace vigil::test
