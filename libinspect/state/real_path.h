// fd.realpath: the path the kernel's lookup really reached for a file fd, found again on the live
// host and proven to be the same file. Internal to libinspect.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "state/driver_devices.h"
#include "state/real_path_cache.h"
#include "vigil/inspect/inspector.h"

namespace vigil::inspect::detail {

// Looks `path` (absolute) up below the directory `root_fd` one component at a time, the way the
// kernel does for a process whose root is that directory: symlinks are followed (absolute
// targets restart at the root, at most 40 of them), ".." never climbs above the root, mount
// points are crossed. On success writes the resolved absolute path (relative to the root) and the
// identity of the file reached. False when a component is missing or unreadable, or on a loop.
// The identity is the driver's (DriverDevices).
bool resolve_below_root(DriverDevices& devs, int root_fd, std::string_view path, std::string& out, FileIdentity& id);

// How a path below a root is proven to reach a file. `kernel` asks the kernel (openat2 with
// RESOLVE_IN_ROOT, then the name the kernel gives the open file, checked again); when false, or
// once openat2 turned out to be unavailable (`kernel` is then cleared), resolve_below_root().
// Either way the answer is the same: the path, free of symlinks and "..", whose lookup below the
// root reaches a file with identity `want` (dev 0: any device).
struct RootLookup {
  int root_fd = -1;
  FileIdentity want;
  bool* kernel = nullptr;
  DriverDevices* devs = nullptr;
};
// Whether `path` (absolute, no ".." component) reaches the file below the root without meeting
// a symlink: one openat2 and one fstat. Without openat2, a walk whose answer must be `path`.
bool names_file(const RootLookup& at, const std::string& path);
// Resolves `path` (absolute, anything) below the root to the file; writes the canonical path.
bool resolve_to_file(const RootLookup& at, const std::string& path, std::string& out);

// The value of fd.realpath for `fd` of the context's thread. A file watched with
// Inspector::watch_path() (its identity, from the open event or the fd still open in /proc, is
// in the inspector's PinnedPaths) is named by the watched path. Otherwise a live inspector resolves the path
// once through /proc/<tid>/root (falling back to the process's, its parent's and, for host
// processes, this process's root when the thread has gone) and keeps the answer only if the file
// reached is the one the open reported (dev/ino, else the fd still open in /proc). A relative
// path of a host thread is also tried from its real working directory (/proc/<tid>/cwd), for a
// cwd known only lexically. Otherwise, and always when replaying a capture or for non-files, it
// is fd.name. Cached on the fd, and across fds in the inspector's RealPathCache: a file seen
// before is answered by checking the path remembered for it (names_file), so a hard link of a
// file whose other name is remembered gets that other name.
std::string_view fd_real_path(const EventContext& ctx, const FdState& fd);

// The path fd.realpath must look up for a file opened as `raw` relative to `base`, when
// lexical normalization could differ from the kernel's lookup (a ".." component); else empty.
void unnormalized_open_path(std::string_view base, std::string_view raw, std::string& out);

}  // namespace vigil::inspect::detail
