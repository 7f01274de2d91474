#include "proc/proc_scan_context.h"

#include <fcntl.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>
#include <climits>

namespace vigil::capture::proc {

int read_file(const std::string& path, std::string& out, size_t max_bytes) {
  out.clear();
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  // /proc files report size 0, so grow in chunks up to the cap.
  size_t chunk = std::min<size_t>(max_bytes, 4096);
  while (out.size() < max_bytes) {
    size_t old = out.size();
    size_t want = std::min(chunk, max_bytes - old);
    out.resize(old + want);
    ssize_t n = ::read(fd, out.data() + old, want);
    if (n < 0) {
      if (errno == EINTR) {
        out.resize(old);
        continue;
      }
      int err = errno;
      ::close(fd);
      out.clear();
      return err;
    }
    out.resize(old + static_cast<size_t>(n));
    if (n == 0) break;
  }
  ::close(fd);
  return 0;
}

int read_link(const std::string& path, std::string& out) {
  char buf[PATH_MAX];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof(buf));
  if (n < 0) {
    out.clear();
    return errno;
  }
  out.assign(buf, static_cast<size_t>(n));
  return 0;
}

bool take_u64(std::string_view& s, uint64_t& out, int base) {
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  uint64_t value = 0;
  size_t start = i;
  for (; i < s.size(); ++i) {
    char c = s[i];
    unsigned digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (base == 16 && c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else if (base == 16 && c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A' + 10);
    } else {
      break;
    }
    if (digit >= static_cast<unsigned>(base)) break;
    if (value > (UINT64_MAX - digit) / static_cast<unsigned>(base)) return false;  // overflow
    value = value * static_cast<unsigned>(base) + digit;
  }
  if (i == start) return false;
  out = value;
  s.remove_prefix(i);
  return true;
}

std::vector<std::string_view> split_fields(std::string_view s, size_t max_fields) {
  std::vector<std::string_view> fields;
  size_t i = 0;
  while (i < s.size() && fields.size() < max_fields) {
    while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
    if (i == s.size()) break;
    size_t start = i;
    while (i < s.size() && s[i] != ' ' && s[i] != '\t') ++i;
    fields.push_back(s.substr(start, i - start));
  }
  return fields;
}

ScanContext::ScanContext(const ProcSnapshotOptions& options, ProcSnapshotStats& stats)
    : options_(options), stats_(stats) {}

void ScanContext::malformed(const std::string& path, std::string_view what) {
  ++stats_.malformed;
  if (stats_.problems.size() < ProcSnapshotStats::kMaxProblems) {
    stats_.problems.push_back(path + ": " + std::string(what));
  } else {
    ++stats_.problems_dropped;
  }
}

CgroupV2Hierarchy& ScanContext::cgroup_v2() {
  if (!cgroup_v2_loaded_) {
    cgroup_v2_ = load_cgroup_v2_hierarchy(options_.proc_root);
    cgroup_v2_loaded_ = true;
  }
  return cgroup_v2_;
}

const SocketTable& ScanContext::sockets(uint64_t netns_ino, const std::string& proc_dir) {
  auto it = sockets_by_netns_.find(netns_ino);
  if (it != sockets_by_netns_.end()) return it->second;
  SocketTable& table = sockets_by_netns_[netns_ino];
  // Without a namespace id fall back to the host's tables, as libscap does.
  read_socket_tables(*this, netns_ino != 0 ? proc_dir + "net/" : options_.proc_root + "/net/",
                     table);
  return table;
}

uint32_t ScanContext::mount_device(uint64_t mount_id, const std::string& proc_dir) {
  if (mount_id == 0) return 0;
  auto it = device_by_mount_.find(mount_id);
  if (it != device_by_mount_.end()) return it->second;
  std::string path = proc_dir + "mountinfo";
  std::string text;
  if (read_file(path, text, 16u << 20) != 0) return 0;
  // Mount ids are unique host-wide, so every line seen is worth caching.
  uint32_t found = 0;
  for_each_line(text, [&](std::string_view line) {
    if (line.empty()) return;
    auto fields = split_fields(line, 3);
    std::string_view id_text = fields.size() == 3 ? fields[0] : std::string_view{};
    uint64_t id = 0, major = 0, minor = 0;
    std::string_view dev = fields.size() == 3 ? fields[2] : std::string_view{};
    if (!take_u64(id_text, id) || !take_u64(dev, major) || dev.empty() || dev[0] != ':') {
      malformed(path, "unparsable mountinfo line");
      return;
    }
    dev.remove_prefix(1);
    if (!take_u64(dev, minor)) {
      malformed(path, "unparsable mountinfo device");
      return;
    }
    uint32_t encoded = static_cast<uint32_t>(makedev(major, minor));
    device_by_mount_.emplace(id, encoded);
    if (id == mount_id) found = encoded;
  });
  if (found == 0) device_by_mount_.emplace(mount_id, 0);
  return found;
}

}  // namespace vigil::capture::proc
