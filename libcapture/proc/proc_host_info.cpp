// Host-wide parts of the snapshot: machine info, network interfaces, users and groups.
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <climits>
#include <cstring>

#include "proc/proc_scan_context.h"

namespace vigil::capture::proc {
namespace {

// ':'-separated fields of an /etc/passwd or /etc/group line.
std::vector<std::string_view> split_colons(std::string_view line) {
  std::vector<std::string_view> fields;
  while (true) {
    size_t colon = line.find(':');
    fields.push_back(line.substr(0, colon));
    if (colon == std::string_view::npos) break;
    line.remove_prefix(colon + 1);
  }
  return fields;
}

bool parse_id(std::string_view text, uint32_t& id) {
  uint64_t v;
  if (!take_u64(text, v) || !text.empty() || v > UINT32_MAX) return false;
  id = static_cast<uint32_t>(v);
  return true;
}

bool skip_db_line(std::string_view line) {
  // Blank lines, comments and NIS compat entries ("+", "-name") carry no local account.
  return line.empty() || line[0] == '#' || line[0] == '+' || line[0] == '-';
}

}  // namespace

MachineInfo read_machine_info(ScanContext& ctx) {
  const ProcSnapshotOptions& opt = ctx.options();
  MachineInfo m;
  long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  long pages = ::sysconf(_SC_PHYS_PAGES);
  long page_size = ::sysconf(_SC_PAGESIZE);
  m.num_cpus = cpus > 0 ? static_cast<uint32_t>(cpus) : 0;
  m.memory_size_bytes =
      pages > 0 && page_size > 0 ? static_cast<uint64_t>(pages) * static_cast<uint64_t>(page_size)
                                 : 0;
  if (!opt.hostname.empty()) {
    m.hostname = opt.hostname;
  } else {
    char name[HOST_NAME_MAX + 1] = {};
    if (::gethostname(name, sizeof(name) - 1) == 0) m.hostname = name;
  }
  // btime in /proc/stat, libscap's preferred source: fixed once set, no clock arithmetic.
  std::string path = opt.proc_root + "/stat";
  std::string text;
  if (read_file(path, text, 1u << 20) == 0) {
    for_each_line(text, [&](std::string_view line) {
      if (line.rfind("btime ", 0) != 0) return;
      std::string_view v = line.substr(6);
      uint64_t seconds;
      if (take_u64(v, seconds)) {
        m.boot_ts_epoch = seconds * 1'000'000'000ull;
      } else {
        ctx.malformed(path, "unparsable btime");
      }
    });
  }
  return m;
}

std::vector<InterfaceInfo> read_interfaces(ScanContext&) {
  std::vector<InterfaceInfo> v4, v6;
  struct ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return {};
  for (struct ifaddrs* i = list; i != nullptr; i = i->ifa_next) {
    if (i->ifa_addr == nullptr) continue;
    InterfaceInfo info;
    info.name = i->ifa_name != nullptr ? i->ifa_name : "";
    if (i->ifa_addr->sa_family == AF_INET) {
      info.kind = InterfaceInfo::Kind::Ipv4;
      auto copy = [](const struct sockaddr* sa, std::array<uint8_t, 16>& to) {
        if (sa != nullptr) {
          std::memcpy(to.data(), &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, 4);
        }
      };
      copy(i->ifa_addr, info.addr);
      copy(i->ifa_netmask, info.netmask);
      copy(i->ifa_broadaddr, info.bcast);
      v4.push_back(std::move(info));
    } else if (i->ifa_addr->sa_family == AF_INET6) {
      info.kind = InterfaceInfo::Kind::Ipv6;
      auto copy = [](const struct sockaddr* sa, std::array<uint8_t, 16>& to) {
        if (sa != nullptr) {
          std::memcpy(to.data(), &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, 16);
        }
      };
      copy(i->ifa_addr, info.addr);
      copy(i->ifa_netmask, info.netmask);
      copy(i->ifa_broadaddr, info.bcast);
      v6.push_back(std::move(info));
    }
  }
  ::freeifaddrs(list);
  // All IPv4 entries first, as the libs' interface list is written.
  v4.insert(v4.end(), std::make_move_iterator(v6.begin()), std::make_move_iterator(v6.end()));
  return v4;
}

void read_users_and_groups(ScanContext& ctx, std::vector<UserInfo>& users,
                           std::vector<GroupInfo>& groups) {
  const ProcSnapshotOptions& opt = ctx.options();
  std::string text;
  std::string passwd = opt.etc_root + "/passwd";
  if (read_file(passwd, text, 64u << 20) == 0) {
    size_t line_no = 0;
    for_each_line(text, [&](std::string_view line) {
      ++line_no;
      if (skip_db_line(line)) return;
      auto f = split_colons(line);  // name:password:uid:gid:gecos:home:shell
      UserInfo u;
      if (f.size() != 7 || f[0].empty() || !parse_id(f[2], u.uid) || !parse_id(f[3], u.gid)) {
        ctx.malformed(passwd + ":" + std::to_string(line_no), "not a passwd entry");
        return;
      }
      u.name = std::string(f[0]);
      u.homedir = std::string(f[5]);
      u.shell = std::string(f[6]);
      users.push_back(std::move(u));
    });
  }
  std::string group = opt.etc_root + "/group";
  if (read_file(group, text, 64u << 20) == 0) {
    size_t line_no = 0;
    for_each_line(text, [&](std::string_view line) {
      ++line_no;
      if (skip_db_line(line)) return;
      auto f = split_colons(line);  // name:password:gid:members
      GroupInfo g;
      if (f.size() != 4 || f[0].empty() || !parse_id(f[2], g.gid)) {
        ctx.malformed(group + ":" + std::to_string(line_no), "not a group entry");
        return;
      }
      g.name = std::string(f[0]);
      groups.push_back(std::move(g));
    });
  }
}

}  // namespace vigil::capture::proc
