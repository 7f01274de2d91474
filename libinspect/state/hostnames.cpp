// Host names of socket addresses: the hosts file plus watched names, resolved once each.
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

bool HostnameTable::same_address(const IpValue& a, const std::array<uint8_t, 16>& ip, bool v6) {
  if (a.family != (v6 ? 6 : 4)) return false;
  return std::equal(ip.begin(), ip.begin() + (v6 ? 16 : 4), a.addr.begin());
}

void HostnameTable::load_hosts_file() {
  if (hosts_loaded_) return;
  hosts_loaded_ = true;
  for (auto& e : read_hosts_file(hosts_file_, max_entries_)) {
    if (entries_.size() >= max_entries_) break;
    entries_.push_back(std::move(e));
  }
}

Status HostnameTable::watch(std::string_view name) {
  load_hosts_file();
  for (const auto& e : entries_)
    if (e.name == name) return {};  // known already: resolved once is enough
  std::vector<IpValue> addrs;
  if (!resolver_ || !resolver_->resolve(name, addrs)) return Error{"cannot resolve host name " + std::string(name)};
  if (entries_.size() + addrs.size() > max_entries_) {
    ++refused_;
    return Error{"cannot watch host name " + std::string(name) + ": the table holds " + std::to_string(max_entries_) +
                 " addresses at most"};
  }
  for (const auto& a : addrs) entries_.push_back({a, std::string(name)});
  return {};
}

size_t HostnameTable::names_of(const std::array<uint8_t, 16>& ip, bool v6, FieldValues& out) {
  load_hosts_file();
  size_t n = 0;
  for (const auto& e : entries_) {
    if (!same_address(e.addr, ip, v6)) continue;
    bool dup = false;
    for (const auto& v : out.values()) dup |= v.str == e.name;
    if (dup) continue;
    FieldValue& v = out.add();
    v.type = FieldType::CharBuf;
    v.str = e.name;
    ++n;
  }
  return n;
}

}  // namespace vigil::inspect
