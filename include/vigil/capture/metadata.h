// The state a capture carries besides events: machine info, interfaces, users and groups, the
// process table and each process's fds at capture start (scap-format.md §5-§9). A .scap file
// stores it in metadata blocks; a live source builds the same thing from /proc. The inspection
// layer seeds its tables from it, and the writer writes it back.
//
// Plain value types: copy, move and compare freely.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vigil::capture {

struct MachineInfo {
  uint32_t num_cpus = 0;
  uint64_t memory_size_bytes = 0;
  uint64_t max_pid = 0;
  std::string hostname;
  uint64_t boot_ts_epoch = 0;  // ns since the epoch; 0 when unknown (2022 writers)
  uint64_t flags = 0;
  bool operator==(const MachineInfo&) const = default;
};

struct InterfaceInfo {
  enum class Kind : uint16_t { Ipv4 = 1, Ipv6 = 2, Ipv4NoLinkSpeed = 3, Ipv6NoLinkSpeed = 4 };
  Kind kind = Kind::Ipv4;
  std::array<uint8_t, 16> addr{};     // network order; IPv4 uses the first 4 bytes
  std::array<uint8_t, 16> netmask{};
  std::array<uint8_t, 16> bcast{};
  uint64_t link_speed = 0;            // Mbit/s
  std::string name;
  bool operator==(const InterfaceInfo&) const = default;
};

struct UserInfo {
  uint32_t uid = 0;
  uint32_t gid = 0;
  std::string name;
  std::string homedir;
  std::string shell;
  bool operator==(const UserInfo&) const = default;
};

struct GroupInfo {
  uint32_t gid = 0;
  std::string name;
  bool operator==(const GroupInfo&) const = default;
};

// scap_fd_type values (§9).
enum class FdType : uint8_t {
  Unknown = 0, File = 1, Directory = 2, Ipv4Sock = 3, Ipv6Sock = 4, Ipv4ServSock = 5,
  Ipv6ServSock = 6, Fifo = 7, UnixSock = 8, Event = 9, Unsupported = 10, SignalFd = 11,
  EventPoll = 12, Inotify = 13, TimerFd = 14, Netlink = 15, FileV2 = 16, Bpf = 17,
  UserFaultFd = 18, IoUring = 19, Memfd = 20, PidFd = 21,
};

// One fd of a process at capture start.
struct FdInfo {
  int64_t fd = 0;
  uint64_t ino = 0;
  FdType type = FdType::Unknown;
  std::string name;                     // files, dirs, fifos, unix sockets, anon fds
  uint32_t open_flags = 0;              // FileV2: PPM_O_* bits
  std::optional<uint32_t> dev;          // FileV2 in FDL v2 only
  // Sockets: addresses in network order (IPv4 in the first 4 bytes), ports in host order.
  // Server sockets (Ipv4ServSock, Ipv6ServSock) store their listening address in sip/sport.
  std::array<uint8_t, 16> sip{};
  std::array<uint8_t, 16> dip{};
  uint16_t sport = 0;
  uint16_t dport = 0;
  uint8_t l4proto = 0;
  uint64_t unix_src = 0;                // UnixSock endpoint ids
  uint64_t unix_dst = 0;
  bool operator==(const FdInfo&) const = default;
};

// One thread of the process list (§8), with defaults for fields an old layout lacks.
struct ThreadInfo {
  int64_t tid = 0;
  int64_t pid = 0;
  int64_t ptid = 0;
  int64_t sid = -1;
  int64_t vpgid = -1;
  int64_t pgid = -1;
  std::string comm;
  std::string exe;                      // argv[0]
  std::string exepath;
  std::vector<std::string> args;        // argv[1..]
  std::string cwd;
  uint64_t fdlimit = 0;
  uint32_t flags = 0;                   // PPM_CL_* bits
  uint32_t uid = 0;
  uint32_t gid = 0;
  uint32_t vmsize_kb = 0;
  uint32_t vmrss_kb = 0;
  uint32_t vmswap_kb = 0;
  uint64_t pfmajor = 0;
  uint64_t pfminor = 0;
  std::vector<std::string> env;         // KEY=VALUE
  int64_t vtid = -1;
  int64_t vpid = -1;
  std::vector<std::string> cgroups;     // controller=path
  std::string root;
  uint64_t pidns_init_start_ts = 0;
  uint32_t tty = 0;
  uint32_t loginuid = 0xFFFFFFFFu;
  bool exe_writable = false;
  uint64_t cap_inheritable = 0;
  uint64_t cap_permitted = 0;
  uint64_t cap_effective = 0;
  bool exe_upper_layer = false;
  uint64_t exe_ino = 0;
  uint64_t exe_ino_ctime = 0;
  uint64_t exe_ino_mtime = 0;
  bool exe_from_memfd = false;
  bool exe_lower_layer = false;
  bool operator==(const ThreadInfo&) const = default;
};

// The fds of one process (an FDL block).
struct FdList {
  int64_t tid = 0;
  std::vector<FdInfo> fds;
  bool operator==(const FdList&) const = default;
};

// Everything a section's metadata blocks carried, in file order within each kind.
struct CaptureMetadata {
  std::optional<MachineInfo> machine;
  std::vector<InterfaceInfo> interfaces;
  std::vector<UserInfo> users;
  std::vector<GroupInfo> groups;
  std::vector<ThreadInfo> threads;
  std::vector<FdList> fd_lists;
  bool operator==(const CaptureMetadata&) const = default;
};

}  // namespace vigil::capture
