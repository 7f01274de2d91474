// Files as the driver identifies them, found from userspace. Internal to libinspect.
#pragma once

#include <cstdint>
#include <unordered_map>

#include "state/real_path_cache.h"

namespace vigil::inspect::detail {

// The driver reports a file's device as its superblock's (i_sb->s_dev, new_encode_dev). stat()
// agrees on most filesystems, but not for a lower-layer file of an overlayfs whose layers are
// on different filesystems (a per-layer device) nor on btrfs subvolumes (the subvolume's): the
// superblock's device is the one /proc/self/mountinfo lists for the file's mount. A statx() that
// also asks for the mount id costs what a stat() does; mountinfo is read once per mount.
//
// At most kMaxMounts mounts are remembered (then forgotten all at once); mount ids are reused
// after an unmount, so a remembered mount also has to show the same stat() device.
//
// One thread at a time.
class DriverDevices {
 public:
  static constexpr size_t kMaxMounts = 1024;

  // statx of `name` below `dirfd` with statx's `flags` ("" and AT_EMPTY_PATH: dirfd's own
  // file): its mode and the identity the driver would report for it. False when statx fails.
  bool stat(int dirfd, const char* name, int flags, uint32_t& mode, FileIdentity& id);

 private:
  struct Mount {
    uint64_t id;
    uint32_t stat_dev;
    bool operator==(const Mount&) const = default;
  };
  struct MountHash {
    size_t operator()(const Mount& m) const { return std::hash<uint64_t>()(m.id * 0x9e3779b97f4a7c15ull ^ m.stat_dev); }
  };
  bool superblock_dev(const Mount& m, uint32_t& dev);

  std::unordered_map<Mount, uint32_t, MountHash> devs_;
};

// The kernel's new_encode_dev, the driver's encoding of a device number.
inline uint32_t encode_dev(uint32_t major_no, uint32_t minor_no) {
  return (minor_no & 0xffu) | (major_no << 8) | ((minor_no & ~0xffu) << 12);
}

}  // namespace vigil::inspect::detail
