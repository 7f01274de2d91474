#include "state/driver_devices.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstring>

namespace vigil::inspect::detail {

bool DriverDevices::stat(int dirfd, const char* name, int flags, uint32_t& mode, FileIdentity& id) {
  struct statx stx {};
  if (::statx(dirfd, name, flags, STATX_TYPE | STATX_MODE | STATX_INO | STATX_MNT_ID, &stx) != 0) return false;
  mode = stx.stx_mode;
  id.ino = stx.stx_ino;
  id.dev = encode_dev(stx.stx_dev_major, stx.stx_dev_minor);
  uint32_t dev;
  if ((stx.stx_mask & STATX_MNT_ID) && superblock_dev(Mount{stx.stx_mnt_id, id.dev}, dev)) id.dev = dev;
  return true;
}

bool DriverDevices::superblock_dev(const Mount& m, uint32_t& dev) {
  if (auto it = devs_.find(m); it != devs_.end()) {
    dev = it->second;
    return true;
  }
  std::FILE* f = std::fopen("/proc/self/mountinfo", "re");
  if (!f) return false;
  bool found = false;
  char line[4096];
  while (!found && std::fgets(line, sizeof line, f)) {
    unsigned long long mount_id = 0;
    unsigned major_no = 0, minor_no = 0;
    if (std::sscanf(line, "%llu %*u %u:%u", &mount_id, &major_no, &minor_no) == 3 && mount_id == m.id) {
      dev = encode_dev(major_no, minor_no);
      found = true;
    }
    // A line longer than the buffer goes on in the next read: skip the rest of it.
    while (std::strchr(line, '\n') == nullptr && std::fgets(line, sizeof line, f)) {
    }
  }
  std::fclose(f);
  if (!found) return false;
  if (devs_.size() >= kMaxMounts) devs_.clear();
  devs_.emplace(m, dev);
  return true;
}

}  // namespace vigil::inspect::detail
