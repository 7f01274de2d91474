// The socket tables of one net namespace (/proc/PID/net/{tcp,udp,raw,unix,netlink}[6]), by inode.
#include <unistd.h>

#include <cstring>

#include "proc/proc_scan_context.h"

namespace vigil::capture::proc {
namespace {

// scap_l4_proto values.
constexpr uint8_t kL4Na = 1, kL4Tcp = 2, kL4Udp = 3, kL4Raw = 5;

enum class Family { kIpv4, kIpv6, kUnix, kNetlink };

// "HEX:PORT" with a 8 (IPv4) or 32 (IPv6) hex digit address. The kernel prints each 32-bit word
// of the address in native order, so copying the parsed words back gives the network-order bytes.
bool parse_address(std::string_view text, size_t words, std::array<uint8_t, 16>& addr,
                   uint16_t& port) {
  if (text.size() < words * 8 + 2 || text[words * 8] != ':') return false;
  for (size_t w = 0; w < words; ++w) {
    std::string_view word = text.substr(w * 8, 8);
    uint64_t value;
    if (!take_u64(word, value, 16) || !word.empty()) return false;
    uint32_t native = static_cast<uint32_t>(value);
    std::memcpy(addr.data() + w * 4, &native, 4);
  }
  std::string_view port_text = text.substr(words * 8 + 1);
  uint64_t p;
  if (!take_u64(port_text, p, 16) || !port_text.empty() || p > 0xFFFF) return false;
  port = static_cast<uint16_t>(p);
  return true;
}

bool all_zero(const std::array<uint8_t, 16>& a) {
  for (uint8_t b : a) if (b != 0) return false;
  return true;
}

// "sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode ..."
bool parse_inet_line(std::string_view line, bool ipv6, uint8_t l4proto, SocketTable& table) {
  auto f = split_fields(line, 10);
  if (f.size() < 10) return false;
  FdInfo fd;
  size_t words = ipv6 ? 4 : 1;
  std::array<uint8_t, 16> sip{}, dip{};
  uint16_t sport = 0, dport = 0;
  uint64_t ino;
  std::string_view ino_text = f[9];
  if (!parse_address(f[1], words, sip, sport) || !parse_address(f[2], words, dip, dport) ||
      !take_u64(ino_text, ino) || !ino_text.empty()) {
    return false;
  }
  fd.ino = ino;
  fd.l4proto = l4proto;
  fd.sip = sip;
  fd.sport = sport;
  // No peer address: a listening (or unconnected) socket, a "server socket" in libscap terms.
  if (all_zero(dip)) {
    fd.type = ipv6 ? FdType::Ipv6ServSock : FdType::Ipv4ServSock;
  } else {
    fd.type = ipv6 ? FdType::Ipv6Sock : FdType::Ipv4Sock;
    fd.dip = dip;
    fd.dport = dport;
  }
  table.emplace(ino, std::move(fd));
  return true;
}

// "Num: RefCount Protocol Flags Type St Inode [Path]"; Num is the kernel address of the socket.
bool parse_unix_line(std::string_view line, SocketTable& table) {
  auto f = split_fields(line, 7);
  if (f.size() < 7 || f[0].empty() || f[0].back() != ':') return false;
  std::string_view num = f[0].substr(0, f[0].size() - 1);
  std::string_view ino_text = f[6];
  uint64_t source, ino;
  if (!take_u64(num, source, 16) || !num.empty() || !take_u64(ino_text, ino) ||
      !ino_text.empty()) {
    return false;
  }
  FdInfo fd;
  fd.type = FdType::UnixSock;
  fd.ino = ino;
  fd.unix_src = source;
  // The path is the rest of the line and may contain blanks.
  size_t path_at = static_cast<size_t>(ino_text.data() - line.data());
  std::string_view path = line.substr(path_at);
  while (!path.empty() && path.front() == ' ') path.remove_prefix(1);
  fd.name = std::string(path);
  table.emplace(ino, std::move(fd));
  return true;
}

// "sk Eth Pid Groups Rmem Wmem Dump Locks Drops Inode"
bool parse_netlink_line(std::string_view line, SocketTable& table) {
  auto f = split_fields(line, 10);
  if (f.size() < 10) return false;
  std::string_view ino_text = f[9];
  uint64_t ino;
  if (!take_u64(ino_text, ino) || !ino_text.empty()) return false;
  FdInfo fd;
  fd.type = FdType::Netlink;
  fd.ino = ino;
  table.emplace(ino, std::move(fd));
  return true;
}

void read_table(ScanContext& ctx, const std::string& path, Family family, uint8_t l4proto,
                SocketTable& table) {
  std::string text;
  if (read_file(path, text, 256u << 20) != 0) {
    ++ctx.stats().socket_tables_unreadable;
    return;
  }
  bool header = true;
  for_each_line(text, [&](std::string_view line) {
    if (header) {  // every table starts with a column header
      header = false;
      return;
    }
    if (line.find_first_not_of(' ') == std::string_view::npos) return;
    bool ok = false;
    switch (family) {
      case Family::kIpv4: ok = parse_inet_line(line, false, l4proto, table); break;
      case Family::kIpv6: ok = parse_inet_line(line, true, l4proto, table); break;
      case Family::kUnix: ok = parse_unix_line(line, table); break;
      case Family::kNetlink: ok = parse_netlink_line(line, table); break;
    }
    if (!ok) ctx.malformed(path, "unparsable socket table line");
  });
}

}  // namespace

void read_socket_tables(ScanContext& ctx, const std::string& net_dir, SocketTable& table) {
  read_table(ctx, net_dir + "tcp", Family::kIpv4, kL4Tcp, table);
  read_table(ctx, net_dir + "udp", Family::kIpv4, kL4Udp, table);
  read_table(ctx, net_dir + "raw", Family::kIpv4, kL4Raw, table);
  read_table(ctx, net_dir + "unix", Family::kUnix, kL4Na, table);
  read_table(ctx, net_dir + "netlink", Family::kNetlink, kL4Na, table);
  // Like libscap: no tcp6 table means no IPv6 at all, which is not a problem to report.
  if (::access((net_dir + "tcp6").c_str(), R_OK) != 0) return;
  read_table(ctx, net_dir + "tcp6", Family::kIpv6, kL4Tcp, table);
  read_table(ctx, net_dir + "udp6", Family::kIpv6, kL4Udp, table);
  read_table(ctx, net_dir + "raw6", Family::kIpv6, kL4Raw, table);
}

}  // namespace vigil::capture::proc
