// FakeContainer: docker-named cgroups below the caller's own, in every mounted hierarchy.
#include "fake_container.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <sstream>
#include <thread>

#include "files.h"
#include "scenario.h"

namespace vigil::scenarios {
namespace {

struct Hierarchy {
  std::string mount_point;
  std::string mount_root;
  bool v2 = false;
  std::vector<std::string> options;  // super options of a v1 mount: rw, cpu, name=systemd ...
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::string item;
  std::istringstream in(s);
  while (std::getline(in, item, sep)) out.push_back(item);
  return out;
}

std::vector<Hierarchy> cgroup_mounts() {
  std::vector<Hierarchy> out;
  Result<std::string> text = read_file("/proc/self/mountinfo");
  if (!text) return out;
  for (const std::string& line : split(*text, '\n')) {
    // "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS"
    const size_t dash = line.find(" - ");
    if (dash == std::string::npos) continue;
    const std::vector<std::string> head = split(line.substr(0, dash), ' ');
    const std::vector<std::string> tail = split(line.substr(dash + 3), ' ');
    if (head.size() < 5 || tail.size() < 3) continue;
    if (tail[0] != "cgroup" && tail[0] != "cgroup2") continue;
    out.push_back({head[4], head[3], tail[0] == "cgroup2", split(tail[2], ',')});
  }
  return out;
}

bool has_option(const Hierarchy& h, const std::string& option) {
  for (const std::string& o : h.options)
    if (o == option) return true;
  return false;
}

// The mount that holds the hierarchy of a /proc/self/cgroup line's controller list.
const Hierarchy* hierarchy_for(const std::vector<Hierarchy>& mounts, const std::string& controllers) {
  for (const Hierarchy& h : mounts) {
    if (controllers.empty() != h.v2) continue;
    bool all = true;
    for (const std::string& c : split(controllers, ',')) all = all && has_option(h, c);
    if (all) return &h;
  }
  return nullptr;
}

std::string random_id() {
  unsigned char bytes[32] = {};
  UniqueFd fd(::open("/dev/urandom", O_RDONLY | O_CLOEXEC));
  if (fd.valid()) {
    [[maybe_unused]] ssize_t n = ::read(fd.get(), bytes, sizeof bytes);
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id;
  for (unsigned char b : bytes) id += kHex[b >> 4], id += kHex[b & 15];
  return id;
}

// A new cpuset cgroup starts with no CPUs and no memory nodes and refuses members until given
// some: copy the parent's.
Status inherit_cpuset(const std::string& dir) {
  for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
    const std::string mine = dir + "/" + file;
    if (::access(mine.c_str(), F_OK) != 0) continue;
    const std::string parent = dir.substr(0, dir.rfind('/')) + "/" + file;
    Result<std::string> value = read_file(parent);
    if (!value) return value.error();
    UniqueFd fd(::open(mine.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd.valid()) return system_error("open " + mine);
    SCENARIO_TRY(write_all(fd.get(), *value, mine));
  }
  return {};
}

}  // namespace

Result<FakeContainer> FakeContainer::create() {
  FakeContainer c;
  c.id_ = random_id();
  const std::vector<Hierarchy> mounts = cgroup_mounts();
  Result<std::string> own = read_file("/proc/self/cgroup");
  if (!own) return own.error();
  for (const std::string& line : split(*own, '\n')) {
    // "ID:CONTROLLERS:PATH"
    const size_t first = line.find(':'), second = line.find(':', first + 1);
    if (first == std::string::npos || second == std::string::npos) continue;
    const std::string controllers = line.substr(first + 1, second - first - 1);
    if (controllers.rfind("name=", 0) == 0) continue;  // named hierarchies carry no controller
    const Hierarchy* h = hierarchy_for(mounts, controllers);
    if (!h) continue;
    std::string path = line.substr(second + 1);
    if (h->mount_root != "/" && path.rfind(h->mount_root, 0) == 0) path = path.substr(h->mount_root.size());
    if (!path.empty() && path.back() == '/') path.pop_back();
    std::string dir = h->mount_point + path;
    const std::vector<std::string> levels =
        h->v2 ? std::vector<std::string>{"docker-" + c.id_ + ".scope"} : std::vector<std::string>{"docker", c.id_};
    for (const std::string& level : levels) {
      dir += "/" + level;
      if (::mkdir(dir.c_str(), 0755) == 0) {
        c.created_.push_back(dir);
        if (Status s = inherit_cpuset(dir); !s) return s.error();
      } else if (errno != EEXIST) {
        return system_error("mkdir " + dir);
      }
    }
    c.procs_files_.push_back(dir + "/cgroup.procs");
  }
  if (c.procs_files_.empty()) return Error{"no mounted cgroup hierarchy holds this process"};
  return c;
}

FakeContainer::FakeContainer(FakeContainer&& other) noexcept
    : id_(std::move(other.id_)), procs_files_(std::move(other.procs_files_)), created_(std::move(other.created_)) {
  other.created_.clear();
  other.procs_files_.clear();
}

FakeContainer::~FakeContainer() { [[maybe_unused]] Status ignored = remove(); }

bool FakeContainer::enter() const {
  for (const std::string& file : procs_files_) {
    const int fd = ::open(file.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return false;
    const bool ok = ::write(fd, "0", 1) == 1;
    ::close(fd);
    if (!ok) return false;
  }
  return true;
}

Status FakeContainer::remove() {
  Status status;
  // Children before parents. A cgroup whose last member just exited can stay busy briefly.
  while (!created_.empty()) {
    const std::string dir = created_.back();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (::rmdir(dir.c_str()) != 0 && errno == EBUSY && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    if (::access(dir.c_str(), F_OK) == 0 && status) status = system_error("rmdir " + dir);
    created_.pop_back();
  }
  procs_files_.clear();
  return status;
}

}  // namespace vigil::scenarios
