// The files an inspector was asked to watch (Inspector::watch_path), known by their identity so
// that fd.realpath names them exactly however a process reached them. Internal to libinspect.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "state/driver_devices.h"
#include "state/real_path_cache.h"

namespace vigil::inspect::detail {

// watched path -> the identity (device in the driver's encoding, inode) of the file it reaches
// now, and back. A lookup by identity is one hash probe and touches no filesystem, so an open
// reported with that identity is named by the watched path even when the name it was opened by
// is gone by the time anyone looks (a symlink removed right away), is another hard link of the
// file, a bind mount, /proc/<pid>/root/..., or a magic link.
//
// The identity of a path changes when its file is replaced (an editor or passwd writes a new
// file and renames it over the old one: a new inode). The parent directory of each watched path
// is watched with inotify on this table's own descriptor, which poll() drains without blocking:
// a path whose directory entry was created, moved or deleted is resolved again, so the new file
// is recognised. The old identity is then retired: it still names the watched path for events
// up to the event time the replacement was noticed (an open of the old file processed late), not
// after (its inode number may have gone to any new file by then).
// Every kFullRecheckNs of event time, and when the kernel dropped notifications, every path is
// resolved again (a directory on the way replaced, a symlink on the way retargeted).
//
// Paths are resolved from this process's root, following symlinks without opening anything
// (identities as the driver reports them: DriverDevices):
// no device, FIFO or automount is touched. A path that does not exist (yet) is remembered and
// recognised once it does. At most `capacity` paths.
//
// One thread at a time (the inspector's).
class PinnedPaths {
 public:
  static constexpr uint64_t kFullRecheckNs = 10'000'000'000;

  explicit PinnedPaths(size_t capacity) : capacity_(capacity) {}
  ~PinnedPaths();
  PinnedPaths(const PinnedPaths&) = delete;
  PinnedPaths& operator=(const PinnedPaths&) = delete;

  enum class AddResult : uint8_t { Added, Known, Full, NotAbsolute };
  // Remembers `path` (absolute). Resolved at once when the table is started, else by start().
  AddResult add(std::string_view path);
  // Forgets every path (and drops their directory watches).
  void clear();
  // Looks at the filesystem from now on: sets up the directory watches and resolves every path.
  // Idempotent; `now_ns` is the event time the full re-check schedule starts from.
  void start(uint64_t now_ns);

  // The watched path of the file with this identity, opened at event time `ts`; nullptr when
  // none. Never touches the filesystem; call poll() first to see replacements made since the
  // last poll.
  const std::string* find(const FileIdentity& id, uint64_t ts) const {
    if (auto it = index_.find(id); it != index_.end()) return &entries_[it->second].resolved;
    if (retired_.empty()) return nullptr;
    auto it = retired_.find(id);
    if (it == retired_.end() || ts > entries_[it->second].retired_at) return nullptr;
    return &entries_[it->second].resolved;
  }
  // Applies what the directory watches reported since the last call (one non-blocking read when
  // nothing happened) and, once kFullRecheckNs of event time passed, re-resolves every path.
  void poll(uint64_t now_ns);

  bool empty() const { return entries_.empty(); }
  size_t capacity() const { return capacity_; }
  // How often a watched path was found to reach another file than before (or none, or one again).
  uint64_t changes() const { return changes_; }
  uint64_t last_poll_ns() const { return last_poll_ns_; }

 private:
  struct Entry {
    std::string requested;  // as given to add()
    std::string resolved;   // every symlink resolved; the name fd.realpath reports
    FileIdentity id;        // ino 0: the path reaches nothing now
    bool seen = false;      // resolved at least once (a later difference is a change)
    FileIdentity retired;   // the file it reached before the last change, noticed at retired_at
    uint64_t retired_at = 0;
    int wd = -1;            // the inotify watch of the directory holding the file reached
    std::string leaf;       // its name there
    int link_wd = -1;       // the directory the requested path names (where a symlink may be)
    std::string link_leaf;  // the requested path's last component
  };

  void resolve(Entry& e, uint64_t now_ns);  // the identity and directory watch of one path
  void rebuild_index();
  // Resolves every path again now, and renews the directory watches.
  void recheck_all(uint64_t now_ns);

  void drain_notifications(uint64_t now_ns);

  size_t capacity_;
  std::vector<Entry> entries_;
  std::unordered_map<FileIdentity, uint32_t, FileIdentityHash> index_;    // current identities
  std::unordered_map<FileIdentity, uint32_t, FileIdentityHash> retired_;  // the one before, per path
  bool started_ = false;
  int inotify_fd_ = -1;
  uint64_t last_poll_ns_ = 0;
  uint64_t last_full_ns_ = 0;
  uint64_t changes_ = 0;
  std::vector<char> notify_buf_;
  DriverDevices devices_;  // identities as the driver reports them (overlayfs, btrfs)
};

}  // namespace vigil::inspect::detail
