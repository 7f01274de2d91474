// HostnameWatcher: resolves an inspector's watched host names on its own thread, again and again,
// and publishes the answers as immutable snapshots. Internal to libinspect.
#pragma once

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "vigil/inspect/hostname_resolver.h"

namespace vigil::inspect::detail {

// What the resolver thread knew at one moment. Never changes once published.
struct HostnameSnapshot {
  struct Entry {
    IpValue addr;
    std::string name;
  };
  std::vector<Entry> entries;  // sorted by address_less: entries_of() is a binary search
  uint64_t watched = 0;            // names being watched
  uint64_t pending = 0;            // watched names whose first lookup has not finished
  uint64_t lookups = 0;            // lookups done, first and refreshes
  uint64_t lookup_failures = 0;    // lookups that found no address (the previous answer stays)
  uint64_t addresses_dropped = 0;  // addresses left out: the snapshot was full

  // The order of `entries`: by family, then address (prefix_len does not count).
  static bool address_less(const IpValue& a, const IpValue& b) {
    return a.family != b.family ? a.family < b.family : a.addr < b.addr;
  }
  // The entries whose address is `addr`.
  std::span<const Entry> entries_of(const IpValue& addr) const {
    struct Less {
      bool operator()(const Entry& e, const IpValue& a) const { return address_less(e.addr, a); }
      bool operator()(const IpValue& a, const Entry& e) const { return address_less(a, e.addr); }
    };
    auto [lo, hi] = std::equal_range(entries.begin(), entries.end(), addr, Less{});
    return {lo, hi};
  }
};

// Thread safety: watch(), generation() and snapshot() may be called from any one thread (the
// inspector's); the resolver thread shares nothing else with it. The destructor does not wait for
// a lookup of the system resolver in progress (getaddrinfo can take resolv.conf's full timeout):
// the thread then finishes it alone and exits. An injected resolver must outlive the inspector,
// so for one the destructor waits for the lookup in progress.
class HostnameWatcher {
 public:
  enum class Added : uint8_t { New, Known, Refused };

  // `resolver` nullptr: the system's. `refresh` zero: each name is looked up once.
  HostnameWatcher(const HostnameResolver* resolver, std::chrono::milliseconds refresh, size_t max_names,
                  size_t max_addresses);
  ~HostnameWatcher();
  HostnameWatcher(const HostnameWatcher&) = delete;
  HostnameWatcher& operator=(const HostnameWatcher&) = delete;

  // Queues `name` for its first lookup (the thread starts with the first name).
  Added watch(std::string_view name);
  // Bumped with every published snapshot: one atomic load tells the reader whether to fetch it.
  uint64_t generation() const;
  std::shared_ptr<const HostnameSnapshot> snapshot() const;

  struct Shared;

 private:
  std::shared_ptr<Shared> shared_;
  std::thread thread_;
};

}  // namespace vigil::inspect::detail
