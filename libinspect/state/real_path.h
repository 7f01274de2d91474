// fd.realpath: the path the kernel's lookup really reached for a file fd, found again on the live
// host and proven to be the same file. Internal to libinspect.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "vigil/inspect/inspector.h"

namespace vigil::inspect::detail {

// A file as the driver identifies it: the device in userspace encoding (new_encode_dev) and the
// inode number.
struct FileIdentity {
  uint32_t dev = 0;
  uint64_t ino = 0;
  bool operator==(const FileIdentity&) const = default;
};

// Looks `path` (absolute) up below the directory `root_fd` one component at a time, the way the
// kernel does for a process whose root is that directory: symlinks are followed (absolute
// targets restart at the root, at most 40 of them), ".." never climbs above the root, mount
// points are crossed. On success writes the resolved absolute path (relative to the root) and the
// identity of the file reached. False when a component is missing or unreadable, or on a loop.
bool resolve_below_root(int root_fd, std::string_view path, std::string& out, FileIdentity& id);

// The value of fd.realpath for `fd` of the context's thread. A live inspector resolves the path
// once through /proc/<tid>/root (falling back to the process's, its parent's and, for host
// processes, this process's root when the thread has gone) and keeps the answer only if the file
// reached is the one the open reported (dev/ino, else the fd still open in /proc); otherwise, and
// always when replaying a capture or for non-files, it is fd.name. Cached on the fd.
std::string_view fd_real_path(const EventContext& ctx, const FdState& fd);

// The path fd.realpath must look up for a file opened as `raw` relative to `base`, when
// lexical normalization could differ from the kernel's lookup (a ".." component); else empty.
void unnormalized_open_path(std::string_view base, std::string_view raw, std::string& out);

}  // namespace vigil::inspect::detail
