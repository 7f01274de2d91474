#include "state/pinned_paths.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "state/real_path.h"

namespace vigil::inspect::detail {

namespace {

// Directory entries coming or going, and the directory itself going away (then every path is
// resolved again, which renews the watches).
constexpr uint32_t kEntryEvents = IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO;
constexpr uint32_t kWatchMask = kEntryEvents | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR;
constexpr uint32_t kLostWatch = IN_DELETE_SELF | IN_MOVE_SELF | IN_IGNORED | IN_UNMOUNT | IN_Q_OVERFLOW;

// "/a/b/c" -> ("/a/b", "c"); "/c" -> ("/", "c"). Trailing slashes do not count.
void split_parent(std::string_view path, std::string& dir, std::string& leaf) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  const size_t slash = path.rfind('/');
  dir.assign(slash == 0 ? std::string_view("/") : path.substr(0, slash));
  leaf.assign(path.substr(slash + 1));
}

}  // namespace

PinnedPaths::~PinnedPaths() {
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
}

PinnedPaths::AddResult PinnedPaths::add(std::string_view path) {
  if (!path.starts_with('/')) return AddResult::NotAbsolute;
  for (const Entry& e : entries_)
    if (e.requested == path) return AddResult::Known;
  if (entries_.size() >= capacity_) return AddResult::Full;
  entries_.emplace_back().requested.assign(path);
  if (started_) {
    resolve(entries_.back(), last_poll_ns_);
    rebuild_index();
  }
  return AddResult::Added;
}

void PinnedPaths::clear() {
  entries_.clear();
  index_.clear();
  retired_.clear();
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
  inotify_fd_ = -1;
  if (started_) recheck_all(last_poll_ns_);  // a fresh descriptor for the paths to come
}

void PinnedPaths::start(uint64_t now_ns) {
  if (started_) return;
  started_ = true;
  last_full_ns_ = now_ns;
  recheck_all(now_ns);
}

void PinnedPaths::resolve(Entry& e, uint64_t now_ns) {
  const FileIdentity before = e.id;
  std::string dir, leaf;
  // The directory the path names (a symlink there is seen being replaced) and, below, the one
  // holding the file it reaches; watched before the lookup so that no change slips between.
  split_parent(e.requested, dir, leaf);
  e.link_wd = inotify_fd_ >= 0 ? ::inotify_add_watch(inotify_fd_, dir.c_str(), kWatchMask) : -1;
  e.link_leaf = leaf;
  e.wd = -1;
  e.id = {};
  const int root = ::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  std::string resolved;
  FileIdentity id;
  if (root >= 0 && resolve_below_root(devices_, root, e.requested, resolved, id)) {
    split_parent(resolved, dir, leaf);
    e.wd = inotify_fd_ >= 0 ? ::inotify_add_watch(inotify_fd_, dir.c_str(), kWatchMask) : -1;
    e.leaf = leaf;
    // Looked up again now that its directory is watched: a replacement in between is either
    // seen here or reported by the watch.
    if (resolve_below_root(devices_, root, e.requested, resolved, id)) {
      e.resolved = std::move(resolved);
      e.id = id;
    }
  }
  if (root >= 0) ::close(root);
  if (e.resolved.empty()) e.resolved = e.requested;
  if (e.seen && !(before == e.id)) {
    ++changes_;
    if (before.ino != 0) {
      e.retired = before;
      e.retired_at = now_ns;
    }
  }
  e.seen = true;
}

void PinnedPaths::rebuild_index() {
  index_.clear();
  // Two watched paths reaching one file (hard links, or two spellings): the first watched wins.
  retired_.clear();
  for (uint32_t i = 0; i < entries_.size(); ++i) {
    if (entries_[i].id.ino != 0) index_.emplace(entries_[i].id, i);
    if (entries_[i].retired.ino != 0) retired_.emplace(entries_[i].retired, i);
  }
}

void PinnedPaths::recheck_all(uint64_t now_ns) {
  if (!started_) return;
  // A fresh descriptor drops the watches of directories no path goes through any more.
  if (inotify_fd_ >= 0) ::close(inotify_fd_);
  inotify_fd_ = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);  // -1: the full re-checks still run
  for (Entry& e : entries_) resolve(e, now_ns);
  rebuild_index();
}

void PinnedPaths::drain_notifications(uint64_t now_ns) {
  if (inotify_fd_ < 0) return;
  if (notify_buf_.empty()) notify_buf_.resize(16 * (sizeof(inotify_event) + NAME_MAX + 1));
  bool again = false, changed = false;
  for (;;) {
    const ssize_t n = ::read(inotify_fd_, notify_buf_.data(), notify_buf_.size());
    if (n <= 0) break;  // EAGAIN: nothing more
    for (size_t at = 0; at + sizeof(inotify_event) <= static_cast<size_t>(n);) {
      inotify_event ev;
      std::memcpy(&ev, notify_buf_.data() + at, sizeof ev);
      const char* name_at = notify_buf_.data() + at + sizeof ev;
      const std::string_view name(name_at, ev.len ? ::strnlen(name_at, ev.len) : 0);
      at += sizeof ev + ev.len;
      if (ev.mask & kLostWatch) {
        again = true;
        continue;
      }
      if (!(ev.mask & kEntryEvents)) continue;
      for (Entry& e : entries_) {
        if ((e.wd == ev.wd && e.leaf == name) || (e.link_wd == ev.wd && e.link_leaf == name)) {
          resolve(e, now_ns);
          changed = true;
        }
      }
    }
  }
  if (again) {
    recheck_all(now_ns);
  } else if (changed) {
    rebuild_index();
  }
}

void PinnedPaths::poll(uint64_t now_ns) {
  if (!started_) return;
  last_poll_ns_ = now_ns;
  if (last_full_ns_ == 0) last_full_ns_ = now_ns;  // started before any event was seen
  if (now_ns > last_full_ns_ && now_ns - last_full_ns_ >= kFullRecheckNs) {
    last_full_ns_ = now_ns;
    recheck_all(now_ns);
    return;
  }
  drain_notifications(now_ns);
}

}  // namespace vigil::inspect::detail
