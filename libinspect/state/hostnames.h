// The host names an inspector knows, with their addresses: fd.*ip.name. Internal to libinspect.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "vigil/common/result.h"
#include "vigil/inspect/hostname_resolver.h"

namespace vigil::inspect {

// Every (address, name) pair of the hosts file (read on first use) and of the watched names
// (resolved once, when watched). Bounded by `max_entries` addresses; nothing here does a lookup
// per event.
class HostnameTable {
 public:
  HostnameTable(std::string hosts_file, const HostnameResolver* resolver, size_t max_entries)
      : hosts_file_(std::move(hosts_file)), resolver_(resolver), max_entries_(max_entries) {}

  Status watch(std::string_view name);
  // Appends the names whose addresses include `ip` to `out` (views into this table, valid until
  // the next watch()); returns how many.
  size_t names_of(const std::array<uint8_t, 16>& ip, bool v6, FieldValues& out);
  uint64_t refused() const { return refused_; }

 private:
  static bool same_address(const IpValue& a, const std::array<uint8_t, 16>& ip, bool v6);
  void load_hosts_file();

  std::string hosts_file_;
  const HostnameResolver* resolver_;
  size_t max_entries_;
  bool hosts_loaded_ = false;
  std::vector<HostsEntry> entries_;
  uint64_t refused_ = 0;
};

}  // namespace vigil::inspect
