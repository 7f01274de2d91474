// The host names an inspector knows, with their addresses: fd.*ip.name. Internal to libinspect.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "state/hostname_watcher.h"
#include "vigil/common/result.h"
#include "vigil/inspect/hostname_resolver.h"
#include "vigil/inspect/inspector.h"

namespace vigil::inspect {

// Every (address, name) pair of the hosts file (read on first use) and of the watched names:
// resolved in watch() (Synchronous), or by a HostnameWatcher whose latest snapshot refresh()
// picks up between events (Background). Bounded: `max_watched_hostnames` names,
// `max_hostname_addresses` addresses for the hosts file and the synchronous names together and as
// many for the background answers. Nothing here does a lookup per event.
class HostnameTable {
 public:
  explicit HostnameTable(const InspectorOptions& options);

  Status watch(std::string_view name, InspectorStats& stats);
  // Takes the watcher's newest answers, if any, and their counters. Called between events, so
  // that names a field gave for one event stay valid during that event. One atomic load when
  // nothing changed.
  void refresh(InspectorStats& stats) {
    if (watcher_ && watcher_->generation() != seen_generation_) take_snapshot(stats);
  }
  // Appends the names whose addresses include `ip` to `out` (views into this table, valid until
  // the next watch() or refresh()); returns how many.
  size_t names_of(const std::array<uint8_t, 16>& ip, bool v6, FieldValues& out, InspectorStats& stats);

 private:
  void load_hosts_file();
  void take_snapshot(InspectorStats& stats);
  Status resolve_now(std::string_view name, InspectorStats& stats);

  std::string hosts_file_;
  const HostnameResolver* resolver_;
  HostnameResolution mode_;
  std::chrono::milliseconds refresh_;
  size_t max_names_;
  size_t max_entries_;
  bool hosts_loaded_ = false;
  std::vector<HostsEntry> entries_;   // the hosts file, then synchronously resolved names
  std::vector<std::string> watched_;  // Synchronous: names resolved so far
  std::unique_ptr<HostnameResolver> own_resolver_;  // Synchronous without an injected resolver
  std::unique_ptr<detail::HostnameWatcher> watcher_;  // Background: from the first watch()
  std::shared_ptr<const detail::HostnameSnapshot> snapshot_;
  uint64_t seen_generation_ = 0;
};

}  // namespace vigil::inspect
