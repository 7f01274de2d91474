// Host names for the fd.cip.name, fd.sip.name, fd.lip.name and fd.rip.name fields.
//
// Falco compares those fields with a host name by resolving the name and testing whether the
// socket's address is one of its addresses; it never looks up a name per event. vigil does the
// same: the names an inspector knows are the hosts file's, plus every name it was asked to watch
// (Inspector::watch_hostname, e.g. each name Engine::compared_strings("fd.sip.name") lists),
// resolved through a HostnameResolver. A socket's field then lists every known name whose
// addresses include the socket's address.
//
// HostnameResolution::Background (the default) resolves watched names on one thread the
// inspector owns, never on the thread that processes events: a host without DNS (a CI runner, an
// air-gapped node) starts and replays at full speed, and names appear once their answer arrives.
// Answers are looked up again every InspectorOptions::hostname_refresh, since DNS answers change.
// HostnameResolution::Synchronous resolves each name once, inside watch_hostname(): nothing
// changes behind the caller's back, which is what tests and reproducible replays want.
//
// A resolver is called one lookup at a time per inspector: from the inspector's resolver thread
// (Background) or from the thread calling watch_hostname (Synchronous). An implementation needs no
// locking unless it is shared between inspectors, or reads state its owner changes meanwhile.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/inspect/field.h"

namespace vigil::inspect {

class HostnameResolver {
 public:
  virtual ~HostnameResolver() = default;
  // Appends the addresses of `name` to `out`. False when it has none (unknown name, no network).
  virtual bool resolve(std::string_view name, std::vector<IpValue>& out) const = 0;
};

// The system's resolver (getaddrinfo: the hosts file, DNS, ... as nsswitch says). It may block
// for as long as DNS takes (resolv.conf's timeout and attempts), which only the resolver thread
// waits for in Background mode.
std::unique_ptr<HostnameResolver> make_system_hostname_resolver();

// Where watched host names are resolved (see above).
enum class HostnameResolution : uint8_t { Background, Synchronous };

// One "address name [alias...]" entry of a hosts file.
struct HostsEntry {
  IpValue addr;
  std::string name;
};

// Reads a hosts file (hosts(5)): every name and alias with its address, at most `max_entries`.
// A missing file is an empty list; an unreadable line is skipped.
std::vector<HostsEntry> read_hosts_file(const std::string& path, size_t max_entries);

}  // namespace vigil::inspect
