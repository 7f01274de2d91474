// /proc/PID/cgroup to "controller=path" items, the way libscap reports them, plus the thread's
// own cgroup v2 path as "unified=path" (as vigil's driver reports it).
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <deque>
#include <memory>

#include "proc/proc_scan_context.h"

namespace vigil::capture::proc {
namespace {

std::vector<std::string> split_controllers(std::string_view text) {
  std::vector<std::string> out;
  for (std::string_view f : split_fields(text.substr(0, text.find('\n')))) out.emplace_back(f);
  return out;
}

// Controllers available in one v2 cgroup directory; nullptr when the directory is unreadable.
const std::vector<std::string>* controllers_of(CgroupV2Hierarchy& h, const std::string& dir) {
  auto it = h.controllers_cache.find(dir);
  if (it != h.controllers_cache.end()) return &it->second;
  std::string text;
  if (read_file(dir + "/cgroup.controllers", text, 4096) != 0) return nullptr;
  return &h.controllers_cache.emplace(dir, split_controllers(text)).first->second;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

// A v2 path: each controller is reported with the deepest ancestor (the cgroup itself included)
// that offers it, walking up until every controller of the root is found or the root is reached.
void resolve_v2(CgroupV2Hierarchy& h, std::string path, std::vector<std::string>& out) {
  std::vector<std::string> found;
  while (true) {
    const auto* controllers = controllers_of(h, h.mount_path + (path == "/" ? "" : path));
    if (controllers == nullptr) return;  // removed while we look: report what we have
    for (const auto& c : *controllers) {
      if (contains(found, c)) continue;
      out.push_back(c + "=" + path);
      found.push_back(c);
    }
    if (path == "/") return;
    if (std::all_of(h.root_controllers.begin(), h.root_controllers.end(),
                    [&](const std::string& c) { return contains(found, c); })) {
      return;
    }
    size_t slash = path.rfind('/');
    if (slash == 0 || slash == std::string::npos) {
      path = "/";
    } else {
      path.resize(slash);
    }
  }
}

// Whether the scanner's cgroup namespace differs from init's.
bool in_cgroup_namespace(const std::string& proc_root) {
  std::string ours, inits;
  if (read_link(proc_root + "/self/ns/cgroup", ours) != 0) return false;
  if (read_link(proc_root + "/1/ns/cgroup", inits) != 0) return false;
  return ours != inits;
}

struct DirCloser {
  void operator()(DIR* d) const { ::closedir(d); }
};

// The cgroup (relative to the mount) whose cgroup.procs lists pid; "" when none does. Breadth
// first and bounded, like libscap's one-time search.
std::string find_cgroup_of(const std::string& mount, const std::string& pid) {
  constexpr size_t kMaxDirs = 100'000;
  std::deque<std::string> todo = {""};
  size_t visited = 0;
  std::string text;
  while (!todo.empty() && visited++ < kMaxDirs) {
    std::string rel = std::move(todo.front());
    todo.pop_front();
    std::string dir = mount + rel;
    if (read_file(dir + "/cgroup.procs", text, 16u << 20) == 0) {
      bool found = false;
      for_each_line(text, [&](std::string_view line) { found = found || line == pid; });
      if (found) return rel.empty() ? "/" : rel;
    }
    std::unique_ptr<DIR, DirCloser> d(::opendir(dir.c_str()));
    if (!d) continue;
    while (struct dirent* e = ::readdir(d.get())) {
      if (e->d_name[0] == '.') continue;
      std::string child = rel + "/" + e->d_name;
      struct stat st;
      if (::lstat((mount + child).c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        todo.push_back(std::move(child));
      }
    }
  }
  return "";
}

// libscap's scap_cgroup_prefix_path(): each leading "/.." of a namespace-relative path climbs one
// level up from the scanner's own cgroup; the rest is appended.
// Climbing above the root stays at the root. `self` starts with '/'.
void absolute_cgroup(const std::string& self, std::string_view path, std::string& out) {
  size_t prefix_len = self.size();
  while (path.substr(0, 3) == "/..") {
    path.remove_prefix(3);
    prefix_len = self.rfind('/', prefix_len == 0 ? 0 : prefix_len - 1);
  }
  if (path == "/") path = "";
  out = self.substr(0, prefix_len) + std::string(path);
  if (out.empty()) out = "/";
}

}  // namespace

CgroupV2Hierarchy load_cgroup_v2_hierarchy(const std::string& proc_root) {
  CgroupV2Hierarchy h;
  std::string text;
  if (read_file(proc_root + "/1/mounts", text, 4u << 20) != 0) return h;
  // Like libscap: the first cgroup2 mount offering controllers, else the last one seen.
  for_each_line(text, [&](std::string_view line) {
    if (!h.root_controllers.empty()) return;
    auto fields = split_fields(line, 3);
    if (fields.size() < 3 || fields[2] != "cgroup2") return;
    std::string mount = proc_root + "/1/root" + std::string(fields[1]);
    std::string controllers;
    if (read_file(mount + "/cgroup.controllers", controllers, 4096) != 0) return;
    h.mount_path = mount;
    h.root_controllers = split_controllers(controllers);
  });
  if (!h.mount_path.empty() && in_cgroup_namespace(proc_root)) {
    std::string self_pid;
    if (read_link(proc_root + "/self", self_pid) == 0) {
      h.self_path = find_cgroup_of(h.mount_path, self_pid);
      if (h.self_path == "/") h.self_path.clear();
    }
  }
  return h;
}

void read_cgroups(ScanContext& ctx, const std::string& path, std::vector<std::string>& out) {
  std::string text;
  if (read_file(path, text, 64 * 1024) != 0) return;  // gone or hidden: no cgroups, as libscap
  const size_t first = out.size();
  for_each_line(text, [&](std::string_view line) {
    if (line.empty()) return;
    // "hierarchy-id:controller,list:path"; the path may itself contain ':'.
    size_t c1 = line.find(':');
    size_t c2 = c1 == std::string_view::npos ? c1 : line.find(':', c1 + 1);
    if (c2 == std::string_view::npos) {
      ctx.malformed(path, "cgroup line without hierarchy:controllers:path");
      return;
    }
    std::string_view id = line.substr(0, c1);
    std::string_view controllers = line.substr(c1 + 1, c2 - c1 - 1);
    std::string_view cgroup = line.substr(c2 + 1);
    if (controllers.empty()) {
      if (id != "0") return;
      CgroupV2Hierarchy& h = ctx.cgroup_v2();
      std::string absolute(cgroup);
      if (!h.self_path.empty()) absolute_cgroup(h.self_path, cgroup, absolute);
      // The thread's own v2 cgroup, which the controllers' items below may not show (a cgroup
      // without controllers reports each at an ancestor). First, as the driver puts it.
      if (absolute != "/") out.insert(out.begin() + static_cast<ptrdiff_t>(first), "unified=" + absolute);
      if (h.mount_path.empty()) return;
      resolve_v2(h, std::move(absolute), out);
      return;
    }
    while (!controllers.empty()) {
      size_t comma = controllers.find(',');
      std::string_view name = controllers.substr(0, comma);
      if (!name.empty()) out.push_back(std::string(name) + "=" + std::string(cgroup));
      if (comma == std::string_view::npos) break;
      controllers.remove_prefix(comma + 1);
    }
  });
}

}  // namespace vigil::capture::proc
