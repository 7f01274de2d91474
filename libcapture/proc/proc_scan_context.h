// Internal to the /proc snapshot: file reading primitives and the state one scan shares between
// its readers (options, counters, per-scan caches). Not part of the public API.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vigil/capture/metadata.h"
#include "vigil/capture/proc_snapshot.h"

namespace vigil::capture::proc {

// Reads at most max_bytes of the file at path into out. Returns 0 or the errno of the failure.
int read_file(const std::string& path, std::string& out, size_t max_bytes);

// readlink() into out; returns 0 or the errno of the failure.
int read_link(const std::string& path, std::string& out);

// Parses an unsigned number in the given base at the start of s (after leading blanks); on success
// removes the parsed prefix from s.
bool take_u64(std::string_view& s, uint64_t& out, int base = 10);

// Splits s at whitespace into at most max_fields views.
std::vector<std::string_view> split_fields(std::string_view s, size_t max_fields = SIZE_MAX);

// Calls fn(line) for each '\n'-terminated or final line of text.
template <typename Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    fn(line);
    if (nl == std::string_view::npos) break;
    text.remove_prefix(nl + 1);
  }
}

// Sockets of one network namespace, by inode.
using SocketTable = std::unordered_map<uint64_t, FdInfo>;

// The cgroup v2 hierarchy as libscap resolves it: where it is mounted and which controllers each
// cgroup directory offers (cached per directory for the duration of one scan).
struct CgroupV2Hierarchy {
  std::string mount_path;                 // empty: no v2 hierarchy, "0::" lines are ignored
  std::vector<std::string> root_controllers;
  // When the scanner sits in its own cgroup namespace, /proc shows other processes' cgroups
  // relative to the scanner's ("/../other.service"); this is the scanner's cgroup in the
  // hierarchy, found by looking for its pid in cgroup.procs, used to make those paths absolute.
  std::string self_path;
  std::unordered_map<std::string, std::vector<std::string>> controllers_cache;
};

class ScanContext {
 public:
  ScanContext(const ProcSnapshotOptions& options, ProcSnapshotStats& stats);

  const ProcSnapshotOptions& options() const { return options_; }
  ProcSnapshotStats& stats() { return stats_; }

  // Records a file or line that did not parse.
  void malformed(const std::string& path, std::string_view what);

  CgroupV2Hierarchy& cgroup_v2();
  // The socket table of the net namespace netns_ino, read through proc_dir on first use.
  const SocketTable& sockets(uint64_t netns_ino, const std::string& proc_dir);
  // The device (makedev(major, minor)) of a mount id, from proc_dir's mountinfo on first use;
  // 0 when unknown.
  uint32_t mount_device(uint64_t mount_id, const std::string& proc_dir);

 private:
  const ProcSnapshotOptions& options_;
  ProcSnapshotStats& stats_;
  bool cgroup_v2_loaded_ = false;
  CgroupV2Hierarchy cgroup_v2_;
  std::unordered_map<uint64_t, SocketTable> sockets_by_netns_;
  std::unordered_map<uint64_t, uint32_t> device_by_mount_;
};

// Reader entry points, one file each.
enum class ThreadReadOutcome { kRead, kVanished, kKernelThread, kMalformed };
ThreadReadOutcome read_thread(ScanContext& ctx, const std::string& dir, int64_t tid,
                              ThreadInfo& out);
// Fills fds from dir/fd; false when the fd directory cannot be listed.
bool read_fds(ScanContext& ctx, const std::string& dir, std::vector<FdInfo>& out);
// Appends "controller=path" items for the cgroup file at path.
void read_cgroups(ScanContext& ctx, const std::string& path, std::vector<std::string>& out);
CgroupV2Hierarchy load_cgroup_v2_hierarchy(const std::string& proc_root);
// Parses the socket tables in net_dir (".../net/") into table.
void read_socket_tables(ScanContext& ctx, const std::string& net_dir, SocketTable& table);

// Host-wide parts.
MachineInfo read_machine_info(ScanContext& ctx);
std::vector<InterfaceInfo> read_interfaces(ScanContext& ctx);
void read_users_and_groups(ScanContext& ctx, std::vector<UserInfo>& users,
                           std::vector<GroupInfo>& groups);

}  // namespace vigil::capture::proc
