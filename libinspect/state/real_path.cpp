#include "state/real_path.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <vector>

#include "state/inspector_impl.h"

namespace vigil::inspect::detail {

namespace {

constexpr int kMaxSymlinks = 40;  // the kernel's MAXSYMLINKS

FileIdentity identity_of(const struct stat& st) {
  const uint32_t major_no = major(st.st_dev), minor_no = minor(st.st_dev);
  return {(minor_no & 0xffu) | (major_no << 8) | ((minor_no & ~0xffu) << 12), static_cast<uint64_t>(st.st_ino)};
}

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

bool root_matches(int root_fd, std::string_view lookup, const FileIdentity& want, std::string& out) {
  FileIdentity got;
  if (!resolve_below_root(root_fd, lookup, out, got)) return false;
  if (want.dev != 0 && got.dev != want.dev) return false;
  return got.ino == want.ino;
}

}  // namespace

bool resolve_below_root(int root_fd, std::string_view path, std::string& out, FileIdentity& id) {
  DirStack dirs;
  std::string todo(path);
  size_t pos = 0;
  int links = 0;
  std::string leaf;  // the last component when it is not a directory: nothing may follow it
  struct stat st {};
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
    if (::fstatat(top(), part.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return false;
    if (S_ISLNK(st.st_mode)) {
      if (++links > kMaxSymlinks) return false;
      char target[PATH_MAX];
      const ssize_t n = ::readlinkat(top(), part.c_str(), target, sizeof target);
      if (n <= 0 || static_cast<size_t>(n) >= sizeof target) return false;
      if (target[0] == '/') dirs.pop_all();
      todo = std::string(target, static_cast<size_t>(n)) + todo.substr(pos);
      pos = 0;
      continue;
    }
    if (S_ISDIR(st.st_mode)) {
      const int fd = ::openat(top(), part.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
      if (fd < 0) return false;
      dirs.push(fd, std::move(part));
    } else {
      leaf = std::move(part);
      id = identity_of(st);
    }
  }
  if (leaf.empty()) {
    if (::fstat(top(), &st) != 0) return false;
    id = identity_of(st);
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

std::string_view fd_real_path(const EventContext& ctx, const FdState& fd) {
  switch (fd.realpath_state) {
    case FdState::RealPath::Resolved: return fd.realpath;
    case FdState::RealPath::SameAsName: return fd.name;
    case FdState::RealPath::Unknown: break;
  }
  fd.realpath_state = FdState::RealPath::SameAsName;  // unless proven below
  const ThreadState* t = ctx.thread();
  const Inspector& inspector = ctx.inspector();
  if (!inspector.live() || !t || !is_file(fd) || !fd.name.starts_with('/')) {
    fd.realpath.clear();
    return fd.name;
  }
  const std::string lookup = fd.realpath.empty() ? fd.name : fd.realpath;
  fd.realpath.clear();
  const std::string& proc = inspector.options().proc_root;

  // What the lookup must reach: the file the open reported, else the file still open at that
  // fd. Without either nothing can be proven.
  FileIdentity want{fd.dev, fd.ino};
  if (fd.ino == 0) {
    struct stat st {};
    const std::string open_fd = proc + "/" + std::to_string(t->tid) + "/fd/" + std::to_string(fd.fd);
    if (::stat(open_fd.c_str(), &st) != 0) return fd.name;
    want = identity_of(st);
  }

  // The thread's root; when the thread has gone by now (short-lived commands usually have), its
  // process's or parent's, which share it unless a chroot or namespace change came between; and
  // this process's own root for threads on the host. The identity check rejects a wrong guess.
  std::string roots[4];
  size_t nroots = 0;
  for (int64_t id : {t->tid, t->pid, t->ptid}) {
    if (id <= 0) continue;
    std::string r = proc + "/" + std::to_string(id) + "/root";
    bool seen = false;
    for (size_t i = 0; i < nroots; ++i) seen |= roots[i] == r;
    if (!seen) roots[nroots++] = std::move(r);
  }
  if (t->container.is_host() && t->root == "/") roots[nroots++] = "/";
  std::string out;
  for (size_t i = 0; i < nroots; ++i) {
    const int root_fd = ::open(roots[i].c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0) continue;
    const bool ok = root_matches(root_fd, lookup, want, out);
    ::close(root_fd);
    if (ok) {
      fd.realpath = std::move(out);
      fd.realpath_state = FdState::RealPath::Resolved;
      return fd.realpath;
    }
  }
  return fd.name;
}

}  // namespace vigil::inspect::detail
