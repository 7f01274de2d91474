// Host names of socket addresses: the hosts file plus watched names.
#include "state/hostnames.h"

#include <arpa/inet.h>
#include <netdb.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <fstream>
#include <sstream>

namespace vigil::inspect {

namespace {

bool parse_ip(const std::string& text, IpValue& out) {
  out = IpValue{};
  if (inet_pton(AF_INET, text.c_str(), out.addr.data()) == 1) {
    out.family = 4;
    out.prefix_len = 32;
    return true;
  }
  if (inet_pton(AF_INET6, text.c_str(), out.addr.data()) == 1) {
    out.family = 6;
    out.prefix_len = 128;
    return true;
  }
  return false;
}

class SystemHostnameResolver final : public HostnameResolver {
 public:
  bool resolve(std::string_view name, std::vector<IpValue>& out) const override {
    const std::string host(name);
    addrinfo hints{};
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;  // one entry per address, not one per socket type
    addrinfo* res = nullptr;
    if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0) return false;
    const size_t before = out.size();
    for (addrinfo* a = res; a; a = a->ai_next) {
      IpValue ip;
      if (a->ai_family == AF_INET) {
        const auto* sin = reinterpret_cast<const sockaddr_in*>(a->ai_addr);
        std::memcpy(ip.addr.data(), &sin->sin_addr, 4);
        ip.family = 4;
        ip.prefix_len = 32;
      } else if (a->ai_family == AF_INET6) {
        const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(a->ai_addr);
        std::memcpy(ip.addr.data(), &sin6->sin6_addr, 16);
        ip.family = 6;
        ip.prefix_len = 128;
      } else {
        continue;
      }
      out.push_back(ip);
    }
    freeaddrinfo(res);
    return out.size() > before;
  }
};

bool same_address(const IpValue& a, const std::array<uint8_t, 16>& ip, bool v6) {
  if (a.family != (v6 ? 6 : 4)) return false;
  return std::equal(ip.begin(), ip.begin() + (v6 ? 16 : 4), a.addr.begin());
}

// Adds `name` to `out` unless an earlier source gave it already; returns whether it did.
bool add_name(const std::string& name, FieldValues& out) {
  for (const auto& v : out.values())
    if (v.str == name) return false;
  FieldValue& v = out.add();
  v.type = FieldType::CharBuf;
  v.str = name;
  return true;
}

}  // namespace

std::unique_ptr<HostnameResolver> make_system_hostname_resolver() { return std::make_unique<SystemHostnameResolver>(); }

std::vector<HostsEntry> read_hosts_file(const std::string& path, size_t max_entries) {
  std::vector<HostsEntry> out;
  std::ifstream in(path);
  std::string line;
  while (out.size() < max_entries && std::getline(in, line)) {
    if (const size_t hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    std::istringstream words(line);
    std::string addr, name;
    IpValue ip;
    if (!(words >> addr) || !parse_ip(addr, ip)) continue;
    while (out.size() < max_entries && words >> name) out.push_back({ip, name});
  }
  return out;
}

HostnameTable::HostnameTable(const InspectorOptions& options)
    : hosts_file_(options.hosts_file),
      resolver_(options.hostname_resolver),
      mode_(options.hostname_resolution),
      refresh_(options.hostname_refresh),
      max_names_(options.max_watched_hostnames),
      max_entries_(options.max_hostname_addresses) {}

void HostnameTable::load_hosts_file() {
  if (hosts_loaded_) return;
  hosts_loaded_ = true;
  for (auto& e : read_hosts_file(hosts_file_, max_entries_)) {
    if (entries_.size() >= max_entries_) break;
    entries_.push_back(std::move(e));
  }
}

Status HostnameTable::watch(std::string_view name, InspectorStats& stats) {
  load_hosts_file();
  for (const auto& e : entries_)
    if (e.name == name) return {};  // the hosts file names it: nothing to look up
  auto refused = [&] {
    ++stats.hostnames_refused;
    return Error{"cannot watch host name " + std::string(name) + ": at most " + std::to_string(max_names_) +
                 " names are watched (InspectorOptions::max_watched_hostnames)"};
  };
  if (mode_ == HostnameResolution::Synchronous) {
    if (std::find(watched_.begin(), watched_.end(), name) != watched_.end()) return {};
    if (watched_.size() >= max_names_) return refused();
    return resolve_now(name, stats);
  }
  if (!watcher_) watcher_ = std::make_unique<detail::HostnameWatcher>(resolver_, refresh_, max_names_, max_entries_);
  if (watcher_->watch(name) == detail::HostnameWatcher::Added::Refused) return refused();
  return {};
}

Status HostnameTable::resolve_now(std::string_view name, InspectorStats& stats) {
  if (!resolver_ && !own_resolver_) own_resolver_ = make_system_hostname_resolver();
  const HostnameResolver& resolver = resolver_ ? *resolver_ : *own_resolver_;
  ++stats.hostname_lookups;
  std::vector<IpValue> addrs;
  if (!resolver.resolve(name, addrs) || addrs.empty()) {
    ++stats.hostname_lookup_failures;
    return Error{"cannot resolve host name " + std::string(name)};
  }
  if (entries_.size() + addrs.size() > max_entries_) {
    stats.hostname_addresses_dropped += addrs.size();
    return Error{"cannot watch host name " + std::string(name) + ": the table holds " + std::to_string(max_entries_) +
                 " addresses at most"};
  }
  for (const auto& a : addrs) entries_.push_back({a, std::string(name)});
  watched_.emplace_back(name);
  stats.hostnames_watched = watched_.size();
  return {};
}

void HostnameTable::take_snapshot(InspectorStats& stats) {
  seen_generation_ = watcher_->generation();  // before the fetch: a newer one is seen next time
  snapshot_ = watcher_->snapshot();
  stats.hostnames_watched = snapshot_->watched;
  stats.hostnames_pending = snapshot_->pending;
  stats.hostname_lookups = snapshot_->lookups;
  stats.hostname_lookup_failures = snapshot_->lookup_failures;
  stats.hostname_addresses_dropped = snapshot_->addresses_dropped;
}

size_t HostnameTable::names_of(const std::array<uint8_t, 16>& ip, bool v6, FieldValues& out, InspectorStats& stats) {
  load_hosts_file();
  size_t n = 0;
  for (const auto& e : entries_)
    if (same_address(e.addr, ip, v6) && add_name(e.name, out)) ++n;
  if (snapshot_) {
    if (snapshot_->pending > 0) ++stats.hostname_answers_while_pending;
    IpValue key;
    key.family = v6 ? 6 : 4;
    std::copy(ip.begin(), ip.begin() + (v6 ? 16 : 4), key.addr.begin());
    for (const auto& e : snapshot_->entries_of(key))
      if (add_name(e.name, out)) ++n;
  }
  return n;
}

}  // namespace vigil::inspect
