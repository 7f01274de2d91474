#include "state/real_path.h"

#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "state/inspector_impl.h"

namespace vigil::inspect::detail {

namespace {

constexpr int kMaxSymlinks = 40;  // the kernel's MAXSYMLINKS

bool is_file(const FdState& fd) {
  return fd.type == capture::FdType::File || fd.type == capture::FdType::FileV2 ||
         fd.type == capture::FdType::Directory;
}

// Closes the directory fds of a lookup however it ends.
struct DirStack {
  std::vector<int> fds;
  std::vector<std::string> names;
  ~DirStack() { pop_all(); }
  void push(int fd, std::string name) {
    fds.push_back(fd);
    names.push_back(std::move(name));
  }
  void pop() {
    ::close(fds.back());
    fds.pop_back();
    names.pop_back();
  }
  void pop_all() {
    while (!fds.empty()) pop();
  }
};

// Whether `path` has a ".." component.
bool has_dotdot(std::string_view path) {
  for (size_t at = path.find(".."); at != std::string_view::npos; at = path.find("..", at + 1)) {
    const bool starts = at == 0 || path[at - 1] == '/';
    const bool ends = at + 2 == path.size() || path[at + 2] == '/';
    if (starts && ends) return true;
  }
  return false;
}

bool matches(const FileIdentity& want, const FileIdentity& got) {
  if (want.dev != 0 && got.dev != want.dev) return false;
  return got.ino == want.ino;
}

// openat2 below the root with O_PATH: nothing is read, only search permission is needed, no
// side effect (no atime update, no device or FIFO opened). -1 and errno on failure.
int open_below(int root_fd, const char* path, uint64_t resolve) {
  struct open_how how {};
  how.flags = O_PATH | O_CLOEXEC;
  how.resolve = resolve;
  return static_cast<int>(::syscall(SYS_openat2, root_fd, path, &how, sizeof how));
}

// openat2 missing (before Linux 5.6) or forbidden (seccomp).
bool openat2_unavailable(int err) { return err == ENOSYS || err == EPERM || err == E2BIG; }

// Failures the walk could not get past either: the kernel's own lookup found nothing there.
bool lookup_failed(int err) { return err == ENOENT || err == ENOTDIR || err == EACCES || err == ENAMETOOLONG; }

// Whether `fd` (an O_PATH descriptor from open_below) is the file the lookup wants.
bool opened_matches(const RootLookup& at, int fd) {
  uint32_t mode;
  FileIdentity got;
  return at.devs->stat(fd, "", AT_EMPTY_PATH, mode, got) && matches(at.want, got);
}

bool walk_matches(const RootLookup& at, std::string_view path, std::string& out) {
  FileIdentity got;
  return resolve_below_root(*at.devs, at.root_fd, path, out, got) && matches(at.want, got);
}

// How long a watched file's identity is trusted without looking at the directory watches: a
// replaced watched file's inode number could go to another file, which would then be misnamed.
// Misses always look (the file opened may be the watched path's new file).
constexpr uint64_t kPinnedHitPollNs = 1'000'000;

// The watched path of the file `id`, seeing replacements first as said above.
const std::string* pinned_path(Inspector::Impl& state, const FileIdentity& id, uint64_t now_ns) {
  PinnedPaths& pins = state.pinned;
  const std::string* path = pins.find(id, now_ns);
  if (!path || now_ns - pins.last_poll_ns() >= kPinnedHitPollNs) {
    pins.poll(now_ns);
    state.stats.watched_path_changes = pins.changes();
    path = pins.find(id, now_ns);
  }
  if (path) ++state.stats.realpath_pinned_hits;
  return path;
}

}  // namespace

bool resolve_below_root(DriverDevices& devs, int root_fd, std::string_view path, std::string& out, FileIdentity& id) {
  DirStack dirs;
  std::string todo(path);
  size_t pos = 0;
  int links = 0;
  std::string leaf;  // the last component when it is not a directory: nothing may follow it
  uint32_t mode = 0;
  FileIdentity got;
  auto top = [&] { return dirs.fds.empty() ? root_fd : dirs.fds.back(); };
  for (;;) {
    while (pos < todo.size() && todo[pos] == '/') ++pos;
    if (pos >= todo.size()) break;
    size_t end = todo.find('/', pos);
    if (end == std::string::npos) end = todo.size();
    std::string part = todo.substr(pos, end - pos);
    pos = end;
    if (!leaf.empty()) return false;  // ENOTDIR
    if (part == ".") continue;
    if (part == "..") {
      if (!dirs.fds.empty()) dirs.pop();
      continue;
    }
    if (!devs.stat(top(), part.c_str(), AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT, mode, got)) return false;
    if (S_ISLNK(mode)) {
      if (++links > kMaxSymlinks) return false;
      char target[PATH_MAX];
      const ssize_t n = ::readlinkat(top(), part.c_str(), target, sizeof target);
      if (n <= 0 || static_cast<size_t>(n) >= sizeof target) return false;
      if (target[0] == '/') dirs.pop_all();
      todo = std::string(target, static_cast<size_t>(n)) + todo.substr(pos);
      pos = 0;
      continue;
    }
    if (S_ISDIR(mode)) {
      const int fd = ::openat(top(), part.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) return false;
      dirs.push(fd, std::move(part));
    } else {
      leaf = std::move(part);
      id = got;
    }
  }
  if (leaf.empty()) {
    if (!devs.stat(top(), "", AT_EMPTY_PATH, mode, id)) return false;
  }
  out.clear();
  for (const auto& n : dirs.names) {
    out += '/';
    out += n;
  }
  if (!leaf.empty()) {
    out += '/';
    out += leaf;
  }
  if (out.empty()) out = "/";
  return true;
}

void unnormalized_open_path(std::string_view base, std::string_view raw, std::string& out) {
  out.clear();
  if (!has_dotdot(raw) || base.starts_with('<')) return;
  if (!raw.starts_with('/')) {
    out.assign(base);
    if (out.empty() || out.back() != '/') out += '/';
  }
  out.append(raw);
}

bool names_file(const RootLookup& at, const std::string& path) {
  if (*at.kernel) {
    const int fd = open_below(at.root_fd, path.c_str(), RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
    if (fd >= 0) {
      const bool same = opened_matches(at, fd);
      ::close(fd);
      return same;
    }
    if (openat2_unavailable(errno)) {
      *at.kernel = false;
    } else if (errno != EAGAIN && errno != EXDEV) {
      return false;  // missing, or a symlink on the way: not this path
    }
  }
  std::string out;
  return walk_matches(at, path, out) && out == path;
}

bool resolve_to_file(const RootLookup& at, const std::string& path, std::string& out) {
  if (*at.kernel) {
    const int fd = open_below(at.root_fd, path.c_str(), RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS);
    if (fd >= 0) {
      const bool same = opened_matches(at, fd);
      char link[40], name[PATH_MAX];
      std::snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
      const ssize_t n = same ? ::readlink(link, name, sizeof name) : -1;
      ::close(fd);
      if (!same) return false;  // the kernel's lookup reaches another file
      // The kernel names the file from this process's root; below the thread's root (a chroot
      // inside ours) that name may not exist: it counts only if it reaches the file there.
      if (n > 0 && static_cast<size_t>(n) < sizeof name && name[0] == '/') {
        out.assign(name, static_cast<size_t>(n));
        if (!has_dotdot(out) && names_file(at, out)) return true;
      }
    } else if (openat2_unavailable(errno)) {
      *at.kernel = false;
    } else if (lookup_failed(errno)) {
      return false;
    }
  }
  return walk_matches(at, path, out);
}

std::string_view fd_real_path(const EventContext& ctx, const FdState& fd) {
  switch (fd.realpath_state) {
    case FdState::RealPath::Resolved: return fd.realpath;
    case FdState::RealPath::SameAsName: return fd.name;
    case FdState::RealPath::Unknown: break;
  }
  fd.realpath_state = FdState::RealPath::SameAsName;  // unless proven below
  const ThreadState* t = ctx.thread();
  const Inspector& inspector = ctx.inspector();
  if (!inspector.live() || !t || !is_file(fd)) {
    fd.realpath.clear();
    return fd.name;
  }
  Inspector::Impl& state = InspectorInternals::of(inspector);
  // A watched file is named by its watched path, whatever name it was opened by.
  auto pinned = [&](const FileIdentity& id) {
    if (state.pinned.empty() || id.ino == 0) return false;
    const std::string* path = pinned_path(state, id, ctx.event().ts());
    if (!path) return false;
    fd.realpath.assign(*path);
    fd.realpath_state = FdState::RealPath::Resolved;
    return true;
  };
  if (pinned({fd.dev, fd.ino})) return fd.realpath;
  if (!fd.name.starts_with('/')) {
    fd.realpath.clear();
    return fd.name;
  }
  std::string& lookup = state.realpath_lookup;  // keeps its capacity: no allocation once warm
  lookup.assign(fd.realpath.empty() ? fd.name : fd.realpath);
  fd.realpath.clear();
  const std::string& proc = inspector.options().proc_root;

  // What the lookup must reach: the file the open reported, else the file still open at that
  // fd. Without either nothing can be proven.
  FileIdentity want{fd.dev, fd.ino};
  if (fd.ino == 0) {
    uint32_t mode;
    const std::string open_fd = proc + "/" + std::to_string(t->tid) + "/fd/" + std::to_string(fd.fd);
    if (!state.realpath_devices.stat(AT_FDCWD, open_fd.c_str(), 0, mode, want)) return fd.name;
    if (pinned(want)) return fd.realpath;
  }

  // The thread's root; when the thread has gone by now (short-lived commands usually have), its
  // process's or parent's, which share it unless a chroot or namespace change came between; and
  // this process's own root for threads on the host. The identity check rejects a wrong guess.
  char roots[4][256];
  size_t nroots = 0;
  for (int64_t id : {t->tid, t->pid, t->ptid}) {
    if (id <= 0) continue;
    char* r = roots[nroots];
    const int n = std::snprintf(r, sizeof roots[0], "%s/%lld/root", proc.c_str(), static_cast<long long>(id));
    if (n <= 0 || static_cast<size_t>(n) >= sizeof roots[0]) continue;
    bool seen = false;
    for (size_t i = 0; i < nroots; ++i) seen |= std::strcmp(roots[i], r) == 0;
    if (!seen) ++nroots;
  }
  if (t->container.is_host() && t->root == "/") std::strcpy(roots[nroots++], "/");

  // The remembered path of the file is checked in the first root that can be opened; a path
  // that no longer reaches the file there is forgotten (and replaced once resolved again).
  bool cache_tried = false;
  auto resolved_in = [&](const char* root, const std::string& path) {
    const int root_fd = ::open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0) return false;
    const RootLookup at{root_fd, want, &state.realpath_openat2, &state.realpath_devices};
    bool ok = false;
    if (!cache_tried) {
      cache_tried = true;
      if (const std::string* known = state.realpath_cache.find(want)) {
        if (names_file(at, *known)) {
          fd.realpath.assign(*known);
          ++state.stats.realpath_cache_hits;
          ok = true;
        } else {
          ++state.stats.realpath_cache_stale;
          state.realpath_cache.erase(want);
        }
      }
    }
    if (!ok) {
      ++state.stats.realpath_lookups;
      // Without openat2 the proof is a walk, which resolve_to_file does anyway.
      if (state.realpath_openat2 && !has_dotdot(path) && names_file(at, path)) {
        fd.realpath.assign(path);  // no symlink on the way: the path as opened is the real one
        ok = true;
      } else {
        ok = resolve_to_file(at, path, fd.realpath);
      }
      if (ok) {
        state.realpath_cache.put(want, fd.realpath);
        state.stats.realpath_cache_evictions = state.realpath_cache.evictions();
      }
    }
    ::close(root_fd);
    if (ok) fd.realpath_state = FdState::RealPath::Resolved;
    else fd.realpath.clear();
    return ok;
  };
  for (size_t i = 0; i < nroots; ++i)
    if (resolved_in(roots[i], lookup)) return fd.realpath;
  // A relative path opened from a working directory whose name we only know lexically (a chdir
  // through "symlink/.."): the thread's real working directory, if it is still there, on the host.
  if (!fd.nameraw.empty() && fd.nameraw[0] != '/' && t->container.is_host() && t->root == "/") {
    char cwd[PATH_MAX];
    const std::string link = proc + "/" + std::to_string(t->tid) + "/cwd";
    const ssize_t n = ::readlink(link.c_str(), cwd, sizeof cwd);
    if (n > 0 && static_cast<size_t>(n) < sizeof cwd && cwd[0] == '/' &&
        resolved_in("/", std::string(cwd, static_cast<size_t>(n)) + "/" + fd.nameraw))
      return fd.realpath;
  }
  return fd.name;
}

}  // namespace vigil::inspect::detail
