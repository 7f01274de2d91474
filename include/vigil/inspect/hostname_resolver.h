// Host names for the fd.cip.name, fd.sip.name, fd.lip.name and fd.rip.name fields.
//
// Falco compares those fields with a host name by resolving the name and testing whether the
// socket's address is one of its addresses; it never looks up a name per event. vigil does the
// same: the names an inspector knows are the hosts file's, plus every name it was asked to watch
// (Inspector::watch_hostname), each resolved once through a HostnameResolver when it is added. A
// socket's field then lists every known name whose addresses include the socket's address.
//
// A resolver is called from the thread that uses the inspector, at setup time only; an
// implementation needs no locking unless it is shared between inspectors used concurrently.
#pragma once

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
// for as long as DNS takes.
std::unique_ptr<HostnameResolver> make_system_hostname_resolver();

// One "address name [alias...]" entry of a hosts file.
struct HostsEntry {
  IpValue addr;
  std::string name;
};

// Reads a hosts file (hosts(5)): every name and alias with its address, at most `max_entries`.
// A missing file is an empty list; an unreadable line is skipped.
std::vector<HostsEntry> read_hosts_file(const std::string& path, size_t max_entries);

}  // namespace vigil::inspect
